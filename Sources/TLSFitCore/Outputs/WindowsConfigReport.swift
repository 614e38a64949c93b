/// The JSON shape of `tlsfit config --format json`: a public interface (lowerCamelCase, `schemaVersion`).
public struct WindowsConfigReport: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var file: String
        public var format: WindowsConfigFormat
    }
    public struct ProtocolEntry: Codable, Sendable {
        /// Offered by a client that uses the system defaults.
        public var client: Bool
        public var supported: Bool
        public var clientEnabled: Bool
        public var clientDisabledByDefault: Bool
        /// `Server\Enabled` when set.
        public var server: Bool?
        /// Where the client setting came from, or "default (release)".
        public var source: String
        public var evidence: Provenance?
    }
    public struct WinHTTPEntry: Codable, Sendable {
        public var defaultSecureProtocols: String
        public var protocols: [TLSVersion]
        public var source: String
        public var evidence: Provenance
    }
    public struct SuiteEntry: Codable, Sendable {
        public var iana: String
        public var windows: String
        public var code: String
        public var openssl: String?
        public var source: String
        public var line: Int?
        public var pinnedCurves: [String]?
    }
    public struct RemovedEntry: Codable, Sendable {
        public var iana: String
        public var windows: String
        public var code: String
        public var reason: String
        public var source: String
    }

    public var schemaVersion: Int
    public var windowsRelease: String
    public var windowsReleaseName: String
    public var windowsReleaseAssumed: Bool
    /// What the export's `CurrentVersion` key says (`CurrentBuild`...); null when it has none.
    public var exportRelease: DetectedRelease?
    public var inputs: [Input]
    public var protocols: [String: ProtocolEntry]
    public var winHTTP: WinHTTPEntry?
    public var winHTTPWow64: WinHTTPEntry?
    /// What WinHTTP (the Windows Update client) offers.
    public var offeredProtocols: [TLSVersion]
    /// "policy", "local" or "default".
    public var cipherSuiteOrderSource: String
    public var cipherSuites: [SuiteEntry]
    public var removedCipherSuites: [RemovedEntry]
    public var curves: [String]
    public var curvesSource: String
    public var warnings: [ConfigWarning]
    /// WinHTTP's proxy (`WinHttpSettings`, or `netsh winhttp show proxy`), the path the update agent
    /// takes; null when the inputs do not set it (WinHTTP then goes direct).
    public var winHTTPProxy: ProxyEntry?
    /// The user's proxy (`DefaultConnectionSettings`), which the update agent does not use; null when absent.
    public var userProxy: ProxyEntry?

    /// A stored proxy setting: `path` is `direct` or the proxy (`http://10.0.0.8:3128`).
    public struct ProxyEntry: Sendable, Hashable, Codable {
        public var path: String
        public var bypassList: String
        public var source: String

        public init(_ setting: MachineProxyConfiguration.Setting) {
            path = setting.path.description
            bypassList = setting.settings.bypassList
            source = setting.source.description
        }
    }

    public init(
        _ config: WindowsTLSConfig, inputs: [WindowsConfigDocument], schemaVersion: Int,
        proxies: MachineProxyConfiguration = MachineProxyConfiguration()
    ) {
        winHTTPProxy = proxies.winHTTP.map(ProxyEntry.init)
        userProxy = proxies.user.map(ProxyEntry.init)
        let defaultText = "default (\(config.release.displayName))"
        self.schemaVersion = schemaVersion
        windowsRelease = config.release.rawValue
        windowsReleaseName = config.release.displayName
        windowsReleaseAssumed = config.releaseAssumed
        exportRelease = config.detectedRelease
        self.inputs = inputs.map { Input(file: $0.source, format: $0.format) }
        var protocols: [String: ProtocolEntry] = [:]
        for (v, p) in config.protocols where p.supported || p.clientEnabledSource != nil {
            protocols[v.rawValue] = ProtocolEntry(
                client: p.clientOffered, supported: p.supported, clientEnabled: p.clientEnabled,
                clientDisabledByDefault: p.clientDisabledByDefault, server: p.serverEnabled,
                source: p.clientSource?.description ?? defaultText, evidence: p.clientSource)
        }
        self.protocols = protocols
        func winHTTPEntry(_ w: WinHTTPSetting?) -> WinHTTPEntry? {
            w.map {
                WinHTTPEntry(
                    defaultSecureProtocols: "0x" + $0.value.hex8, protocols: $0.protocols,
                    source: $0.source.description, evidence: $0.source)
            }
        }
        self.winHTTP = winHTTPEntry(config.winHTTPDefaultSecureProtocols)
        self.winHTTPWow64 = winHTTPEntry(config.winHTTPDefaultSecureProtocolsWow64)
        offeredProtocols = config.offeredProtocols()
        switch config.suiteOrderSource {
        case .policy: cipherSuiteOrderSource = "policy"
        case .local: cipherSuiteOrderSource = "local"
        case .releaseDefault: cipherSuiteOrderSource = "default"
        }
        cipherSuites = config.cipherSuites.map { s in
            var source = defaultText
            if let p = s.source {
                source = p.file + (s.line.map { ":\($0)" } ?? (p.record.map { " record \($0)" } ?? ""))
            }
            return SuiteEntry(
                iana: s.suite.iana, windows: s.windowsName, code: s.suite.codeString, openssl: s.suite.openssl,
                source: source, line: s.line, pinnedCurves: s.pinnedCurves.isEmpty ? nil : s.pinnedCurves)
        }
        removedCipherSuites = config.removedSuites.map {
            RemovedEntry(
                iana: $0.suite.iana, windows: $0.windowsName, code: $0.suite.codeString, reason: $0.reason,
                source: $0.evidence.description)
        }
        curves = config.curves
        curvesSource = config.curvesSource?.description ?? defaultText
        warnings = config.warnings
    }
}

// Every field written, null when absent: see JSONOutput.
extension WindowsConfigReport {
    enum CodingKeys: String, CodingKey {
        case schemaVersion, windowsRelease, windowsReleaseName, windowsReleaseAssumed, exportRelease, inputs, protocols,
            winHTTP,
            winHTTPWow64, offeredProtocols, cipherSuiteOrderSource, cipherSuites, removedCipherSuites, curves,
            curvesSource, warnings, winHTTPProxy, userProxy
    }
}

extension WindowsConfigReport.ProtocolEntry {
    enum CodingKeys: String, CodingKey {
        case client, supported, clientEnabled, clientDisabledByDefault, server, source, evidence
    }
}

extension WindowsConfigReport.SuiteEntry {
    enum CodingKeys: String, CodingKey {
        case iana, windows, code, openssl, source, line, pinnedCurves
    }
}
