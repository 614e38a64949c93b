/// What a Windows client offers in its ClientHello: protocols, suites in order, groups and
/// signature algorithms, computed from an effective `WindowsTLSConfig` for the WinHTTP stack
/// that the Windows Update client uses.
public struct ClientProfile: Sendable, Hashable {
    /// One suite the client offers, with its OpenSSL translation.
    public struct Suite: Sendable, Hashable {
        public var suite: CipherSuite
        /// The Schannel name as configured (or the release's default name).
        public var windowsName: String
        /// OpenSSL's name, nil when OpenSSL 3 cannot offer it (RC4, 3DES, export...).
        public var openssl: String?
        public var source: Provenance?
        public var line: Int?
    }

    public var release: WindowsRelease
    /// Offered protocols, lowest first.
    public var protocols: [TLSVersion]
    /// Offered suites in client preference order (suites usable with no offered protocol are left out).
    public var suites: [Suite]
    /// IANA group names (`x25519`, `secp256r1`) in client order.
    public var groups: [String]
    /// The same groups as code points, as the ClientHello carries them.
    public var groupIDs: [UInt16]
    /// Signature schemes in Schannel's wire order (`windows-hello.tsv`).
    public var signatureSchemes: [UInt16]
    /// OpenSSL signature-algorithm names for `signatureSchemes` (those OpenSSL knows).
    public var signatureAlgorithms: [String]
    /// What WinHTTP and Schannel would offer before suites are considered (`WindowsTLSConfig.offeredProtocols()`).
    public var configuredProtocols: [TLSVersion]
    /// True when `DefaultSecureProtocols` set WinHTTP's protocols (not its defaults).
    public var winHTTPProtocolsExplicit: Bool
    /// The stack whose protocols were chosen: WinHTTP (the update agent) or .NET Framework (WSUS).
    public var stack: ClientStack
    /// The ClientHello profile of the release (`windows-hello.tsv`): extensions and their order.
    public var helloProfile: String
    /// Suites the policy string names past the 1023-character Group Policy field limit: a
    /// GPO-delivered list keeps only what fits, so they are not offered.
    public var truncatedSuites: [Suite]
    /// The patch level modelled (`windows-hello.tsv` `PROFILE@LEVEL`); nil when the release has one hello for all.
    public var patchLevel: HelloPatchLevel?
    /// True when the export's UBR chose the patch level; false when the newest known was taken.
    public var patchLevelFromUBR: Bool = false
    /// Suites the stack leaves out (WinINet's RC4/DHE, strong crypto's), by code.
    public var stackDroppedSuites: [UInt16] = []

