/// The exact ClientHello a Windows release sends through WinHTTP (the Windows Update agent's stack),
/// with what it rests on.
public struct WindowsClientHello: Sendable, Hashable {
    public var hello: ClientHello
    public var release: WindowsRelease
    /// What was offered, in the words of the configuration.
    public var profile: ClientProfile
    /// The hello facts the bytes rest on that are assumed, not captured or documented ("signature_algorithms: ...").
    public var assumptions: [String]
    /// The stack whose hello this is.
    public var stack: ClientStack { profile.stack }
    /// The patch level modelled, nil when the release has one hello for all.
    public var patchLevel: String? { profile.patchLevel?.name }
    /// How the patch level was chosen, for output ("newest known: no UBR in the export").
    public var patchLevelNote: String? {
        guard let level = profile.patchLevel else { return nil }
        if profile.patchLevelFromUBR { return "patch level \(level.name) (chosen by the export's UBR)" }
        let others = Catalog.shared.release(profile.release).hello.patchLevels.map(\.name).filter { $0 != level.name }
        return
            "patch level \(level.name) (evidence of \(level.date.value)): the newest known, as no UBR dates the levels"
            + (others.isEmpty ? "" : "; earlier: \(others.joined(separator: ", "))")
    }
}

/// Turns an effective `WindowsTLSConfig` into the ClientHello Schannel writes for WinHTTP: protocols from
/// the Schannel keys and WinHTTP's `DefaultSecureProtocols` (or its defaults), suites in the configured
/// order after the cipher, hash and key-exchange switches (including suites OpenSSL cannot offer), curves
/// from `EccCurves` or the suffixes before Windows 10, and the rest from `windows-hello.tsv`. Pure.
public enum WindowsClientHelloBuilder {
    /// Why a configuration sends no ClientHello at all.
    public struct NoHello: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - serverName: sent as server_name unless nil or a numeric address.
    ///   - random: 32 bytes (the caller's randomness: Core has none).
    ///   - sessionID: used when the profile sends a 32-byte session id (TLS 1.3 hellos); zeros when nil.
    ///   - keyShares: public keys by group for TLS 1.3 key shares; a group without one gets a placeholder
    ///     of the right length (fine for printing, not for a server: the handshake module makes real ones).
    public static func build(
        config: WindowsTLSConfig, serverName: String?, random: [UInt8] = [UInt8](repeating: 0, count: 32),
        sessionID: [UInt8]? = nil, keyShares: [UInt16: [UInt8]] = [:], applyGPOFieldLimit: Bool = true,
        patch: String? = nil
    ) throws(NoHello) -> WindowsClientHello {
        try build(
            profile: ClientProfile(config: config, applyGPOFieldLimit: applyGPOFieldLimit, patch: patch),
            serverName: serverName,
            random: random, sessionID: sessionID, keyShares: keyShares)
    }

    /// The same from a `ClientProfile` (what `ClientProfile(config:)` computed: protocols, suites, groups).
    public static func build(
        profile: ClientProfile, serverName: String?, random: [UInt8] = [UInt8](repeating: 0, count: 32),
        sessionID: [UInt8]? = nil, keyShares: [UInt16: [UInt8]] = [:]
    ) throws(NoHello) -> WindowsClientHello {
        let data = Catalog.shared.release(profile.release).hello
        let stackFacts = data.stacks[profile.stack]
        guard let highest = profile.protocols.last else {
            throw NoHello(
                description: profile.suites.isEmpty && !profile.configuredProtocols.isEmpty
                    ? "no cipher suite can be used with the protocols WinHTTP offers: Schannel sends no ClientHello"
                    : "WinHTTP offers no protocol: Schannel cannot create a client credential and sends no ClientHello")
        }
        let tls13 = highest == .tls13
        var suites: [UInt16] = []
        for s in profile.suites where !suites.contains(s.suite.code) { suites.append(s.suite.code) }
        let legacyVersion = min(highest, .tls12).wireValue
        let ecc = tls13 || profile.suites.contains { $0.suite.keyExchange == "ECDHE" }
        var log = AssumptionLog()
        func use<V>(_ name: String, _ fact: HelloFact<V>) { log.use(name, fact) }
        use("extensions", data.extensions)
        if let level = profile.patchLevel {
            for f in level.facts where f.confidence == .assumed {
                use("patch \(level.name) " + f.field, HelloFact(value: 0, confidence: f.confidence, source: f.source))
            }
        }
        if let facts = stackFacts {
            for f in facts.facts where f.confidence == .assumed {
                use(
                    "\(profile.stack.rawValue) " + f.field,
                    HelloFact(value: 0, confidence: f.confidence, source: f.source))
            }
        }
        let extensions = helloExtensions(
            profile: profile, data: data, serverName: serverName, keyShares: keyShares,
            highest: highest, ecc: ecc, log: &log)
        var session: [UInt8] = []
        if tls13, data.sessionIDLength.value == 32 {
            use("session_id", data.sessionIDLength)
            session =
                sessionID.map { Array($0.prefix(32)) + [UInt8](repeating: 0, count: max(0, 32 - $0.count)) }
                ?? [UInt8](repeating: 0, count: 32)
        }
        var recordVersion = legacyVersion
        if tls13 {
            use("record_version", data.recordVersion)
            recordVersion = data.recordVersion.value ?? 0x0303
        }
        let hello = ClientHello(
            recordVersion: recordVersion, version: legacyVersion,
            random: random.count == 32
                ? random : Array(random.prefix(32)) + [UInt8](repeating: 0, count: max(0, 32 - random.count)),
            sessionID: session, cipherSuites: suites, compressionMethods: [0], extensions: extensions)
        if profile.stack == .winHTTP, !profile.winHTTPProtocolsExplicit {
            use("winhttp_protocols", data.winHTTPProtocols)
        }
        return WindowsClientHello(hello: hello, release: profile.release, profile: profile, assumptions: log.entries)
    }

