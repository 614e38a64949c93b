/// Registry key paths: normalizing the many spellings of one key, and the keys tlsfit reads.
public enum RegistryPath {
    /// Removes the HKLM hive prefix (`HKEY_LOCAL_MACHINE\`, `HKLM\`, `HKLM:\`, `Computer\HKEY_LOCAL_MACHINE\`),
    /// folds `ControlSet00N` to `CurrentControlSet`, and collapses repeated or trailing backslashes.
    ///
    /// Other hives keep their prefix, so they never match an HKLM key. Case is kept for display;
    /// compare with `folded(_:)`.
    public static func normalize(_ raw: String) -> String {
        // Most calls pass an already normalized constant (every registry lookup does): skip the split.
        isNormalized(raw) ? raw : normalizeBySplitting(raw)
    }

    /// True when `normalizeBySplitting(raw) == raw`: no empty or blank component, no hive or
    /// `Computer` prefix, no `SYSTEM\ControlSetNNN`. Bytes only, no allocation.
    static func isNormalized(_ raw: String) -> Bool {
        let backslash = UInt8(ascii: "\\")
        let space = UInt8(ascii: " ")
        let utf8 = raw.utf8
        guard let first = utf8.first, let last = utf8.last, first != backslash, first != space, last != backslash else {
            return false
        }
        var previous: UInt8 = 0
        var component = 0
        var start = utf8.startIndex
        var firstComponent: Substring.UTF8View?
        var secondComponent: Substring.UTF8View?
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == backslash {
                if previous == backslash { return false }
                if component == 0 { firstComponent = raw[start..<index].utf8 }
                if component == 1 { secondComponent = raw[start..<index].utf8 }
                component += 1
                start = utf8.index(after: index)
            } else if byte == space, previous == backslash {
                return false
            } else if byte >= 0x80, component < 2 {
                return false  // Unicode case folding in the first components: the slow path decides
            }
            previous = byte
            index = utf8.index(after: index)
        }
        if component == 0 {
            firstComponent = raw[start...].utf8
        } else if component == 1 {
            secondComponent = raw[start...].utf8
        }
        func equalsIgnoringASCIICase(_ bytes: Substring.UTF8View?, _ word: String) -> Bool {
            guard let bytes, bytes.count == word.utf8.count else { return false }
            return zip(bytes, word.utf8).allSatisfy { a, b in (a | 0x20) == b || a == b }
        }
        for prefix in ["computer", "hkey_local_machine", "hklm", "hklm:"]
        where equalsIgnoringASCIICase(firstComponent, prefix) { return false }
        if equalsIgnoringASCIICase(firstComponent, "system"), let second = secondComponent, second.count == 13 {
            return false  // maybe ControlSet001: let the slow path decide
        }
        return true
    }

    static func normalizeBySplitting(_ raw: String) -> String {
        var parts: [Substring] = []
        for part in raw.split(separator: "\\", omittingEmptySubsequences: true) {
            let trimmed = part.drop(while: { $0 == " " })
            if !trimmed.isEmpty { parts.append(part) }
        }
        guard !parts.isEmpty else { return "" }
        var index = 0
        if parts[index].lowercased() == "computer", parts.count > 1 { index += 1 }
        if index < parts.count {
            let hive = parts[index].lowercased()
            if hive == "hkey_local_machine" || hive == "hklm" || hive == "hklm:" { index += 1 }
        }
        var rest = Array(parts[index...])
        if rest.count >= 2, rest[0].lowercased() == "system" {
            let set = rest[1].lowercased()
            if set.hasPrefix("controlset"), set.count == 13, set.dropFirst(10).allSatisfy(\.isNumber) {
                rest[1] = "CurrentControlSet"
            }
        }
        return rest.joined(separator: "\\")
    }

    /// The case-folded form used for comparison (Windows compares key names case-insensitively).
    public static func folded(_ normalized: String) -> String { normalized.lowercased() }

    /// Whether tlsfit may read a value of `key` (normalized, any case): false only for keys outside
    /// every part of the registry it models (SCHANNEL, Cryptography, .NET, WinHTTP and Internet
    /// Settings, Windows Update, the release in Windows NT\CurrentVersion, SystemCertificates). A
    /// superset by design: the keys' names are matched anywhere in the path, in any hive.
    public static func mayBeRead(_ key: String) -> Bool {
        let folded = key.lowercased()
        return readMarkers.contains { folded.contains($0) }
    }

    static let readMarkers = [
        "securityproviders", "schannel", "cryptography", ".netframework", "internet settings",
        "winhttp", "windowsupdate", "windows nt\\currentversion", "systemcertificates",
    ]

    public static let schannel = #"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#
    public static let schannelProtocols = schannel + #"\Protocols"#
    public static let schannelCiphers = schannel + #"\Ciphers"#
    public static let schannelHashes = schannel + #"\Hashes"#
    public static let schannelKeyExchange = schannel + #"\KeyExchangeAlgorithms"#
    /// The "SSL Cipher Suite Order" and "ECC Curve Order" policy key.
    public static let policySSL = #"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#
    /// The local (non-policy) cipher suite order, written by `Enable-TlsCipherSuite`.
    public static let localSSL = #"SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"#
    public static let winHTTP = #"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"#
    public static let winHTTPWow64 = #"SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"#

    /// `...\SCHANNEL\Protocols\TLS 1.2\Client`.
    public static func protocolKey(_ version: TLSVersion, client: Bool) -> String {
        schannelProtocols + "\\" + version.schannelKeyName + (client ? "\\Client" : "\\Server")
    }
}