    /// Builds the profile. `applyGPOFieldLimit` drops suites named past character 1023 of a
    /// policy (`SOFTWARE\Policies\...\00010002 Functions`) string, as the policy delivers it.
    /// `patch`: a patch level by name (nil: the export's UBR chooses, else the newest known).
    public init(config: WindowsTLSConfig, applyGPOFieldLimit: Bool = true, patch: String? = nil) {
        release = config.release
        let info = Catalog.shared.release(config.release)
        if let patch, let level = info.hello.patchLevel(named: patch) {
            patchLevel = level
            patchLevelFromUBR = false
        } else if let chosen = info.hello.patchLevel(
            ubr: config.detectedRelease?.release == config.release ? config.detectedRelease?.ubr : nil)
        {
            patchLevel = chosen.level
            patchLevelFromUBR = chosen.dated
        }
        let stackFacts = info.hello.stacks[config.stack]
        let strongCrypto = ClientProfile.usesStrongCrypto(stackFacts, config: config)
        var protocols = config.offeredProtocols()
        configuredProtocols = protocols
        stack = config.stack
        winHTTPProtocolsExplicit = config.winHTTPDefaultSecureProtocols != nil
        helloProfile = info.helloProfile
        var truncatedCodes = Set<UInt16>()
        if applyGPOFieldLimit, case .policy = config.suiteOrderSource {
            truncatedCodes = ClientProfile.codesPastGPOLimit(config)
        }
        var suites: [Suite] = []
        var truncated: [Suite] = []
        var dropped: [UInt16] = []
        let configured = ClientProfile.configuredSuites(config, patchLevel: patchLevel)
        for s in configured {
            if let facts = stackFacts, facts.drops(s.suite) {
                dropped.append(s.suite.code)
                continue
            }
            if strongCrypto, let entry = info.support(for: s.suite).first, !entry.allowedWithStrongCrypto {
                dropped.append(s.suite.code)
                continue
            }
            let entry = Suite(
                suite: s.suite, windowsName: s.windowsName,
                openssl: s.suite.opensslNameIsLegacy ? nil : s.suite.openssl, source: s.source, line: s.line)
            if truncatedCodes.contains(s.suite.code) {
                truncated.append(entry)
                continue
            }
            // Schannel uses a suite only with the protocols it lists for the release.
            let allowed = info.support(for: s.suite).first?.protocols ?? TLSVersion.allCases
            guard
                protocols.contains(where: {
                    allowed.contains($0) && $0 >= s.suite.minVersion && $0 <= s.suite.maxVersion
                })
            else { continue }
            suites.append(entry)
        }
        // A protocol with no suite to offer is not offered (TLS 1.3 needs TLS 1.3 suites; older ones need older suites).
        protocols = protocols.filter { v in suites.contains { $0.suite.minVersion <= v && v <= $0.suite.maxVersion } }
        self.protocols = protocols
        self.suites = suites
        self.truncatedSuites = truncated
        self.stackDroppedSuites = dropped
        let ids = ClientProfile.groupIDs(config, info: info, configured: configured)
        self.groupIDs = ids
        self.groups = ids.map { NamedGroup.name(forID: Int($0)) }
        // One source of truth with the exact ClientHello: the release's profile in windows-hello.tsv.
        signatureSchemes = patchLevel?.signatureAlgorithms?.value ?? info.hello.signatureAlgorithms.value
        signatureAlgorithms = signatureSchemes.compactMap(SignatureScheme.opensslName)
    }

    /// Whether the stack applies .NET's strong crypto: always, never, or as the registry says.
    private static func usesStrongCrypto(_ stackFacts: HelloStackFacts?, config: WindowsTLSConfig) -> Bool {
        switch stackFacts?.strongCrypto.value ?? .no {
        case .yes: return true
        case .no: return false
        case .registry: return DotNetFrameworkTLS(registry: config.registry).usesStrongCrypto
        }
    }

    /// The configured suites in order, or the patch level's default list when the configuration named no order.
    private static func configuredSuites(_ config: WindowsTLSConfig, patchLevel: HelloPatchLevel?) -> [EffectiveSuite] {
        var configured = config.cipherSuites
        // A patch level with its own default list replaces the release's (the configuration named no order).
        if case .releaseDefault = config.suiteOrderSource, let order = patchLevel?.suiteOrder {
            // A suite a cipher, hash or key-exchange switch removed from the release's list stays out.
            let removed = Set(config.removedSuites.map(\.suite.code))
            configured = order.filter { e in e.offeredByDefault && !removed.contains(e.suite.code) }.map { e in
                EffectiveSuite(
                    suite: e.suite, windowsName: e.windowsName, pinnedCurves: e.curve.map { [$0] } ?? [], source: nil,
                    line: nil)
            }
        }
        return configured
    }

