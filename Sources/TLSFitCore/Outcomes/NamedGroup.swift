import FoundationEssentials

/// TLS named groups (IANA "Supported Groups" registry) as tlsfit prints them.
public enum NamedGroup {
    /// IANA group id to name, for the groups people meet on Windows and OpenSSL.
    public static let names: [Int: String] = [
        21: "secp224r1", 23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 26: "brainpoolP256r1",
        27: "brainpoolP384r1", 28: "brainpoolP512r1", 29: "x25519", 30: "x448",
        256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096", 259: "ffdhe6144", 260: "ffdhe8192",
    ]

    public static func name(forID id: Int) -> String { names[id] ?? "group-0x" + id.hex(width: 4) }

    /// The group's id from any common spelling: IANA (`secp256r1`), OpenSSL (`P-256`, `prime256v1`,
    /// `X25519`) or Windows (`NistP256`, `curve25519`).
    public static func id(forName name: String) -> Int? {
        let key = name.lowercased().filter { $0 != "-" && $0 != "_" }
        switch key {
        case "secp256r1", "p256", "prime256v1", "nistp256": return 23
        case "secp384r1", "p384", "nistp384": return 24
        case "secp521r1", "p521", "nistp521": return 25
        case "secp224r1", "p224": return 21
        case "x25519", "curve25519": return 29
        case "x448", "curve448": return 30
        case "brainpoolp256r1", "brainpoolp256r1tls13": return 26
        case "brainpoolp384r1": return 27
        case "brainpoolp512r1": return 28
        case "ffdhe2048": return 256
        case "ffdhe3072": return 257
        case "ffdhe4096": return 258
        case "ffdhe6144": return 259
        case "ffdhe8192": return 260
        default: return names.first(where: { $0.value.lowercased() == key })?.key
        }
    }

    /// The name OpenSSL's groups list understands.
    public static func opensslName(forID id: Int) -> String? {
        switch id {
        case 23: "P-256"
        case 24: "P-384"
        case 25: "P-521"
        case 21: "P-224"
        case 29: "X25519"
        case 30: "X448"
        case 26: "brainpoolP256r1"
        case 27: "brainpoolP384r1"
        case 28: "brainpoolP512r1"
        case 256...260: names[id]
        default: nil
        }
    }
}
