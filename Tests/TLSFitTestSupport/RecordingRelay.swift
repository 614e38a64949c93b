import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on 127.0.0.1 in front of a real server that records, per connection, every byte
/// the client sent: to check what a client puts on the wire.
public final class RecordingRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [[UInt8]] = []
    private var server: RawTCPServer!

    public var port: Int { server.port }

    /// The client's bytes, one entry per connection (in the order they were accepted).
    public var connections: [[UInt8]] { lock.withLock { sent } }

    public init(targetPort: Int) {
        server = RawTCPServer { [self] client in
            let index = lock.withLock {
                sent.append([])
                return sent.count - 1
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(upstream) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(targetPort).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard rc == 0 else { return }
            var fds = [
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                pollfd(fd: upstream, events: Int16(POLLIN), revents: 0),
            ]
            var buffer = [UInt8](repeating: 0, count: 16384)
            // Ten seconds at most: a test must not hang.
            let end = Date().addingTimeInterval(10)
            while Date() < end {
                guard poll(&fds, 2, 200) >= 0 else { return }
                for (i, pfd) in fds.enumerated() where pfd.revents != 0 {
                    let n = read(pfd.fd, &buffer, buffer.count)
                    if n <= 0 { return }
                    if i == 0 { lock.withLock { sent[index] += buffer[0..<n] } }
                    var off = 0
                    while off < n {
                        let w = buffer.withUnsafeBytes {
                            write(i == 0 ? upstream : client, $0.baseAddress! + off, n - off)
                        }
                        if w <= 0 { return }
                        off += w
                    }
                }
            }
        }
    }

    public func stop() { server.stop() }
}