    /// server_name with one host_name entry; none for an IP address or no name (RFC 6066 3).
    static func serverNameBytes(_ serverName: String?) -> [UInt8]? {
        guard let name = serverName, !name.isEmpty, !isNumericAddress(name) else { return nil }
        let host = Array(name.utf8)
        var entry: [UInt8] = [0]
        entry.append(u16: UInt16(host.count))
        entry += host
        var bytes: [UInt8] = []
        bytes.append(u16: UInt16(entry.count))
        bytes += entry
        return bytes
    }

    /// The extensions in the release's order, each with the bytes this profile gives it (none: left out).
    static func helloExtensions(
        profile: ClientProfile, data: WindowsHelloProfile, serverName: String?, keyShares: [UInt16: [UInt8]],
        highest: TLSVersion, ecc: Bool, log: inout AssumptionLog
    ) -> [TLSExtension] {
        func use<V>(_ name: String, _ fact: HelloFact<V>) { log.use(name, fact) }
        let stackFacts = data.stacks[profile.stack]
        let tls13 = highest == .tls13
        let statusRequest = stackFacts?.statusRequest ?? data.statusRequest
        let sessionTicket = stackFacts?.sessionTicket ?? data.sessionTicket
        let pointFormats = stackFacts?.pointFormats ?? data.pointFormats
        let signatureAlgorithms = profile.patchLevel?.signatureAlgorithms ?? data.signatureAlgorithms

        var extensions: [TLSExtension] = []
        for kind in data.extensions.value {
            var bytes: [UInt8]?
            switch kind {
            case .serverName:
                bytes = serverNameBytes(serverName)
            case .statusRequest:
                use("status_request", statusRequest)
                if statusRequest.value { bytes = [1, 0, 0, 0, 0] }  // ocsp, no responder ids, no extensions
            case .supportedGroups:
                if ecc, !profile.groupIDs.isEmpty {
                    bytes = []
                    bytes!.append(u16: UInt16(profile.groupIDs.count * 2))
                    for g in profile.groupIDs { bytes!.append(u16: g) }
                }
            case .ecPointFormats:
                use("point_formats", pointFormats)
                if ecc, !profile.groupIDs.isEmpty { bytes = [UInt8(pointFormats.value.count)] + pointFormats.value }
            case .signatureAlgorithms:
                use("signature_algorithms", signatureAlgorithms)
                // RFC 5246 7.4.1.4.1: only TLS 1.2 and later send it.
                if highest >= .tls12 {
                    bytes = []
                    bytes!.append(u16: UInt16(signatureAlgorithms.value.count * 2))
                    for s in signatureAlgorithms.value { bytes!.append(u16: s) }
                }
            case .sessionTicket:
                use("session_ticket", sessionTicket)
                if sessionTicket.value { bytes = [] }
            case .extendedMasterSecret:
                if highest > .ssl3 { bytes = [] }
            case .renegotiationInfo:
                bytes = [0]  // the extension, not the 0x00FF cipher value
            case .supportedVersions:
                if tls13 {
                    let versions = profile.protocols.filter { $0 >= .tls10 }.sorted(by: >)
                    bytes = [UInt8(versions.count * 2)]
                    for v in versions { bytes!.append(u16: v.wireValue) }
                }
            case .postHandshakeAuth:
                if tls13 { bytes = [] }
            case .pskKeyExchangeModes:
                use("psk_modes", data.pskModes)
                if tls13, !data.pskModes.value.isEmpty {
                    bytes = [UInt8(data.pskModes.value.count)] + data.pskModes.value
                }
            case .keyShare:
                use("key_shares", data.keyShares)
                if tls13 {
                    var entries: [UInt8] = []
                    for group in data.keyShares.value where profile.groupIDs.contains(group) {
                        let key = keyShares[group] ?? placeholderKey(group)
                        entries.append(u16: group)
                        entries.append(u16: UInt16(key.count))
                        entries += key
                    }
                    bytes = []
                    bytes!.append(u16: UInt16(entries.count))
                    bytes! += entries
                }
            }
            if let bytes { extensions.append(TLSExtension(type: kind.code, data: bytes)) }
        }
        return extensions
    }

    /// The length a group's public key has on the wire; a recognisable filler for printing.
    public static func keyLength(_ group: UInt16) -> Int {
        switch group {
        case 0x001D: 32  // x25519
        case 0x001E: 56  // x448
        case 0x0017: 65  // secp256r1, uncompressed
        case 0x0018: 97
        case 0x0019: 133
        case 0x11EC: 1216  // X25519MLKEM768
        default: 32
        }
    }

    static func placeholderKey(_ group: UInt16) -> [UInt8] {
        let n = keyLength(group)
        var key = [UInt8](repeating: 0x42, count: n)
        if [0x0017, 0x0018, 0x0019].contains(group) { key[0] = 4 }  // uncompressed point form
        return key
    }

    /// A literal IPv4 or IPv6 address (no server_name for those, RFC 6066 section 3).
    static func isNumericAddress(_ host: String) -> Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
    }
}

/// The assumed facts a ClientHello rests on: each named once, in the order the builder used them.
struct AssumptionLog {
    var entries: [String] = []

    mutating func use<V>(_ name: String, _ fact: HelloFact<V>) {
        if fact.confidence == .assumed, !entries.contains(where: { $0.hasPrefix(name + ":") }) {
            entries.append("\(name): \(fact.source)")
        }
    }
}
