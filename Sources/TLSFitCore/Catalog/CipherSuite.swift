/// One TLS cipher suite, identified by its IANA code point; every name is a label for it.
public struct CipherSuite: Sendable, Hashable, Codable {
    public var code: UInt16
    /// The IANA registry name (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`).
    public var iana: String
    /// The OpenSSL name (`ECDHE-RSA-AES256-GCM-SHA384`); nil when OpenSSL has none.
    public var openssl: String?
    /// Schannel names, including the curve-suffixed `_P256`/`_P384`/`_P521` forms; empty if Windows never had it.
    public var windowsNames: [String]
    /// "ECDHE", "DHE", "RSA", "PSK", "DHE_PSK", "ECDHE_PSK", "RSA_PSK", "SRP", "any" (TLS 1.3).
    public var keyExchange: String
    /// "RSA", "ECDSA", "DSS", "PSK", "SRP", "NULL" (anonymous), "any" (TLS 1.3).
    public var authentication: String
    /// "AES_256_GCM", "AES_128_CBC", "3DES_EDE_CBC", "RC4_128", "CHACHA20_POLY1305", "NULL"...
    public var encryption: String
    /// "SHA384", "SHA256", "SHA", "MD5", or "AEAD".
    public var mac: String
    public var minVersion: TLSVersion
    public var maxVersion: TLSVersion
    /// NULL encryption, anonymous, export, RC4, DES, 3DES, IDEA, RC2 or MD5.
    public var isInsecure: Bool
    public var isAEAD: Bool
    public var isForwardSecret: Bool
    /// True when the OpenSSL name comes from older or differently built OpenSSL releases
    /// (weak ciphers, TLS 1.3 CCM) and the OpenSSL 3 `ALL:COMPLEMENTOFALL` table need not list it.
    public var opensslNameIsLegacy: Bool

    public init(
        code: UInt16, iana: String, openssl: String?, windowsNames: [String], keyExchange: String,
        authentication: String, encryption: String, mac: String, minVersion: TLSVersion, maxVersion: TLSVersion,
        isInsecure: Bool, isAEAD: Bool, isForwardSecret: Bool, opensslNameIsLegacy: Bool = false
    ) {
        self.code = code
        self.iana = iana
        self.openssl = openssl
        self.windowsNames = windowsNames
        self.keyExchange = keyExchange
        self.authentication = authentication
        self.encryption = encryption
        self.mac = mac
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.isInsecure = isInsecure
        self.isAEAD = isAEAD
        self.isForwardSecret = isForwardSecret
        self.opensslNameIsLegacy = opensslNameIsLegacy
    }

    /// The code point as tlsfit prints it: "0xC030".
    public var codeString: String { CipherSuite.codeString(code) }

    /// TLS 1.3 suites are configured apart from the others (OpenSSL `-ciphersuites`).
    public var isTLS13: Bool { minVersion == .tls13 }

    /// The Windows name without a curve suffix, when Windows has the suite at all.
    public var windowsBaseName: String? {
        if windowsNames.isEmpty { return nil }
        return windowsNames.first(where: { CipherSuite.curveSuffix(of: $0) == nil })
            ?? CipherSuite.stripCurveSuffix(windowsNames[0])
    }

    /// "0xC030" for 0xC030.
    public static func codeString(_ code: UInt16) -> String {
        let hex = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static let curveSuffixes = ["_P256", "_P384", "_P521"]

    /// "_P256" for `..._SHA_P256`, nil for an unsuffixed name.
    public static func curveSuffix(of windowsName: String) -> String? {
        let upper = windowsName.uppercased()
        return curveSuffixes.first(where: { upper.hasSuffix($0) })
    }

    static func stripCurveSuffix(_ name: String) -> String {
        guard let suffix = curveSuffix(of: name) else { return name }
        return String(name.dropLast(suffix.count))
    }

    /// The Windows curve name a suffix selects: "_P256" -> "NistP256".
    public static func curveName(forSuffix suffix: String) -> String {
        "Nist" + suffix.dropFirst()
    }
}
