import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport

@testable import TLSFitCapture

#if canImport(Glibc)
    import Glibc
#endif

struct CaptureTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The directory of this test run's files; made once, after removing what earlier runs left.
let captureRoot: URL = {
    let temporary = FileManager.default.temporaryDirectory
    let prefix = "tlsfit-capture-tests-"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
    where name.hasPrefix(prefix) {
        // A directory whose process is gone (kill with signal 0 only asks whether it exists).
        if let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0 {
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }
    return temporary.appendingPathComponent("\(prefix)\(getpid())")
}()

/// A fresh directory for one test's files.
func captureDirectory() throws -> URL {
    let directory = captureRoot.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// Collects a child's output on a thread of its own, so a full pipe never blocks the child.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)
    private var waiters: [(String, DispatchSemaphore)] = []

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock {
                    data.append(chunk)
                    let text = String(decoding: data, as: UTF8.self)
                    waiters.removeAll { needle, semaphore in
                        guard text.contains(needle) else { return false }
                        semaphore.signal()
                        return true
                    }
                }
            }
            done.signal()
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// Waits until the output contains `needle`; false after `timeout` seconds or at EOF without it.
    func wait(for needle: String, timeout: Double) -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        let already = lock.withLock {
            if String(decoding: data, as: UTF8.self).contains(needle) { return true }
            waiters.append((needle, semaphore))
            return false
        }
        if already { return true }
        return semaphore.wait(timeout: .now() + timeout) == .success
    }

    /// Waits for EOF (the child exited and closed its end).
    func waitForEnd(timeout: Double) { _ = done.wait(timeout: .now() + timeout) }
}

/// Stops a child: SIGINT first (tcpdump then writes its last packets and exits), SIGKILL when it
/// has not exited after `grace` seconds.
func stopProcess(_ process: Process, grace: Double = 3) {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGINT)
    let deadline = Date().addingTimeInterval(grace)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}

/// A real capture: tcpdump writing a pcap file while the test runs.
final class TcpdumpCapture: @unchecked Sendable {
    let path: String
    let process: Process
    let stderr: OutputCollector

    /// Starts `tcpdump -i INTERFACE -w PATH -U FILTER` and returns once it says it is listening.
    init(path: String, interface: String = "lo", filter: String, snapshotLength: Int? = nil) throws {
        guard let tcpdump = ExternalServer.find("tcpdump") else {
            throw CaptureTestError(
                "tcpdump is not installed: the capture tests take real captures with it (Debian: apt-get install tcpdump; .ci/run installs it)"
            )
        }
        self.path = path
        process = Process()
        process.executableURL = URL(fileURLWithPath: tcpdump)
        var arguments = ["-i", interface, "-n", "-U", "-Z", "root", "-w", path]
        if let snapshotLength { arguments += ["-s", "\(snapshotLength)"] }
        process.arguments = arguments + [filter]
        let errorPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        stderr = OutputCollector(errorPipe)
        try process.run()
        guard stderr.wait(for: "listening on", timeout: 15) else {
            stopProcess(process, grace: 1)
            throw CaptureTestError("tcpdump did not start listening within 15 s (needs root): \(stderr.text)")
        }
    }

    /// Waits until the file holds `hellos` ClientHellos (tcpdump -U writes each packet as it comes,
    /// but the kernel hands packets over a little later), then stops tcpdump.
    @discardableResult
    func stop(expectingHellos hellos: Int = 0, settle: Double = 0.3) -> String {
        let deadline = Date().addingTimeInterval(10)
        while hellos > 0, Date() < deadline {
            if let found = try? CaptureReader.clientHellos(path: path), found.count >= hellos { break }
            usleep(50_000)
        }
        usleep(UInt32(settle * 1_000_000))
        // Every packet is already in the file (-U); a test thread's children may have SIGINT
        // blocked, so the grace before SIGKILL is short.
        stopProcess(process, grace: 1)
        stderr.waitForEnd(timeout: 2)
        return stderr.text
    }

    deinit { stopProcess(process, grace: 1) }
}

/// A TCP listener on 127.0.0.1 or ::1 that reads each connection to its end and keeps the bytes.
final class SinkListener: @unchecked Sendable {
    let port: Int
    let host: String
    private let lock = NSLock()
    private var received: [[UInt8]] = []
    private let arrivals = DispatchSemaphore(value: 0)

