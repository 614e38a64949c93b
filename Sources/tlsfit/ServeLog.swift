import Dispatch
import FoundationEssentials
import TLSFitCore
import TLSFitHandshake
import TLSFitReports

#if canImport(Glibc)
    import Glibc
#endif

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
