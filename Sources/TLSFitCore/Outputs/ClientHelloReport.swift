import FoundationEssentials

/// The JSON shape of `tlsfit hello --format json`: a public interface, documented in the README.
public struct ClientHelloReport: Sendable, Hashable, Codable {
    public struct Suite: Sendable, Hashable, Codable {
        /// `"0xC030"`.
        public var code: String
        /// IANA name; null for a value tlsfit does not know (GREASE, 0x00FF).
        public var iana: String?
        /// OpenSSL's name; null when OpenSSL 3 cannot negotiate it (RC4, 3DES...).
        public var openssl: String?
        enum CodingKeys: String, CodingKey { case code, iana, openssl }
    }

    public struct Extension: Sendable, Hashable, Codable {
        /// `"0x000A"`.
        public var type: String
        public var name: String
        public var length: Int
        /// The extension's bytes, hex.
        public var data: String
    }

    public struct Named: Sendable, Hashable, Codable {
        public var code: String
        public var name: String
    }

    public struct KeyShare: Sendable, Hashable, Codable {
        public var group: String
        public var name: String
        public var length: Int
    }

    public struct Match: Sendable, Hashable, Codable {
        /// Plain `--windows` names: every release of a tie (the same hello) in one entry.
        public var releases: [String]
        /// The stack whose hello this is (`winhttp`, `wininet`, `dotnet`, `sspi`).
        public var stack: String
        /// Every modelled stack that sends the same bytes on these releases (a tie the hello cannot break).
        public var stacks: [String]
        /// The patch levels of the releases (`windows-hello.tsv`); empty when they have one hello for all.
        public var patchLevels: [String]
        public var score: Int
        public var identical: Bool
        /// `defaults`, or the `DefaultSecureProtocols` value that makes the protocols agree.
        public var configuration: String
        public var differences: [HelloDifference]
        public var assumptions: [String]
    }

    public var schemaVersion: Int
    /// `emulated` (built from --windows/--config) or `decoded` (from --decode).
    public var source: String
    /// The release the hello was built for; null for a decoded hello.
    public var windowsRelease: String?
    public var windowsReleaseAssumed: Bool?
    /// The stack the hello was built for; null for a decoded hello.
    public var stack: String?
    /// The patch level the hello was built for; null for a decoded hello or a release with one hello for all.
    public var patchLevel: String?
    /// How the release, stack and patch level were chosen, and what a ranking left out (releases made after the capture).
    public var notes: [String] = []
    public var recordVersion: String
    public var helloVersion: String
    /// Protocols the hello offers (supported_versions, or up to the hello version).
    public var offeredVersions: [String]
    public var random: String
    public var sessionID: String
    public var cipherSuites: [Suite]
    public var compressionMethods: [Int]
    public var extensions: [Extension]
    public var serverName: String?
    public var supportedGroups: [Named]
    public var keyShares: [KeyShare]
    public var signatureAlgorithms: [Named]
    public var pointFormats: [Int]?
    public var supportedVersions: [String]
    public var alpn: [String]
    public var ja3: String
    public var ja3Hash: String
    public var ja4: String
    public var ja4Raw: String
    /// The whole record(s), hex.
    public var hex: String
    /// Facts of `windows-hello.tsv` the emulated hello rests on that are assumed; empty for a decoded hello.
    public var assumptions: [String]
    /// For a decoded hello: the closest releases, best first; null for an emulated one.
    public var matches: [Match]?
    /// For an emulated hello: every configuration warning that changes it (a suite name Schannel does
    /// not know, `--windows` against the export's build...), with its file and line; empty for a decoded hello.
    public var configurationFindings: [ConfigurationFinding] = []

    /// `offered`: the protocols the client offers when known better than the hello shows (SSL 3.0 below a TLS 1.0 hello).
    public init(
        hello: ClientHello, source: String, release: WindowsRelease?, releaseAssumed: Bool?, assumptions: [String],
        matches: [HelloMatch]?, offered: [TLSVersion]? = nil, stack: ClientStack? = nil, patchLevel: String? = nil,
        notes: [String] = [], catalog: Catalog = .shared
    ) {
        func h16(_ v: UInt16) -> String { "0x" + v.hex(width: 4) }
        schemaVersion = JSONOutput.schemaVersion
        self.source = source
        windowsRelease = release?.rawValue
        windowsReleaseAssumed = releaseAssumed
        self.stack = stack?.rawValue
        self.patchLevel = patchLevel
        self.notes = notes
        recordVersion = h16(hello.recordVersion)
        helloVersion = h16(hello.version)
        offeredVersions = (offered ?? hello.offeredVersions).map(\.rawValue)
        random = Digest.hex(hello.random)
        sessionID = Digest.hex(hello.sessionID)
        cipherSuites = hello.cipherSuites.map { code in
            let s = catalog.suite(code: code)
            return Suite(code: h16(code), iana: s?.iana, openssl: (s?.opensslNameIsLegacy ?? true) ? nil : s?.openssl)
        }
        compressionMethods = hello.compressionMethods.map(Int.init)
        extensions = hello.extensions.map {
            Extension(
                type: h16($0.type), name: TLSExtensionNames.name($0.type), length: $0.data.count,
                data: Digest.hex($0.data))
        }
        serverName = hello.serverName
        supportedGroups = hello.supportedGroups.map {
            Named(code: h16($0), name: ClientHello.isGREASE($0) ? "GREASE" : NamedGroup.name(forID: Int($0)))
        }
        keyShares = hello.keyShares.map {
            KeyShare(
                group: h16($0.group),
                name: ClientHello.isGREASE($0.group) ? "GREASE" : NamedGroup.name(forID: Int($0.group)),
                length: $0.keyExchange.count)
        }
        signatureAlgorithms = hello.signatureAlgorithms.map { Named(code: h16($0), name: SignatureScheme.name($0)) }
        pointFormats = hello.pointFormats.map { $0.map(Int.init) }
        supportedVersions = hello.supportedVersions.map(h16)
        alpn = hello.alpn
        ja3 = hello.ja3String
        ja3Hash = hello.ja3
        (ja4, ja4Raw) = hello.ja4AndRaw
        hex = Digest.hex(hello.encode())
        self.assumptions = assumptions
        self.matches = matches?.map {
            Match(
                releases: $0.releases.map(\.rawValue), stack: $0.stack.rawValue, stacks: $0.stacks.map(\.rawValue),
                patchLevels: $0.patchLevels, score: $0.score, identical: $0.identical, configuration: $0.configuration,
                differences: $0.differences, assumptions: $0.assumptions)
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, source, windowsRelease, windowsReleaseAssumed, stack, patchLevel, notes, recordVersion,
            helloVersion, offeredVersions, random,
            sessionID, cipherSuites, compressionMethods, extensions, serverName, supportedGroups, keyShares,
            signatureAlgorithms,
            pointFormats, supportedVersions, alpn, ja3, ja3Hash, ja4, ja4Raw, hex, assumptions, matches,
            configurationFindings
    }
}
