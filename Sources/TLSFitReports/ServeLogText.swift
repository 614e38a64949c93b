import FoundationEssentials
import TLSFitCore

/// The lines of the serve log: one per connection event.
public enum ServeLogText {
    /// The kind of refusal, for counting repeats; nil for a completed handshake (always logged).
    public static func refusalKey(_ result: ServerConnectionEvent.Result) -> String? {
        switch result {
        case .negotiated: nil
        case .refused(let reason): "refused: " + Escaping.visible(reason, keepingLineFeeds: false)
        case .timedOut(let reason): "timeout: " + reason
        case .overCapacity: "refused: every connection taken"
        case .evicted: "closed while idle: every connection taken"
        }
    }

    /// `127.0.0.1:53422 SNI a.example offered TLSv1.0-TLSv1.3, 30 suites [guess] -> TLSv1.3 TLS_AES_256_GCM_SHA384`.
    public static func line(_ event: ServerConnectionEvent, maxConnections: Int, guesses: ReleaseGuessCache? = nil)
        -> String
    {
        let stamp = Timestamp.iso8601(Date())
        var text = "\(stamp) \(event.peer)"
        if let hello = event.offered {
            text += " SNI \(hello.serverName.map { TextSafe.escape($0) } ?? "(none)")"
            let versions =
                hello.supportedVersions.isEmpty
                ? [hello.legacyVersion] : hello.supportedVersions.filter { $0 & 0x0F0F != 0x0A0A }
            let names = versions.sorted().map { TLSVersion(wireValue: $0)?.rawValue ?? "0x" + $0.hex(width: 4) }
            text +=
                " offered \(names.first ?? "?")\(names.count > 1 ? "-" + names.last! : ""), \(hello.cipherSuites.count) suites"
            text += " [\(guesses?.guess(hello) ?? ClientReleaseGuess.guess(hello))]"
            if let served = event.servedHost, let name = hello.serverName, name.lowercased() != served.lowercased() {
                text += " (no host named so: served as \(served))"
            }
        }
        switch event.result {
        case .negotiated(let version, let cipher): text += " -> \(version) \(cipher)"
        case .refused(let reason): text += " -> refused: \(TextSafe.escape(reason))"
        case .timedOut(let reason): text += " -> timeout: \(reason)"
        case .overCapacity(let open):
            text += " -> refused: \(open) connections open (--max-connections \(maxConnections))"
        case .evicted(let open):
            text +=
                " -> closed while idle: \(open) connections open (--max-connections \(maxConnections)), its slot went to a newer connection"
        }
        return text
    }
}

/// Text from the network never reaches the log raw: the one rule of every output (`HostileCharacters`).
enum TextSafe {
    static func escape(_ text: String) -> String { Escaping.visible(text, keepingLineFeeds: false) }
}
