import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP server on 127.0.0.1 that hands each connection to `behaviour` on its own thread:
/// for servers that misbehave (silent, garbage, reset...).
public final class RawTCPServer: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    private let socket: ThreadServedSocket?
    private let lock = NSLock()
    private var closed = false

    public init(acceptConnections: Bool = true, behaviour: @escaping @Sendable (Int32) -> Void) {
        signal(SIGPIPE, SIG_IGN)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        listen(fd, 128)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        guard acceptConnections else {
            socket = nil
            return
        }
        let served = ThreadServedSocket(fd)
        socket = served
        served.serve { listener in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                Thread.detachNewThread {
                    behaviour(client)
                    close(client)
                }
            }
        }
    }

    public func stop() {
        if let socket { return socket.stop() }
        let wasOpen = lock.withLock {
            defer { closed = true }
            return !closed
        }
        if wasOpen { close(fd) }
    }

    deinit { stop() }

    /// Reads whatever the client sent first (its ClientHello), up to `limit` bytes.
    public static func readSome(_ fd: Int32, limit: Int = 16384) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = read(fd, &buffer, limit)
        return n > 0 ? Array(buffer[0..<n]) : []
    }

    public static func write(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}

/// A port that was free a moment ago (for servers that cannot bind port 0 themselves).
public func freePort() -> Int {
    let server = RawTCPServer(acceptConnections: false) { _ in }
    let port = server.port
    server.stop()
    return port
}

/// An external server process (openssl s_server, gnutls-serv, nginx) stopped when released.
public final class ExternalServer: @unchecked Sendable {
    public let process: Process
    public let port: Int

    public init(executable: String, arguments: [String], port: Int) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        self.port = port
        try process.run()
        // Wait until it accepts connections.
        for _ in 0..<100 {
            if Self.canConnect(port: port) { return }
            usleep(50_000)
        }
        stop()
        throw CocoaError(.executableLoad)
    }

    public static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }

    public static func find(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    public func stop() {
        // SIGKILL: a child spawned from a test thread may inherit a mask that blocks SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// Hand-made TLS records, for servers that misbehave in precise ways.
public enum TLSBytes {
    /// A TLS 1.2-style ServerHello record choosing `cipher`, with `version` in the legacy field.
    public static func serverHello(version: UInt16 = 0x0303, cipher: UInt16 = 0xC02F) -> [UInt8] {
        var body: [UInt8] = [UInt8(version >> 8), UInt8(version & 0xFF)]
        body += (0..<32).map { _ in UInt8.random(in: 0...255) }
        body += [0]  // no session id
        body += [UInt8(cipher >> 8), UInt8(cipher & 0xFF), 0]  // cipher, null compression
        body += [0, 0]  // no extensions
        return record(type: 0x16, handshake(type: 2, body))
    }

    public static func handshake(type: UInt8, _ body: [UInt8]) -> [UInt8] {
        [type, UInt8((body.count >> 16) & 0xFF), UInt8((body.count >> 8) & 0xFF), UInt8(body.count & 0xFF)] + body
    }

    public static func record(type: UInt8, version: UInt16 = 0x0303, _ payload: [UInt8]) -> [UInt8] {
        [type, UInt8(version >> 8), UInt8(version & 0xFF), UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
            + payload
    }

    /// A warning-level alert record.
    public static func warningAlert(_ code: UInt8) -> [UInt8] { record(type: 0x15, [1, code]) }
}

extension TLSBytes {
    /// A HelloRequest record (handshake type 0, empty body): a client in the middle of a handshake ignores it.
    public static let helloRequest: [UInt8] = record(type: 0x16, handshake(type: 0, []))
}

/// Storms: what a server streams after the ClientHello to keep a client busy without ever finishing.
public enum StormKind: Sendable {
    /// Warning alerts (user_canceled) interleaved with HelloRequests: OpenSSL's warning-alert limit
    /// resets on every HelloRequest.
    case alertsAndHelloRequests
    /// HelloRequests alone.
    case helloRequests
}

extension RawTCPServer {
    /// A server that reads the ClientHello, optionally answers with a ServerHello, then streams
    /// `kind` until the client goes away or `maxSeconds` pass (so a test that fails does not hang).
    /// With `pause` (microseconds), one unit at a time with that pause between: a slow storm.
    public static func storm(
        _ kind: StormKind, afterServerHello: Bool = false, pause: useconds_t = 0, maxSeconds: Double = 20
    ) -> RawTCPServer {
        RawTCPServer { fd in
            _ = readSome(fd)
            if afterServerHello { write(fd, TLSBytes.serverHello()) }
            let unit: [UInt8] =
                switch kind {
                case .alertsAndHelloRequests: TLSBytes.warningAlert(90) + TLSBytes.helloRequest
                case .helloRequests: TLSBytes.helloRequest
                }
            let batch = [[UInt8]](repeating: unit, count: pause > 0 ? 1 : 512).flatMap { $0 }
            let end = Date().addingTimeInterval(maxSeconds)
            while Date() < end {
                let n = batch.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                if pause > 0 { usleep(pause) }
            }
        }
    }
}

/// A socket that a thread of its own waits on (accept, recvfrom), closed only after that thread has
/// left: closed earlier, its descriptor number could be reused by another test's socket, and the
/// thread would take (and misbehave on) that test's connections or datagrams.
public final class ThreadServedSocket: @unchecked Sendable {
    public let fd: Int32
    private let lock = NSLock()
    private var stopped = false
    private let threadLeft = DispatchSemaphore(value: 0)

    public init(_ fd: Int32) { self.fd = fd }

    /// Runs `body` on a new thread; when it returns, `stop` may close the socket.
    public func serve(_ body: @escaping @Sendable (Int32) -> Void) {
        let (fd, left) = (fd, threadLeft)
        Thread.detachNewThread {
            defer { left.signal() }
            body(fd)
        }
    }

    /// Wakes the thread (shutdown makes its accept or recvfrom return), waits for it, closes. Once.
    /// Only for a socket whose `serve` was called.
    public func stop() {
        let wasRunning = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard wasRunning else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        threadLeft.wait()
        close(fd)
    }
}
