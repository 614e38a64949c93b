import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A DNS server on UDP port 53 of a loopback address that answers every query with NXDOMAIN (the
/// name does not exist), as a real resolver does for a name nobody registered. Port 53 needs root;
/// `start` returns nil where it cannot bind.
public final class NXDomainServer: @unchecked Sendable {
    public let address: String
    private let socket: ThreadServedSocket

    public static func start(address: String = "127.0.0.77") -> NXDomainServer? {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = UInt16(53).bigEndian
        sin.sin_addr.s_addr = inet_addr(address)
        let bound = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        return NXDomainServer(fd: fd, address: address)
    }

    private init(fd: Int32, address: String) {
        self.address = address
        socket = ThreadServedSocket(fd)
        socket.serve { fd in
            var buffer = [UInt8](repeating: 0, count: 1500)
            while true {
                var peer = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let n = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, &buffer, buffer.count, 0, $0, &length)
                    }
                }
                // After stop's shutdown, recvfrom returns 0 (nothing sends an empty query).
                if n <= 0 { return }
                guard n >= 12 else { continue }
                // The query back as the answer: same id and question, QR set, RCODE 3 (NXDOMAIN), no records.
                var answer = Array(buffer[0..<n])
                answer[2] = 0x80 | (answer[2] & 0x79)  // QR, the opcode and RD as asked
                answer[3] = 0x80 | 0x03  // RA, NXDOMAIN
                answer[6] = 0
                answer[7] = 0
                answer[8] = 0
                answer[9] = 0
                answer[10] = 0
                answer[11] = 0
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, answer, answer.count, 0, $0, length)
                    }
                }
            }
        }
    }

    public func stop() { socket.stop() }
}
