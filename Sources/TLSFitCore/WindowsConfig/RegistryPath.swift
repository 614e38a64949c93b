/// Registry key paths: normalizing the many spellings of one key, and the keys tlsfit reads.
public enum RegistryPath {
    /// Removes the HKLM hive prefix (`HKEY_LOCAL_MACHINE\`, `HKLM\`, `HKLM:\`, `Computer\HKEY_LOCAL_MACHINE\`),
    /// folds `ControlSet00N` to `CurrentControlSet`, and collapses repeated or trailing backslashes.
    ///
    /// Other hives keep their prefix, so they never match an HKLM key. Case is kept for display;
    /// compare with `folded(_:)`.
    public static func normalize(_ raw: String) -> String {
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
