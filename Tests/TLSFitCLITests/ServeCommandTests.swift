import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A running `tlsfit serve`, its log lines collected as they come; killed when released.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var _lines: [String] = []
    private(set) var port = 0

    init(_ arguments: [String]) throws {
        process.executableURL = CLI.executableURL
        process.arguments = ["serve", "--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = out.fileHandleForReading
        Thread.detachNewThread { [self] in
            var pending = ""
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                pending += String(decoding: data, as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending.removeSubrange(...newline)
                    lock.withLock { _lines.append(line) }
                }
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, port == 0, process.isRunning {
            if let line = lines.first(where: { $0.contains(" on 127.0.0.1:") }),
                let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression)
            {
                port = Int(line[range].split(separator: ":")[1]) ?? 0
            }
            usleep(50_000)
        }
    }

    var lines: [String] { lock.withLock { _lines } }

    /// Waits until a log line satisfies `match`.
    func waitForLine(timeout: TimeInterval = 10, _ match: (String) -> Bool) -> String? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let line = lines.first(where: match) { return line }
            usleep(50_000)
        }
        return nil
    }

    /// Threads of the server process now (from /proc).
    var threads: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
            .flatMap { Int($0.dropFirst(8).trimmingCharacters(in: .whitespaces)) } ?? -1
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A plain TCP connection to 127.0.0.1:port.
func connectTCP(_ port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return fd
}

/// True when the server closed `fd` within `seconds` (read returns 0 or an error).
func closedByPeer(_ fd: Int32, within seconds: Double) -> Bool {
    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&pfd, 1, Int32(seconds * 1000)) > 0 else { return false }
    var byte: UInt8 = 0
    return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
}

@Suite("tlsfit serve", .serialized)
struct ServeCommandTests {
    /// Clients that drip a byte every second and a flood of idle connections: the server holds at
    /// most --max-connections of them, cuts each at --handshake-timeout, logs both, keeps its
    /// threads bounded and goes on serving.
    @Test func drippingAndFloodingClientsAreBoundedAndTheServerKeepsServing() throws {
        let serve = try ServeProcess([
            "--profile", "windows-update", "--max-connections", "4", "--handshake-timeout", "2",
        ])
        defer { serve.stop() }
        try #require(serve.port > 0, "\(serve.lines)")
        let baseline = serve.threads
        let drips = (0..<2).map { _ in connectTCP(serve.port) }
        let idle = (0..<2).map { _ in connectTCP(serve.port) }
        usleep(200_000)
        let flood = (0..<40).map { _ in connectTCP(serve.port) }
        defer { (drips + idle + flood).forEach { close($0) } }
        // Over the cap: closed at once, or given up for a newer connection while idle, or closed at
        // the first-byte deadline (2 s here); logged.
        #expect(flood.allSatisfy { closedByPeer($0, within: 2.5) })
        #expect(serve.waitForLine { $0.contains("refused: 4 connections open") } != nil, "\(serve.lines)")
        #expect(serve.threads <= baseline + 4 + 2, "threads: \(serve.threads), baseline \(baseline)")
        // The drippers send a byte a second (a record header, never complete): cut at 2 s.
        let start = Date()
        var dripClosed = false
        for byte in TLSBytes.serverHello().prefix(5) {
            for fd in drips { _ = send(fd, [byte], 1, Int32(MSG_NOSIGNAL)) }
            if drips.allSatisfy({ closedByPeer($0, within: 1) }) {
                dripClosed = true
                break
            }
        }
        #expect(dripClosed)
        #expect(Date().timeIntervalSince(start) < 2 + 1.5)
        #expect(serve.waitForLine { $0.contains("-> timeout:") } != nil, "\(serve.lines)")
        // Capacity is back: a real client is served.
        usleep(300_000)
        let outcome = TLSClient.handshake(
            HandshakeRequest(
                host: "fe2.update.microsoft.com", connectAddress: "127.0.0.1", connectPort: serve.port, timeout: 5,
                verifyCertificate: false))
        #expect(outcome.failure == nil, "\(String(describing: outcome.failure))")
        #expect(serve.process.isRunning)
    }

