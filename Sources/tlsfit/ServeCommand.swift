import ArgumentParser
import Dispatch
import FoundationEssentials
import TLSFitCore
import TLSFitHandshake
import TLSFitReports

#if canImport(Glibc)
    import Glibc
#endif

/// `tlsfit serve`: a local OpenSSL server that behaves like a saved or built-in server profile.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a local TLS server that behaves like a server profile (for lab tests of Windows clients).",
        usage: "tlsfit serve --profile <profile> [--port <port>] [--cert-out <folder>]\n  [<options>]",
        discussion: """
            Accepts the protocols and suites of the profile in its order, with a certificate of its key \
            type issued by a private CA made on the fly. Write the CA with --cert-out and import it on \
            the lab machine (Trusted Root Certification Authorities), point the host name at this \
            machine (hosts file) and run Windows Update or Invoke-WebRequest. Stops on Ctrl-C.

            Example: tlsfit serve --profile windows-update --port 8443 --cert-out ./lab
            """
    )

    @Option(name: .long, help: "A built-in profile name (slscr, fe2cr, fe3cr, fe3, fe2-sls, sws, windows-update-tls13; windows-update = fe2-sls) or a ServerProfile JSON file (every host in it is served, chosen by SNI).")
    var profile: String

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: Int = 8443

    @Option(name: .long, help: "IPv4 address to bind.")
    var bind: String = "127.0.0.1"

    @Option(name: .long, help: "Folder to write ca.pem (and the leaf certificates) into.")
    var certOut: String?

    @Option(name: .customLong("max-connections"), help: "Connections served at once; more are closed at once and logged.")
    var maxConnections: Int = 64

    @Option(name: .customLong("handshake-timeout"), help: "Seconds a client has from connecting to the end of its handshake.")
    var handshakeTimeout: Double = 10

    @Option(name: .customLong("first-byte-timeout"), help: "Seconds a client has from connecting to its first byte. When every connection is taken, the oldest one whose ClientHello is not whole yet is closed for a newcomer.")
    var firstByteTimeout: Double = 2

    func run() async throws {
        guard (0...65535).contains(port) else { throw DiagnoseCommand.fail("--port: give a number from 0 to 65535") }
        guard (1...4096).contains(maxConnections) else { throw DiagnoseCommand.fail("--max-connections: give a number from 1 to 4096") }
        guard handshakeTimeout > 0, handshakeTimeout <= 600 else {
            throw DiagnoseCommand.fail("--handshake-timeout: must be more than 0 and at most 600 seconds")
        }
        guard firstByteTimeout > 0, firstByteTimeout <= 600 else {
            throw DiagnoseCommand.fail("--first-byte-timeout: must be more than 0 and at most 600 seconds")
        }
        var profiles: [(profile: ServerProfile, names: [String], refusal: String)] = []
        if !FileManager.default.fileExists(atPath: profile), let b = BuiltInServerProfile.named(profile) {
            var seen = Set<String>()
            profiles = [(b.profile, ([b.profile.host] + b.hosts).filter { seen.insert($0.lowercased()).inserted }, b.refusal)]
        } else {
            do throws(InputError) {
                let file = try ConfigInputLoader.readFile(profile)
                let loaded = try ServerProfileStore.load(bytes: file.bytes, source: profile)
                guard !loaded.isEmpty else { throw InputError(source: profile, message: "the file holds no server profile") }
                profiles = loaded.map { ($0, [$0.host], "alert") }
            } catch {
                let known = BuiltInServerProfile.all.map(\.name).joined(separator: ", ")
                throw DiagnoseCommand.fail("\(error.description) (built-in profiles: \(known))")
            }
        }
        // Every host is served, or none: refuse to start rather than serve a part of the profile.
        var seen: [String: Int] = [:]
        for (entry, _, _) in profiles {
            if let port = seen[entry.host.lowercased()] {
                throw DiagnoseCommand.fail("\(profile): the host \(entry.host) appears twice (ports \(port) and \(entry.port)); serve chooses the host by SNI, so give one profile per host")
            }
            seen[entry.host.lowercased()] = entry.port
            guard !entry.acceptedVersions.isEmpty else {
                throw DiagnoseCommand.fail("\(profile): the profile of \(entry.host) accepts no protocol, so it cannot be served")
            }
        }
        let ca: PEMCredential
        var hosts: [VirtualHost] = []
        var leaves: [(String, PEMCredential)] = []
        do {
            ca = try CertificateFactory.makeCA(commonName: "tlsfit Lab Root CA")
            for (index, entry) in profiles.enumerated() {
                let leaf = try ServerProfileServer.leaf(for: entry.profile, extraNames: Array(entry.names.dropFirst()),
                                                        bindAddress: index == 0 ? bind : nil, ca: ca)
                leaves.append((entry.profile.host, leaf))
                hosts.append(VirtualHost(names: entry.names, configuration: ServerProfileServer.configuration(entry.profile, credentials: [leaf], refusal: entry.refusal)))
            }
        } catch {
            throw DiagnoseCommand.fail("cannot make the lab certificates: \(error)")
        }
        if let certOut {
            do {
                try FileManager.default.createDirectory(atPath: certOut, withIntermediateDirectories: true)
                let dir = URL(fileURLWithPath: certOut)
                try Data(ca.certificatePEM.utf8).write(to: dir.appendingPathComponent("ca.pem"), options: .atomic)
                for (index, (host, leaf)) in leaves.enumerated() {
                    let name = index == 0 ? "leaf.pem" : "leaf-\(host.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }).pem"
                    try Data(leaf.certificatePEM.utf8).write(to: dir.appendingPathComponent(name), options: .atomic)
                }
            } catch {
                throw DiagnoseCommand.fail("--cert-out: cannot write into \(certOut): \(SystemErrorText.describe(error))")
            }
        }
        let logger = ServeLog()
        let server: LocalTLSServer
        do {
            server = try LocalTLSServer(
                hosts: hosts, bindAddress: bind, port: port,
                limits: ServerLimits(maxConnections: maxConnections, handshakeTimeout: handshakeTimeout, firstByteTimeout: firstByteTimeout),
                log: { logger.event($0, maxConnections: maxConnections) })
        } catch {
            throw DiagnoseCommand.fail(error.description)
        }
        for (index, (entry, names, refusal)) in profiles.enumerated() {
            let versions = entry.acceptedVersions.map(\.rawValue).joined(separator: ", ")
            let sni = index == 0 ? (profiles.count > 1 ? " (also without SNI or with an unknown name)" : "") : ""
            logger.say("tlsfit serve: \(names.joined(separator: ", ")) (\(entry.source) profile) on \(bind):\(server.port)\(sni): \(versions), \(entry.certificateKeyType ?? "RSA") certificate, refuses by \(refusal == "reset" ? "TCP reset" : "alert")")
        }
        logger.say("Limits: \(maxConnections) connection(s) at once, \(Self.seconds(firstByteTimeout)) to the first byte, \(Self.seconds(handshakeTimeout)) per handshake.")
        logger.startSummaries()
        if let certOut { logger.say("CA certificate: \(URL(fileURLWithPath: certOut).appendingPathComponent("ca.pem").path)") }
        logger.say("Press Ctrl-C to stop.")
        await Self.waitForSignal()
        server.stop()
        logger.flushRepeats()
        logger.say("tlsfit serve: stopped after \(server.handshakes) handshake(s).")
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// Suspends until SIGINT or SIGTERM.
    static func waitForSignal() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "tlsfit.serve.signals")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            for sig in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler { once.resume() }
                source.resume()
                once.keep(source)
            }
        }
    }

    /// Resumes a continuation once, and keeps the signal sources alive until then.
    final class ResumeOnce: @unchecked Sendable {
        private let lock = Lock()
        private var continuation: CheckedContinuation<Void, Never>?
        private var sources: [any DispatchSourceSignal] = []
        init(_ c: CheckedContinuation<Void, Never>) { continuation = c }
        func keep(_ s: any DispatchSourceSignal) { lock.withLock { sources.append(s) } }
        func resume() {
            let c = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                defer { continuation = nil; sources.forEach { $0.cancel() } }
                return continuation
            }
            c?.resume()
        }
    }
}

