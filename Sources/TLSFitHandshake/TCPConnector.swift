import Dispatch
import FoundationEssentials
import Synchronization
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A resolved socket address.
struct ResolvedAddress: Sendable {
    var storage: sockaddr_storage
    var length: socklen_t
    var family: Int32

    /// `127.0.0.1:443` or `[::1]:443`.
    func display(port: Int) -> String { family == AF_INET6 ? "[\(numericHost)]:\(port)" : "\(numericHost):\(port)" }

    /// `127.0.0.1` or `::1`.
    var numericHost: String {
        var s = storage
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let rc = withUnsafePointer(to: &s) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
            }
        }
        guard rc == 0 else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// DNS and TCP with a deadline; the socket comes back non-blocking.
enum TCPConnector {
    /// Resolves `host` (a name or a numeric address). getaddrinfo has no timeout of its own, so a
    /// name lookup runs on its own thread and is abandoned at the deadline.
    static func resolve(_ host: String, port: Int, deadline: Deadline) -> Result<[ResolvedAddress], HandshakeFailure> {
        final class Box: Sendable {
            let result = Mutex<Result<[ResolvedAddress], HandshakeFailure>?>(nil)
            let done = DispatchSemaphore(value: 0)
        }
        let box = Box()
        let work: @Sendable () -> Void = {
            let found = lookup(host, port: port)
            box.result.withLock { $0 = found }
            box.done.signal()
        }
        if isNumericAddress(host) {
            work()
        } else {
            detachThread(work)
        }
        if box.done.wait(timeout: .now() + .milliseconds(Int(deadline.remainingMilliseconds))) == .timedOut {
            return .failure(
                HandshakeFailure(stage: .dns, kind: .timeout, detail: "name lookup for \(host) did not finish in time"))
        }
        return box.result.withLock { $0! }
    }

    static func isNumericAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    private static func lookup(_ host: String, port: Int) -> Result<[ResolvedAddress], HandshakeFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        if isNumericAddress(host) { hints.ai_flags = AI_NUMERICHOST }
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            let text = String(cString: gai_strerror(rc))
            return .failure(HandshakeFailure(stage: .dns, kind: .nameNotResolved, detail: "\(host): \(text)"))
        }
        defer { freeaddrinfo(list) }
        var out: [ResolvedAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node {
            var storage = sockaddr_storage()
            let len = n.pointee.ai_addrlen
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: n.pointee.ai_addr, count: Int(len)))
            }
            out.append(ResolvedAddress(storage: storage, length: len, family: n.pointee.ai_family))
            node = n.pointee.ai_next
        }
        // Prefer IPv4 first as most update clients on corporate networks do; keep the order otherwise.
        out.sort { ($0.family == AF_INET ? 0 : 1) < ($1.family == AF_INET ? 0 : 1) }
        return .success(out)
    }

    /// Connects a non-blocking TCP socket before the deadline; returns the file descriptor.
    static func connect(to address: ResolvedAddress, deadline: Deadline) -> Result<Int32, HandshakeFailure> {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            return .failure(
                HandshakeFailure(stage: .tcp, kind: .other, detail: "socket(): \(String(cString: strerror(errno)))"))
        }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = address.storage
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
        }
        if rc == 0 { return .success(fd) }
        let err = errno
        guard err == EINPROGRESS else {
            close(fd)
            return .failure(classify(errno: err, address: address))
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let n = poll(&pfd, 1, deadline.remainingMilliseconds)
            if n < 0 && errno == EINTR { continue }
            if n == 0 || deadline.expired && n <= 0 {
                close(fd)
                return .failure(
                    HandshakeFailure(
                        stage: .tcp, kind: .timeout,
                        detail:
                            "no answer from \(address.numericHost) to the TCP connection request (SYN) before the timeout"
                    ))
            }
            break
        }
        var soError: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
        if soError != 0 {
            close(fd)
            return .failure(classify(errno: soError, address: address))
        }
        return .success(fd)
    }

    /// Connects to each address in turn while time remains; returns the socket and the address
    /// that answered, or the last failure (with the last address tried).
    static func connect(toFirstOf addresses: [ResolvedAddress], deadline: Deadline)
        -> (result: Result<Int32, HandshakeFailure>, address: ResolvedAddress?)
    {
        var last: (Result<Int32, HandshakeFailure>, ResolvedAddress?) =
            (.failure(HandshakeFailure(stage: .tcp, kind: .other, detail: "no address to connect to")), nil)
        for address in addresses {
            last = (connect(to: address, deadline: deadline), address)
            if case .success = last.0 { return last }
            if deadline.expired { break }
        }
        return last
    }

    static func classify(errno err: Int32, address: ResolvedAddress) -> HandshakeFailure {
        let text = "\(address.numericHost): \(String(cString: strerror(err)))"
        switch err {
        case ECONNREFUSED: return HandshakeFailure(stage: .tcp, kind: .refused, detail: text)
        case ETIMEDOUT: return HandshakeFailure(stage: .tcp, kind: .timeout, detail: text)
        case EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL:
            return HandshakeFailure(stage: .tcp, kind: .unreachable, detail: text)
        case ECONNRESET: return HandshakeFailure(stage: .tcp, kind: .reset, detail: text)
        default: return HandshakeFailure(stage: .tcp, kind: .other, detail: text)
        }
    }
}
