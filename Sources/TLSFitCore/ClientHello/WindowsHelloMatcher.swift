/// How a captured ClientHello differs from what a release would send.
public struct HelloDifference: Sendable, Hashable, Codable {
    /// A fixed vocabulary that only grows: `protocols`, `suites-missing`, `suites-extra`, `suites-order`,
    /// `signature-algorithms`, `groups`, `point-formats`, `extensions-missing`, `extensions-extra`,
    /// `extensions-order`, `session-id`, `key-shares`.
    public var kind: String
    public var detail: String
    /// How much it counts against the release (lower total: closer match).
    public var weight: Int
}

/// One candidate: the releases that would send the same hello, how far it is from the capture, and why.
public struct HelloMatch: Sendable, Hashable {
    /// Releases whose hellos (for this configuration) are byte for byte the same, in catalog order.
    public var releases: [WindowsRelease]
    /// 0: identical apart from the random, the session id's bytes and the key shares' keys.
    public var score: Int
    public var differences: [HelloDifference]
    /// The configuration assumed for the comparison: "defaults", or the DefaultSecureProtocols that makes the protocols agree.
    public var configuration: String
    /// Facts the candidate hello rests on that are assumed (see `windows-hello.tsv`).
    public var assumptions: [String]

    public var identical: Bool { score == 0 }
}

