/// The documents of `tlsfit suites show|translate|defaults|list --format json` (`hosts`: HostsJSON).

public struct ShowJSON: Codable {
    public struct Release: Codable {
        public var release: String
        public var displayName: String
        public var supported: Bool
        public var enabledByDefault: Bool
        public var entries: [WindowsEntryJSON]

        public init(
            release: String,
            displayName: String,
            supported: Bool,
            enabledByDefault: Bool,
            entries: [WindowsEntryJSON]
        ) {
            self.release = release
            self.displayName = displayName
            self.supported = supported
            self.enabledByDefault = enabledByDefault
            self.entries = entries
        }
    }

    public var schemaVersion: Int
    public var suite: SuiteJSON
    public var windows: [Release]

    public init(schemaVersion: Int, suite: SuiteJSON, windows: [Release]) {
        self.schemaVersion = schemaVersion
        self.suite = suite
        self.windows = windows
    }
}

public struct DefaultsJSON: Codable {
    public var schemaVersion: Int
    public var release: String
    public var displayName: String
    public var defaultClientProtocols: [String]
    public var supportedProtocols: [String]
    public var defaultCurves: [String]
    public var usesCurveSuffixes: Bool
    public var defaultOrder: [WindowsEntryJSON]
    public var supportedNotDefault: [WindowsEntryJSON]?
    /// `CurrentBuild` of the release.
    public var build: Int
    /// client or server.
    public var edition: String
    /// Where the data comes from, when it needs saying; null otherwise.
    public var note: String?
    /// Microsoft's documented default order where tlsfit follows real captures instead (Windows 7); null otherwise.
    public var documentedOrder: [WindowsEntryJSON]?
    public var winHTTPDefaultProtocols: [String]
    /// captured, documented, reported or assumed.
    public var winHTTPDefaultProtocolsConfidence: String

    enum CodingKeys: String, CodingKey {
        case schemaVersion, release, displayName, defaultClientProtocols, supportedProtocols, defaultCurves,
            usesCurveSuffixes,
            defaultOrder, supportedNotDefault, build, edition, note, documentedOrder, winHTTPDefaultProtocols,
            winHTTPDefaultProtocolsConfidence
    }

    public init(
        schemaVersion: Int,
        release: String,
        displayName: String,
        defaultClientProtocols: [String],
        supportedProtocols: [String],
        defaultCurves: [String],
        usesCurveSuffixes: Bool,
        defaultOrder: [WindowsEntryJSON],
        supportedNotDefault: [WindowsEntryJSON]?,
        build: Int,
        edition: String,
        note: String?,
        documentedOrder: [WindowsEntryJSON]?,
        winHTTPDefaultProtocols: [String],
        winHTTPDefaultProtocolsConfidence: String
    ) {
        self.schemaVersion = schemaVersion
        self.release = release
        self.displayName = displayName
        self.defaultClientProtocols = defaultClientProtocols
        self.supportedProtocols = supportedProtocols
        self.defaultCurves = defaultCurves
        self.usesCurveSuffixes = usesCurveSuffixes
        self.defaultOrder = defaultOrder
        self.supportedNotDefault = supportedNotDefault
        self.build = build
        self.edition = edition
        self.note = note
        self.documentedOrder = documentedOrder
        self.winHTTPDefaultProtocols = winHTTPDefaultProtocols
        self.winHTTPDefaultProtocolsConfidence = winHTTPDefaultProtocolsConfidence
    }
}

public struct ListJSON: Codable {
    public var schemaVersion: Int
    public var suites: [SuiteJSON]

    public init(schemaVersion: Int, suites: [SuiteJSON]) {
        self.schemaVersion = schemaVersion
        self.suites = suites
    }
}

public struct ListWindowsJSON: Codable {
    public var schemaVersion: Int
    public var release: String
    public var suites: [WindowsEntryJSON]

    public init(schemaVersion: Int, release: String, suites: [WindowsEntryJSON]) {
        self.schemaVersion = schemaVersion
        self.release = release
        self.suites = suites
    }
}

/// A suite as `tlsfit suites ... --format json` prints it.
public struct SuiteJSON: Codable {
    public var code: String
    public var iana: String
    public var openssl: String?
    public var windowsNames: [String]
    public var keyExchange: String
    public var authentication: String
    public var encryption: String
    public var mac: String
    public var minVersion: String
    public var maxVersion: String
    public var insecure: Bool
    public var aead: Bool
    public var forwardSecret: Bool

    public init(_ s: CipherSuite) {
        code = s.codeString
        iana = s.iana
        openssl = s.openssl
        windowsNames = s.windowsNames
        keyExchange = s.keyExchange
        authentication = s.authentication
        encryption = s.encryption
        mac = s.mac
        minVersion = s.minVersion.rawValue
        maxVersion = s.maxVersion.rawValue
        insecure = s.isInsecure
        aead = s.isAEAD
        forwardSecret = s.isForwardSecret
    }

    enum CodingKeys: String, CodingKey {
        case code, iana, openssl, windowsNames, keyExchange, authentication, encryption, mac, minVersion, maxVersion,
            insecure, aead, forwardSecret
    }
}

/// One release's entry for a suite, for JSON.
public struct WindowsEntryJSON: Codable {
    public var windowsName: String
    public var code: String
    public var iana: String
    public var openssl: String?
    public var enabledByDefault: Bool
    public var priority: Int?
    public var protocols: [String]
    public var allowedWithStrongCrypto: Bool
    public var onlyWhenRequested: Bool
    public var pskOnly: Bool

    public init(_ e: WindowsSuiteSupport) {
        windowsName = e.windowsName
        code = e.suite.codeString
        iana = e.suite.iana
        openssl = e.suite.openssl
        enabledByDefault = e.enabledByDefault
        priority = e.defaultPriority
        protocols = e.protocols.sorted(by: >).map(\.rawValue)
        allowedWithStrongCrypto = e.allowedWithStrongCrypto
        onlyWhenRequested = e.onlyWhenRequested
        pskOnly = e.pskOnly
    }

    enum CodingKeys: String, CodingKey {
        case windowsName, code, iana, openssl, enabledByDefault, priority, protocols, allowedWithStrongCrypto,
            onlyWhenRequested, pskOnly
    }
}

public struct TranslateJSON: Codable {
    public struct Suite: Codable {
        public var iana: String
        public var openssl: String?
        public var windows: String?
        public var code: String

        enum CodingKeys: String, CodingKey { case iana, openssl, windows, code }

        public init(iana: String, openssl: String?, windows: String?, code: String) {
            self.iana = iana
            self.openssl = openssl
            self.windows = windows
            self.code = code
        }
    }

    public var schemaVersion: Int
    public var to: String
    public var windowsRelease: String?
    public var suites: [Suite]
    public var result: String

    enum CodingKeys: String, CodingKey { case schemaVersion, to, windowsRelease, suites, result }

    public init(schemaVersion: Int, to: String, windowsRelease: String?, suites: [Suite], result: String) {
        self.schemaVersion = schemaVersion
        self.to = to
        self.windowsRelease = windowsRelease
        self.suites = suites
        self.result = result
    }
}
