/// WinHTTP's machine proxy as Windows stores it: the `WinHttpSettings` REG_BINARY value under
/// `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections`, written by
/// `netsh winhttp set proxy` (and `reset proxy`, `import proxy source=ie`).
///
/// Layout (little-endian; not documented by Microsoft: read from values seen in public exports and
/// scripts that read and write it, e.g. the default direct value `18,00,00,00, 00,00,00,00,
/// 01,00,00,00, 00,00,00,00, 00,00,00,00` and xplantefeve's WinHttpProxySettings.ps1, 2019):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | DWORD | structure version: 0x18 after `netsh winhttp reset proxy`, 0x28 after `set proxy` (WinINet's `DefaultConnectionSettings`, the same layout, has 0x3C or 0x46) |
/// | 4 | DWORD | change counter |
/// | 8 | DWORD | flags: 0x1 always set (direct), 0x2 named proxy, 0x4 auto-config script (PAC), 0x8 auto-detect (WPAD) |
/// | 12 | DWORD | length N of the proxy string, then N bytes of ASCII (`host:port`, or `http=h:p;https=h:p`) |
/// | 16+N | DWORD | length M of the bypass list, then M bytes of ASCII (`<local>;*.contoso.com`) |
/// | ... | DWORD | (WinINet layout only, optional) length of the auto-config URL, then the URL; padding follows |
///
/// A value shorter than a field it announces is an error that names the byte offset.
public struct WinHTTPProxySettings: Sendable, Hashable {
    public var version: UInt32
    public var counter: UInt32
    public var flags: UInt32
    /// The proxy string as stored (empty when none).
    public var proxyServer: String
    /// The bypass list as stored (empty when none).
    public var bypassList: String
    /// The auto-config (PAC) URL, when the value carries one.
    public var autoConfigURL: String?

    public static let flagDirect: UInt32 = 0x1
    public static let flagNamedProxy: UInt32 = 0x2
    public static let flagAutoConfigURL: UInt32 = 0x4
    public static let flagAutoDetect: UInt32 = 0x8

    /// Longest string field tlsfit accepts (WinHTTP's own limit on the proxy string is far lower).
    static let maximumStringLength = 64 * 1024

    public init(
        version: UInt32 = 0x28, counter: UInt32 = 0, flags: UInt32, proxyServer: String = "", bypassList: String = "",
        autoConfigURL: String? = nil
    ) {
        self.version = version
        self.counter = counter
        self.flags = flags
        self.proxyServer = proxyServer
        self.bypassList = bypassList
        self.autoConfigURL = autoConfigURL
    }

    /// What `netsh winhttp set proxy PROXY BYPASS` writes (or `reset proxy` when `proxy` is nil).
    public static func netsh(proxy: String?, bypass: String = "") -> WinHTTPProxySettings {
        guard let proxy, !proxy.isEmpty else { return WinHTTPProxySettings(version: 0x18, flags: flagDirect) }
        return WinHTTPProxySettings(
            version: 0x28, flags: flagDirect | flagNamedProxy, proxyServer: proxy, bypassList: bypass)
    }

    /// Decodes the value's bytes; the error message names the byte offset of the bad field.
    public init(bytes: [UInt8]) throws(FormatError) {
        var offset = 0
        func dword(_ what: String) throws(FormatError) -> UInt32 {
            guard offset + 4 <= bytes.count else {
                throw FormatError(
                    byteOffset: offset, message: "the value ends before the \(what) (\(bytes.count) bytes)")
            }
            let v =
                UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(
                    bytes[offset + 3]) << 24
            offset += 4
            return v
        }
        func string(_ what: String) throws(FormatError) -> String {
            let at = offset
            let length = Int(try dword("length of the \(what)"))
            guard length <= Self.maximumStringLength, length <= bytes.count - offset else {
                throw FormatError(
                    byteOffset: at,
                    message:
                        "the \(what) is said to be \(length) bytes long, but only \(bytes.count - offset) bytes follow")
            }
            let field = bytes[offset..<(offset + length)]
            offset += length
            // ASCII as written by netsh; anything else is kept visible rather than dropped.
            return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
        }
        version = try dword("structure version")
        counter = try dword("change counter")
        flags = try dword("flags")
        proxyServer = try string("proxy string")
        bypassList = try string("bypass list")
        autoConfigURL = nil
        if offset + 4 <= bytes.count {
            let url = try string("auto-config URL")
            autoConfigURL = url.isEmpty ? nil : url
        }
    }