    init(ipv6: Bool = false) throws {
        signal(SIGPIPE, SIG_IGN)
        let family = ipv6 ? AF_INET6 : AF_INET
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CaptureTestError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        var length: socklen_t
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeBytes(of: &address) { raw in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeBytes(of: &address) { raw in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
            }
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CaptureTestError("cannot listen on \(ipv6 ? "::1" : "127.0.0.1"): \(reason)")
        }
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port: UInt16 = withUnsafeBytes(of: &storage) { raw in
            // sin_port and sin6_port are both at offset 2.
            UInt16(raw[2]) << 8 | UInt16(raw[3])
        }
        self.port = Int(port)
        host = ipv6 ? "::1" : "127.0.0.1"
        socket = ThreadServedSocket(fd)
        // Weak: the listener stops (and its thread ends) when the test lets go of it.
        socket.serve { [weak self] listener in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                Thread.detachNewThread { [weak self] in
                    var bytes: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 65536)
                    while true {
                        let n = read(client, &buffer, buffer.count)
                        if n <= 0 { break }
                        bytes += buffer[0..<n]
                    }
                    close(client)
                    guard let self else { return }
                    lock.withLock { received.append(bytes) }
                    arrivals.signal()
                }
            }
        }
    }

    /// Waits until `count` connections have ended; their bytes, in the order they ended.
    func connections(_ count: Int, timeout: Double = 10) -> [[UInt8]] {
        let deadline = DispatchTime.now() + timeout
        for _ in 0..<count { _ = arrivals.wait(timeout: deadline) }
        return lock.withLock { received }
    }

    private let socket: ThreadServedSocket

    func stop() { socket.stop() }

    deinit { stop() }
}

/// Connects to the listener and sends `chunks`, each with its own write (TCP_NODELAY, and a pause
/// between writes so each leaves as its own segment). Returns the client's port.
@discardableResult
func send(_ chunks: [[UInt8]], to listener: SinkListener, pause: useconds_t = 20_000) throws -> Int {
    let ipv6 = listener.host == "::1"
    let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw CaptureTestError("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    var connected: Int32
    if ipv6 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = in_port_t(UInt16(listener.port).bigEndian)
        connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    } else {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(listener.port).bigEndian)
        connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
    guard connected == 0 else {
        throw CaptureTestError("connect to \(listener.host):\(listener.port): \(String(cString: strerror(errno)))")
    }
    var local = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    _ = withUnsafeMutablePointer(to: &local) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    let port = withUnsafeBytes(of: &local) { Int(UInt16($0[2]) << 8 | UInt16($0[3])) }
    for (index, chunk) in chunks.enumerated() {
        if index > 0 { usleep(pause) }
        var sent = 0
        while sent < chunk.count {
            let n = chunk[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw CaptureTestError("write: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }
    return port
}

/// Hand-built hellos whose every byte the test knows.
enum Hellos {
    static func random(_ seed: UInt8) -> [UInt8] { (0..<32).map { UInt8(truncatingIfNeeded: Int($0) * 7 + Int(seed)) } }

    /// A TLS 1.2 ClientHello in one record, from the project's own hello builder.
    static func simple(serverName: String?, suites: [UInt16] = [0xC02F, 0xC030, 0x009C, 0x002F], seed: UInt8 = 1)
        -> [UInt8]
    {
        RawClientHello.build(version: .tls12, suites: suites, serverName: serverName, random: random(seed))
    }

    /// The same handshake message cut into records of at most `recordSize` bytes (with 0x0301 on
    /// each record header, as the builder writes).
    static func split(_ hello: [UInt8], recordSize: Int) -> [UInt8] {
        // The handshake message, joined from the record(s) the builder wrote (it cuts at 16384 bytes).
        var message: [UInt8] = []
        var at = 0
        while at + 5 <= hello.count {
            let length = Int(hello[at + 3]) << 8 | Int(hello[at + 4])
            message += hello[(at + 5)..<min(at + 5 + length, hello.count)]
            at += 5 + length
        }
        var records: [UInt8] = []
        var offset = 0
        while offset < message.count {
            let chunk = message[offset..<min(offset + recordSize, message.count)]
            records += [0x16, 0x03, 0x01, UInt8(chunk.count >> 8), UInt8(chunk.count & 0xFF)] + chunk
            offset += chunk.count
        }
        return records
    }

    /// A hello of about `size` bytes (a long suite list, as a large post-quantum key share makes a
    /// long hello), in records of at most 16384 bytes.
    static func large(size: Int, serverName: String) -> [UInt8] {
        let suites = (0..<(size / 2)).map { UInt16(0x1000 + $0 % 0xE000) }
        return split(simple(serverName: serverName, suites: suites, seed: 9), recordSize: 16384)
    }

    /// Cuts bytes into pieces of `size`.
    static func chunks(_ bytes: [UInt8], size: Int) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }
}

/// Runs a program to its end, killing it after `timeout` seconds.
func run(
    _ executable: String, _ arguments: [String], timeout: Double = 20, environment: [String: String] = [:]
) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let output = OutputCollector(out)
    let error = OutputCollector(err)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning {
        stopProcess(process, grace: 1)
        throw CaptureTestError(
            "\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
    }
    process.waitUntilExit()
    output.waitForEnd(timeout: 2)
    error.waitForEnd(timeout: 2)
    return (process.terminationStatus, output.text, error.text)
}