/// Ranks Windows releases (and simple configuration changes) by how close their WinHTTP ClientHello is
/// to a captured one. Pure.
public enum WindowsHelloMatcher {
    public static func rank(_ captured: ClientHello, releases: [WindowsRelease] = WindowsRelease.allCases, limit: Int = 10) -> [HelloMatch] {
        var candidates: [(release: WindowsRelease, key: [UInt8], match: HelloMatch)] = []
        let capturedVersions = captured.offeredVersions
        for release in releases {
            var best: HelloMatch?
            var bestKey: [UInt8] = []
            for (label, mask) in configurations(release, versions: capturedVersions) {
                guard let config = try? config(release, defaultSecureProtocols: mask),
                    let built = try? WindowsClientHelloBuilder.build(config: config, serverName: captured.serverName)
                else { continue }
                let differences = compare(captured, built.hello)
                let match = HelloMatch(releases: [release], score: differences.reduce(0) { $0 + $1.weight }, differences: differences,
                                       configuration: label, assumptions: built.assumptions)
                if best == nil || match.score < best!.score {
                    best = match
                    var normalized = built.hello
                    normalized.random = []
                    normalized.sessionID = normalized.sessionID.map { _ in 0 }
                    bestKey = normalized.encode() + Array(label.utf8)
                }
            }
            if let best { candidates.append((release, bestKey, best)) }
        }
        // Releases that send the same hello are named together.
        var grouped: [HelloMatch] = []
        var keys: [[UInt8]] = []
        for c in candidates {
            if let i = keys.firstIndex(of: c.key) {
                grouped[i].releases.append(c.release)
            } else {
                keys.append(c.key)
                grouped.append(c.match)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: WindowsRelease.allCases.enumerated().map { ($1, $0) })
        // Best first; at equal score a release's own defaults before a changed configuration, then the newest release.
        grouped.sort { a, b in
            if a.score != b.score { return a.score < b.score }
            if (a.configuration == "defaults") != (b.configuration == "defaults") { return a.configuration == "defaults" }
            return (order[a.releases[0]] ?? 0) > (order[b.releases[0]] ?? 0)
        }
        return Array(grouped.prefix(limit))
    }

    /// The release's defaults, and (when the capture offers other protocols) the DefaultSecureProtocols mask that offers them.
    static func configurations(_ release: WindowsRelease, versions: [TLSVersion]) -> [(String, UInt32?)] {
        var result: [(String, UInt32?)] = [("defaults", nil)]
        let supported = Catalog.shared.release(release).supportedProtocols
        let wanted = versions.filter { supported.contains($0) }
        if !wanted.isEmpty {
            let mask = wanted.reduce(UInt32(0)) { $0 | WinHTTPSetting.bit(for: $1) }
            result.append(("DefaultSecureProtocols=0x\(String(mask, radix: 16, uppercase: true)) (\(wanted.map(\.rawValue).joined(separator: ", ")))", mask))
        }
        return result
    }

    static func config(_ release: WindowsRelease, defaultSecureProtocols mask: UInt32?) throws(InputError) -> WindowsTLSConfig {
        var lines = ["Windows Registry Editor Version 5.00", ""]
        if let mask {
            lines.append(#"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#)
            lines.append("\"DefaultSecureProtocols\"=dword:" + mask.hex8)
            // Before Windows 10 the Schannel client keys must be on too (KB3140245).
            for v in WinHTTPSetting.protocols(in: mask) {
                lines.append("[HKEY_LOCAL_MACHINE\\" + RegistryPath.protocolKey(v, client: true) + "]")
                lines.append("\"Enabled\"=dword:00000001")
                lines.append("\"DisabledByDefault\"=dword:00000000")
            }
        }
        let text = lines.joined(separator: "\r\n") + "\r\n"
        return try WindowsConfigReader.read([.init(name: "candidate.reg", bytes: Array(text.utf8))], release: release)
    }

    /// What differs between a captured hello and a candidate, with weights: signature algorithms and
    /// the suite list say most about the release; extensions and protocols often about the application or configuration.
    public static func compare(_ captured: ClientHello, _ candidate: ClientHello) -> [HelloDifference] {
        var out: [HelloDifference] = []
        func names(_ codes: [UInt16]) -> String {
            codes.map { code in Catalog.shared.suite(code: code)?.iana ?? "0x" + hex4(code) }.joined(separator: ", ")
        }
        let grease = ClientHello.isGREASE
        let versionsA = captured.offeredVersions, versionsB = candidate.offeredVersions
        if versionsA != versionsB {
            out.append(HelloDifference(kind: "protocols",
                detail: "the capture offers \(versionsA.map(\.rawValue).joined(separator: ", ")); this release offers \(versionsB.map(\.rawValue).joined(separator: ", "))",
                weight: 4))
        }
        let suitesA = captured.cipherSuites.filter { !grease($0) && $0 != 0x00FF }
        let suitesB = candidate.cipherSuites
        let missing = suitesB.filter { !suitesA.contains($0) }
        let extra = suitesA.filter { !suitesB.contains($0) }
        if !missing.isEmpty {
            out.append(HelloDifference(kind: "suites-missing", detail: "not in the capture: \(names(missing)) (a configured suite order or a cipher switch, or the application, removes them)", weight: min(missing.count, 10)))
        }
        if !extra.isEmpty {
            out.append(HelloDifference(kind: "suites-extra", detail: "only in the capture: \(names(extra))", weight: min(2 * extra.count, 20)))
        }
        let commonA = suitesA.filter { suitesB.contains($0) }, commonB = suitesB.filter { suitesA.contains($0) }
        if commonA != commonB {
            out.append(HelloDifference(kind: "suites-order", detail: "the suites both hold are in another order (a configured suite order?)", weight: 3))
        }
        if captured.signatureAlgorithms.filter({ !grease($0) }) != candidate.signatureAlgorithms {
            let a = captured.signatureAlgorithms.map(SignatureScheme.name).joined(separator: ", ")
            let b = candidate.signatureAlgorithms.map(SignatureScheme.name).joined(separator: ", ")
            out.append(HelloDifference(kind: "signature-algorithms", detail: "capture: [\(a)]; release: [\(b)]", weight: 10))
        }
        if captured.supportedGroups.filter({ !grease($0) }) != candidate.supportedGroups {
            let a = captured.supportedGroups.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            let b = candidate.supportedGroups.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            out.append(HelloDifference(kind: "groups", detail: "capture: [\(a)]; release: [\(b)] (EccCurves?)", weight: 3))
        }
        if captured.pointFormats != candidate.pointFormats {
            out.append(HelloDifference(kind: "point-formats", detail: "capture: \(captured.pointFormats.map { "\($0)" } ?? "none"); release: \(candidate.pointFormats.map { "\($0)" } ?? "none")", weight: 2))
        }
        let extA = captured.extensionTypes.filter { !grease($0) }, extB = candidate.extensionTypes
        let extMissing = extB.filter { !extA.contains($0) }, extExtra = extA.filter { !extB.contains($0) }
        func extNames(_ t: [UInt16]) -> String { t.map { "\(TLSExtensionNames.name($0)) (0x\(hex4($0)))" }.joined(separator: ", ") }
        if !extMissing.isEmpty {
            out.append(HelloDifference(kind: "extensions-missing", detail: "not in the capture: \(extNames(extMissing))", weight: 2 * extMissing.count))
        }
        if !extExtra.isEmpty {
            out.append(HelloDifference(kind: "extensions-extra", detail: "only in the capture: \(extNames(extExtra)) (WinHTTP sends none of them; a browser or another TLS stack does)", weight: 2 * extExtra.count))
        }
        if extA.filter({ extB.contains($0) }) != extB.filter({ extA.contains($0) }) {
            out.append(HelloDifference(kind: "extensions-order", detail: "the extensions both hold are in another order (not Schannel's order)", weight: 4))
        }
        if captured.sessionID.count != candidate.sessionID.count {
            out.append(HelloDifference(kind: "session-id", detail: "capture: \(captured.sessionID.count) bytes; release: \(candidate.sessionID.count) (a resumed session?)", weight: 1))
        }
        let sharesA = captured.keyShares.map(\.group).filter { !grease($0) }, sharesB = candidate.keyShares.map(\.group)
        if sharesA != sharesB {
            let a = sharesA.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            let b = sharesB.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            out.append(HelloDifference(kind: "key-shares", detail: "capture: [\(a)]; release: [\(b)]", weight: 2))
        }
        return out
    }
}