    /// The bytes `netsh` would write for these settings (no auto-config URL field).
    public func encoded() -> [UInt8] {
        func le(_ v: UInt32) -> [UInt8] {
            [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        }
        let proxy = Array(proxyServer.utf8)
        let bypass = Array(bypassList.utf8)
        return le(version) + le(counter) + le(flags) + le(UInt32(proxy.count)) + proxy + le(UInt32(bypass.count))
            + bypass
    }

    /// True when a named proxy is in use (flag 0x2 with a proxy string).
    public var usesNamedProxy: Bool { flags & Self.flagNamedProxy != 0 && !proxyServer.isEmpty }

    /// The proxy WinHTTP uses for `scheme` (`https` for TLS): the `https=` entry of a per-scheme
    /// string, else the entry without a scheme. Nil when the settings say direct access.
    public func proxyEntry(forScheme scheme: String) -> String? {
        guard usesNamedProxy else { return nil }
        let entries = proxyServer.split(whereSeparator: { $0 == ";" || $0 == " " }).map(String.init)
        var plain: String?
        for entry in entries {
            if let equals = entry.firstIndex(of: "=") {
                if entry[..<equals].lowercased() == scheme.lowercased() {
                    return String(entry[entry.index(after: equals)...])
                }
            } else if plain == nil {
                plain = entry
            }
        }
        return plain
    }

    /// The network path a WinHTTP client takes for HTTPS with these settings.
    public func networkPath(source: String) throws(InputError) -> NetworkPath {
        guard let entry = proxyEntry(forScheme: "https") else { return .direct }
        var proxy = try HTTPProxy(parsing: entry, source: source)
        proxy.bypass = ProxyBypassList(parsing: bypassList)
        return .proxy(proxy)
    }

    /// How `netsh winhttp show proxy` would put it.
    public var summary: String {
        guard usesNamedProxy else { return "direct access (no proxy server)" }
        let entries = proxyServer.split(separator: ";", omittingEmptySubsequences: false).map { entry -> String in
            // `https=alice:pw@proxy:8080`: the scheme prefix kept, any password hidden.
            if let equals = entry.firstIndex(of: "="), !entry[..<equals].contains(":") {
                return String(entry[...equals]) + HTTPProxy.redacted(String(entry[entry.index(after: equals)...]))
            }
            return HTTPProxy.redacted(String(entry))
        }
        return "proxy \(entries.joined(separator: ";"))" + (bypassList.isEmpty ? "" : ", bypass \(bypassList)")
    }

    public struct FormatError: Error, Sendable, Hashable {
        public var byteOffset: Int
        public var message: String
    }
}

/// The proxies a machine's export shows: WinHTTP's (what the update agent uses) and, when the
/// export has it, the signed-in user's WinINet proxy (`DefaultConnectionSettings`, same layout).
public struct MachineProxyConfiguration: Sendable, Hashable {
    /// One stored setting and where it came from.
    public struct Setting: Sendable, Hashable {
        public var settings: WinHTTPProxySettings
        public var source: Provenance
        /// The HTTPS path the setting gives.
        public var path: NetworkPath
    }

    public init(winHTTP: Setting? = nil, user: Setting? = nil) {
        self.winHTTP = winHTTP
        self.user = user
    }

    /// `WinHttpSettings`; nil when the inputs do not set it (then WinHTTP goes direct).
    public var winHTTP: Setting?
    /// The user's `DefaultConnectionSettings` (HKCU), when the inputs hold it.
    public var user: Setting?

    public static let connectionsKey = #"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"#
    public static let winHTTPValue = "WinHttpSettings"
    public static let userValue = "DefaultConnectionSettings"

    /// The path the update agent takes: WinHTTP's proxy, or direct.
    public var winHTTPPath: NetworkPath { winHTTP?.path ?? .direct }

    /// Reads both settings from a merged registry; a malformed value is an error naming its file and line.
    public static func read(from registry: RegistrySnapshot) throws(InputError) -> MachineProxyConfiguration {
        var result = MachineProxyConfiguration()
        if let entry = registry.value(connectionsKey, winHTTPValue) {
            result.winHTTP = try setting(entry)
        }
        // HKCU keeps its hive prefix after normalization: find the user's Connections key by suffix.
        let suffix = #"\software\microsoft\windows\currentversion\internet settings\connections"#
        for key in registry.allKeys {
            let folded = key.lowercased()
            guard folded.hasSuffix(suffix),
                folded.hasPrefix("hkey_current_user") || folded.hasPrefix("hkcu") || folded.hasPrefix("hkey_users"),
                let entry = registry.value(key, userValue)
            else { continue }
            result.user = try setting(entry)
            break
        }
        return result
    }

    static func setting(_ entry: RegistrySnapshot.Entry) throws(InputError) -> Setting {
        let p = entry.provenance
        guard case .binary(_, let bytes) = entry.data else {
            throw InputError(
                source: p.file, line: p.line, byteOffset: p.byteOffset,
                message: "\(entry.name) must be a REG_BINARY value (hex:...), not \(entry.data.displayText)")
        }
        let settings: WinHTTPProxySettings
        do {
            settings = try WinHTTPProxySettings(bytes: bytes)
        } catch {
            throw InputError(
                source: p.file, line: p.line, byteOffset: p.line == nil ? p.byteOffset : nil,
                message: "\(entry.name): byte \(error.byteOffset) of the value: \(error.message)")
        }
        let path = try settings.networkPath(source: "\(p.location): \(entry.name)")
        return Setting(settings: settings, source: p, path: path)
    }
}