/// The serve log: one line per event on standard output, flushed at once so a supervising process
/// sees it. A closed or full output (`serve | head -1`) stops the log, never the server. Refusals
/// that repeat (the same reason within `repeatWindow` seconds) are counted, not logged one by one:
/// one summary line per reason and window. The release guess runs once per distinct hello.
final class ServeLog: @unchecked Sendable {
    private let lock = Lock()
    private var broken = false
    /// Seconds during which a refusal with the same reason is counted instead of logged.
    let repeatWindow: Double
    /// Per reason: when it was last logged (monotonic seconds), and how many came since.
    private var repeats: [String: (loggedAt: Double, count: Int)] = [:]
    private var timer: (any DispatchSourceTimer)?
    let guesses = ReleaseGuessCache()
    /// On a terminal each entry wraps at its width, continued lines indented; into a file or a pipe
    /// the log stays one entry per line, for grep and log collectors.
    let layout: TextLayout? = isatty(STDOUT_FILENO) == 1 ? TerminalOptions.widthLayout() : nil

    init(repeatWindow: Double = 10) {
        self.repeatWindow = repeatWindow
    }

    /// Logs a connection event: a refusal already logged within the window is only counted.
    func event(_ event: ServerConnectionEvent, maxConnections: Int) {
        if let reason = Self.refusalKey(event.result) {
            let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
            let counted = lock.withLock { () -> Bool in
                if let last = repeats[reason], now - last.loggedAt < repeatWindow {
                    repeats[reason] = (last.loggedAt, last.count + 1)
                    return true
                }
                repeats[reason] = (now, 0)
                return false
            }
            if counted { return }
        }
        say(Self.line(event, maxConnections: maxConnections, guesses: guesses))
    }