    /// The group code points offered, in client order, without duplicates.
    private static func groupIDs(
        _ config: WindowsTLSConfig, info: WindowsReleaseInfo, configured: [EffectiveSuite]
    ) -> [UInt16] {
        // Curves: from EccCurves on Windows 10+, from the suffixes of the names before.
        var curves: [String]
        if info.usesCurveSuffixes {
            curves = []
            for s in configured where s.suite.keyExchange == "ECDHE" {
                for c in s.pinnedCurves where !curves.contains(c) { curves.append(c) }
            }
            if curves.isEmpty { curves = info.defaultCurves }
        } else {
            curves = config.curves
        }
        var ids: [UInt16] = []
        for c in curves {
            guard let id = NamedGroup.id(forName: c), !ids.contains(UInt16(id)) else { continue }
            ids.append(UInt16(id))
        }
        return ids
    }

    /// Codes of the suites whose names start past the GPO field limit in the policy string.
    static func codesPastGPOLimit(_ config: WindowsTLSConfig) -> Set<UInt16> {
        guard let entry = config.registry.value(RegistryPath.policySSL, "Functions"),
            case .string(let text) = entry.data, text.count > WindowsTLSConfig.gpoFieldLimit
        else { return [] }
        let kept = String(text.prefix(WindowsTLSConfig.gpoFieldLimit))
        let keptNames = Set(
            kept.split(separator: ",").dropLast(kept.hasSuffix(",") ? 0 : 1).map {
                String($0).trimmingASCIIWhitespace().uppercased()
            })
        var lost = Set<UInt16>()
        var keptCodes = Set<UInt16>()
        for name in text.split(separator: ",").map({ String($0).trimmingASCIIWhitespace() }) {
            guard let suite = Catalog.shared.suite(named: name) else { continue }
            if keptNames.contains(name.uppercased()) { keptCodes.insert(suite.code) } else { lost.insert(suite.code) }
        }
        return lost.subtracting(keptCodes)
    }

    /// Why this client sends no ClientHello at all (nil when it sends one): no protocol enabled for
    /// its stack, or protocols enabled but no suite usable with them, which is not "no protocol offered".
    public var noClientHelloFailure: HandshakeFailure? {
        guard protocols.isEmpty else { return nil }
        let stackName = stack.displayName
        if configuredProtocols.isEmpty {
            return HandshakeFailure(
                stage: .tls, kind: .noProtocolOffered,
                detail: "the configuration enables no protocol for \(stackName); no ClientHello is sent")
        }
        return HandshakeFailure(
            stage: .tls, kind: .noSharedCipher,
            detail:
                "\(stackName) would offer \(configuredProtocols.map(\.rawValue).joined(separator: ", ")), but no suite in the list can be used with them; no ClientHello is sent"
        )
    }

    /// OpenSSL group names for `HandshakeRequest.groups`.
    public var opensslGroups: [String] {
        groups.compactMap { NamedGroup.id(forName: $0).flatMap(NamedGroup.opensslName(forID:)) }
    }

    /// The `HandshakeRequest` that makes OpenSSL send this ClientHello (as closely as OpenSSL can:
    /// it offers a contiguous range of versions and cannot pin a curve to one suite).
    public func handshakeRequest(
        host: String, port: Int, connectAddress: String? = nil, connectPort: Int? = nil,
        timeout: Double, caFile: String?
    ) -> HandshakeRequest {
        let tls12 = suites.filter { !$0.suite.isTLS13 }.compactMap(\.openssl)
        let tls13 = suites.filter { $0.suite.isTLS13 }.compactMap(\.openssl)
        let groups = opensslGroups
        return HandshakeRequest(
            host: host, port: port, connectAddress: connectAddress, connectPort: connectPort, sni: host,
            minVersion: protocols.first ?? .tls12, maxVersion: protocols.last ?? .tls12,
            cipherString: tls12.joined(separator: ":"),
            tls13CipherSuites: tls13.joined(separator: ":"),
            // Without an elliptic curve OpenSSL still needs a group list: ffdhe2048 offers no ECDHE.
            groups: groups.isEmpty ? "ffdhe2048" : groups.joined(separator: ":"),
            signatureAlgorithms: signatureAlgorithms.joined(separator: ":"),
            timeout: timeout, caFile: caFile, verifyCertificate: true)
    }
}