    /// Each connection is logged with what the client offered (and a release guess) and what was
    /// chosen, or why it was refused.
    @Test func eachConnectionIsLoggedWithTheOfferAndTheChoice() throws {
        let serve = try ServeProcess(["--profile", "windows-update"])
        defer { serve.stop() }
        try #require(serve.port > 0)
        // Windows 10's signature algorithms, in Schannel's order.
        let windows10 =
            "RSA+SHA256:RSA+SHA384:RSA+SHA1:ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA1:DSA+SHA1:RSA+SHA512:ECDSA+SHA512"
        let ok = TLSClient.handshake(
            HandshakeRequest(
                host: "fe2.update.microsoft.com", connectAddress: "127.0.0.1", connectPort: serve.port,
                sni: "fe2.update.microsoft.com",
                maxVersion: .tls12, cipherString: "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256",
                signatureAlgorithms: windows10,
                timeout: 5, verifyCertificate: false))
        #expect(ok.failure == nil, "\(String(describing: ok.failure))")
        let line = try #require(serve.waitForLine { $0.contains("-> TLSv1.2") }, "\(serve.lines)")
        #expect(line.contains("SNI fe2.update.microsoft.com"))
        #expect(line.contains("offered TLSv1.2, 3 suites"), "two suites and the renegotiation SCSV: \(line)")
        #expect(line.contains("Windows 10"), "\(line)")
        // A client whose suites the profile does not take: refused, with OpenSSL's reason.
        _ = TLSClient.handshake(
            HandshakeRequest(
                host: "fe2.update.microsoft.com", connectAddress: "127.0.0.1", connectPort: serve.port,
                maxVersion: .tls12,
                cipherString: "ECDHE-ECDSA-CHACHA20-POLY1305", timeout: 5, verifyCertificate: false))
        let refused = try #require(serve.waitForLine { $0.contains("-> refused") }, "\(serve.lines)")
        #expect(refused.contains("no shared cipher"), "\(refused)")
        #expect(refused.contains("not a known Windows hello"), "\(refused)")
    }

    static func profile(_ host: String, _ versions: [TLSVersion: [String]]) -> ServerProfile {
        var protocols: [String: ProtocolSupport] = [:]
        for version in TLSVersion.allCases {
            protocols[version.rawValue] = ProtocolSupport(
                accepted: versions[version] != nil, cipherSuites: versions[version] ?? [])
        }
        return ServerProfile(host: host, port: 443, source: "scan", protocols: protocols)
    }

    /// A multi-host profile: every host is served on the one port, chosen by SNI, each with its own
    /// protocols and a certificate for its name.
    @Test func everyHostOfAMultiHostProfileIsServedBySNI() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("hosts.json").path
        try ServerProfileStore.encode([
            Self.profile("old.example", [.tls12: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]]),
            Self.profile("new.example", [.tls13: ["TLS_AES_256_GCM_SHA384"]]),
        ]).write(toFile: file, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(["--profile", file, "--cert-out", dir.path])
        defer { serve.stop() }
        try #require(serve.port > 0, "\(serve.lines)")
        for (host, version) in [("old.example", TLSVersion.tls12), ("new.example", .tls13)] {
            let outcome = TLSClient.handshake(
                HandshakeRequest(
                    host: host, connectAddress: "127.0.0.1", connectPort: serve.port, sni: host, timeout: 5,
                    caFile: dir.appendingPathComponent("ca.pem").path))
            #expect(outcome.failure == nil, "\(host): \(String(describing: outcome.failure))")
            #expect(outcome.negotiated.version == version, "\(host)")
            #expect(outcome.certificate?.chain.first?.subjectAlternativeNames.contains("DNS:\(host)") == true)
        }
    }

    @Test func aProfileThatCannotBeServedWhollyRefusesToStart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let twice = dir.appendingPathComponent("twice.json").path
        var second = Self.profile("a.example", [.tls12: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]])
        second.port = 8443
        try ServerProfileStore.encode([
            Self.profile("a.example", [.tls12: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]]), second,
        ])
        .write(toFile: twice, atomically: true, encoding: .utf8)
        let result = try CLI.run(["serve", "--profile", twice, "--port", "0"], timeout: 20)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("a.example appears twice"), "\(result.stderr)")
        let dead = dir.appendingPathComponent("dead.json").path
        try ServerProfileStore.encode([
            Self.profile("ok.example", [.tls12: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]]),
            Self.profile("dead.example", [:]),
        ])
        .write(toFile: dead, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["serve", "--profile", dead, "--port", "0"], timeout: 20)
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("dead.example accepts no protocol"), "\(refused.stderr)")
    }

    /// `serve | head -1`: the log's reader goes away after the first line; the server goes on.
    @Test func aClosedLogPipeDoesNotStopTheServer() throws {
        let port = freePort()
        let process = Process()
        process.executableURL = CLI.executableURL
        process.arguments = ["serve", "--profile", "windows-update", "--port", "\(port)"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        // Read the first line, as head -1 does, then close the pipe.
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first += chunk
        }
        try out.fileHandleForReading.close()
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("tlsfit serve:"))
        // (A `for ... where` here would probe all 100 times and fill the server's connection cap.)
        var tries = 0
        while !ExternalServer.canConnect(port: port), tries < 100 {
            usleep(100_000)
            tries += 1
        }
        // Each handshake writes a log line into the closed pipe.
        for i in 0..<3 {
            let outcome = TLSClient.handshake(
                HandshakeRequest(
                    host: "fe2.update.microsoft.com", connectAddress: "127.0.0.1", connectPort: port, timeout: 5,
                    verifyCertificate: false))
            #expect(outcome.failure == nil, "handshake \(i): \(String(describing: outcome.failure))")
        }
        #expect(process.isRunning, "the server is still running")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("write error on standard output"), "\(stderr)")
    }
}