    /// The kind of refusal, for counting repeats; nil for a completed handshake (always logged).
    static func refusalKey(_ result: ServerConnectionEvent.Result) -> String? {
        switch result {
        case .negotiated: nil
        case .refused(let reason): "refused: " + Escaping.visible(reason, keepingLineFeeds: false)
        case .timedOut(let reason): "timeout: " + reason
        case .overCapacity: "refused: every connection taken"
        case .evicted: "closed while idle: every connection taken"
        }
    }

    /// Every `repeatWindow` seconds, one line per reason that repeated.
    func startSummaries() {
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tlsfit.serve.log"))
        source.schedule(deadline: .now() + repeatWindow, repeating: repeatWindow)
        source.setEventHandler { [weak self] in self?.flushRepeats() }
        source.resume()
        lock.withLock { timer = source }
    }

    /// Logs how many refusals were counted, per reason, and starts counting again.
    func flushRepeats() {
        let counted = lock.withLock { () -> [(String, Int)] in
            let list = repeats.filter { $0.value.count > 0 }.map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
            repeats = repeats.filter { $0.value.count == 0 }
            return list
        }
        let stamp = Timestamp.iso8601(Date())
        for (reason, count) in counted {
            say("\(stamp) \(count) more connection(s) like this one, counted, not logged: \(reason)")
        }
    }

    func say(_ line: String) {
        lock.withLock {
            guard !broken else { return }
            if !StandardOutput.writeNow(layout.map { $0.wrap(line, first: "", indent: "    ") } ?? line + "\n") {
                broken = true
                CLIErrors.warn("serve: write error on standard output (\(String(cString: strerror(StandardOutput.lastErrno)))): the log stops, the server goes on")
            }
        }
    }

    /// `127.0.0.1:53422 SNI a.example offered TLSv1.0-TLSv1.3, 30 suites [guess] -> TLSv1.3 TLS_AES_256_GCM_SHA384`.
    static func line(_ event: ServerConnectionEvent, maxConnections: Int, guesses: ReleaseGuessCache? = nil) -> String {
        let stamp = Timestamp.iso8601(Date())
        var text = "\(stamp) \(event.peer)"
        if let hello = event.offered {
            text += " SNI \(hello.serverName.map { TextSafe.escape($0) } ?? "(none)")"
            let versions = hello.supportedVersions.isEmpty ? [hello.legacyVersion] : hello.supportedVersions.filter { $0 & 0x0F0F != 0x0A0A }
            let names = versions.sorted().map { TLSVersion(wireValue: $0)?.rawValue ?? "0x" + $0.hex(width: 4) }
            text += " offered \(names.first ?? "?")\(names.count > 1 ? "-" + names.last! : ""), \(hello.cipherSuites.count) suites"
            text += " [\(guesses?.guess(hello) ?? ClientReleaseGuess.guess(hello))]"
            if let served = event.servedHost, let name = hello.serverName, name.lowercased() != served.lowercased() {
                text += " (no host named so: served as \(served))"
            }
        }
        switch event.result {
        case .negotiated(let version, let cipher): text += " -> \(version) \(cipher)"
        case .refused(let reason): text += " -> refused: \(TextSafe.escape(reason))"
        case .timedOut(let reason): text += " -> timeout: \(reason)"
        case .overCapacity(let open): text += " -> refused: \(open) connections open (--max-connections \(maxConnections))"
        case .evicted(let open): text += " -> closed while idle: \(open) connections open (--max-connections \(maxConnections)), its slot went to a newer connection"
        }
        return text
    }
}

/// Text from the network never reaches the log raw: the one rule of every output (`HostileCharacters`).
enum TextSafe {
    static func escape(_ text: String) -> String { Escaping.visible(text, keepingLineFeeds: false) }
}
