/// JA3 (Salesforce) and JA4 (FoxIO) fingerprints of a ClientHello, computed as everyone computes them.
extension ClientHello {
    /// `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`: decimal values joined by
    /// `-`, GREASE left out, extensions in wire order (the original JA3 definition).
    public var ja3String: String {
        func list(_ values: [UInt16]) -> String {
            values.filter { !ClientHello.isGREASE($0) }.map(String.init).joined(separator: "-")
        }
        return [
            String(version), list(cipherSuites), list(extensionTypes), list(supportedGroups),
            (pointFormats ?? []).map(String.init).joined(separator: "-"),
        ].joined(separator: ",")
    }

    /// The MD5 of `ja3String`, lower-case hex.
    public var ja3: String { Digest.hex(Digest.md5(Array(ja3String.utf8))) }

    /// JA4 for TLS over TCP (`t13d1516h2_8daaf6152771_02713d6af862`): FoxIO's specification
    /// (github.com/FoxIO-LLC/ja4, technical_details/JA4.md).
    public var ja4: String {
        let parts = ja4Parts
        return "\(parts.a)_\(Self.truncatedSHA256(parts.b))_\(Self.truncatedSHA256(parts.c))"
    }

    /// JA4 before hashing (FoxIO's `ja4_r`): the sorted cipher list and the sorted extensions with the signature algorithms.
    public var ja4Raw: String {
        let parts = ja4Parts
        return "\(parts.a)_\(parts.b)_\(parts.c)"
    }

    /// `ja4` and `ja4Raw` from one pass over the hello.
    public var ja4AndRaw: (ja4: String, raw: String) {
        let parts = ja4Parts
        return (
            "\(parts.a)_\(Self.truncatedSHA256(parts.b))_\(Self.truncatedSHA256(parts.c))",
            "\(parts.a)_\(parts.b)_\(parts.c)"
        )
    }

    var ja4Parts: (a: String, b: String, c: String) {
        let versions = supportedVersions.filter { !ClientHello.isGREASE($0) }
        let highest = versions.isEmpty ? version : (versions.max() ?? version)
        let versionText: String
        switch highest {
        case 0x0304: versionText = "13"
        case 0x0303: versionText = "12"
        case 0x0302: versionText = "11"
        case 0x0301: versionText = "10"
        case 0x0300: versionText = "s3"
        case 0x0002: versionText = "s2"
        case 0xFEFF: versionText = "d1"
        case 0xFEFD: versionText = "d2"
        case 0xFEFC: versionText = "d3"
        default: versionText = "00"
        }
        let ciphers = cipherSuites.filter { !ClientHello.isGREASE($0) }
        let exts = extensionTypes.filter { !ClientHello.isGREASE($0) }
        let sni = exts.contains(0x0000) ? "d" : "i"
        func count(_ n: Int) -> String { n < 10 ? "0\(n)" : String(min(n, 99)) }
        var alpnText = "00"
        if let data = extensionData(0x0010), let first = (try? ExtensionCodec.alpnBytes(data))?.first,
            let f = first.first, let l = first.last
        {
            func alnum(_ b: UInt8) -> Bool {
                (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
            }
            if alnum(f), alnum(l) {
                alpnText = String(decoding: [f, l], as: UTF8.self)
            } else {
                let hex = Digest.hex(first)
                alpnText = String(hex.prefix(1)) + String(hex.suffix(1))
            }
        }
        let a = "t" + versionText + sni + count(ciphers.count) + count(exts.count) + alpnText
        func hex(_ v: UInt16) -> String { Digest.hex([UInt8(v >> 8), UInt8(v & 0xFF)]) }
        let b = ciphers.map(hex).sorted().joined(separator: ",")
        var c = exts.filter { $0 != 0x0000 && $0 != 0x0010 }.map(hex).sorted().joined(separator: ",")
        let sigalgs = signatureAlgorithms.filter { !ClientHello.isGREASE($0) }
        if !sigalgs.isEmpty { c += "_" + sigalgs.map(hex).joined(separator: ",") }
        return (a, b, c)
    }

    /// The first 12 hex characters of SHA-256; twelve zeros for an empty list.
    static func truncatedSHA256(_ text: String) -> String {
        guard !text.isEmpty, !text.hasPrefix("_") else { return "000000000000" }
        return String(Digest.hex(Digest.sha256(Array(text.utf8))).prefix(12))
    }
}

extension ExtensionCodec {
    static func alpnBytes(_ data: [UInt8]) throws(ClientHelloDecodingError) -> [[UInt8]] {
        var r = ByteReader(data)
        let length = Int(try r.u16("protocol list length"))
        guard length == r.remaining else { throw ClientHelloDecodingError(offset: 0, "list length mismatch") }
        var out: [[UInt8]] = []
        while r.remaining > 0 {
            let n = Int(try r.u8("protocol length"))
            out.append(try r.bytes(n, "protocol"))
        }
        return out
    }
}

/// TLS signature schemes (IANA "TLS SignatureScheme"), with OpenSSL's names for the sigalgs list.
public enum SignatureScheme {
    public static func name(_ code: UInt16) -> String {
        switch code {
        case 0x0201: "rsa_pkcs1_sha1"
        case 0x0202: "dsa_sha1"
        case 0x0203: "ecdsa_sha1"
        case 0x0301: "rsa_pkcs1_sha224"
        case 0x0303: "ecdsa_sha224"
        case 0x0401: "rsa_pkcs1_sha256"
        case 0x0402: "dsa_sha256"
        case 0x0403: "ecdsa_secp256r1_sha256"
        case 0x0501: "rsa_pkcs1_sha384"
        case 0x0503: "ecdsa_secp384r1_sha384"
        case 0x0601: "rsa_pkcs1_sha512"
        case 0x0603: "ecdsa_secp521r1_sha512"
        case 0x0804: "rsa_pss_rsae_sha256"
        case 0x0805: "rsa_pss_rsae_sha384"
        case 0x0806: "rsa_pss_rsae_sha512"
        case 0x0807: "ed25519"
        case 0x0808: "ed448"
        case 0x0809: "rsa_pss_pss_sha256"
        case 0x080A: "rsa_pss_pss_sha384"
        case 0x080B: "rsa_pss_pss_sha512"
        default: ClientHello.isGREASE(code) ? "GREASE" : "0x" + hex4(code)
        }
    }

    /// The spelling `SSL_CTX_set1_sigalgs_list` accepts; nil for schemes it does not know.
    public static func opensslName(_ code: UInt16) -> String? {
        switch code {
        case 0x0201: "RSA+SHA1"
        case 0x0202: "DSA+SHA1"
        case 0x0203: "ECDSA+SHA1"
        case 0x0401: "RSA+SHA256"
        case 0x0402: "DSA+SHA256"
        case 0x0403: "ECDSA+SHA256"
        case 0x0501: "RSA+SHA384"
        case 0x0503: "ECDSA+SHA384"
        case 0x0601: "RSA+SHA512"
        case 0x0603: "ECDSA+SHA512"
        case 0x0804: "rsa_pss_rsae_sha256"
        case 0x0805: "rsa_pss_rsae_sha384"
        case 0x0806: "rsa_pss_rsae_sha512"
        case 0x0807: "ed25519"
        case 0x0808: "ed448"
        default: nil
        }
    }
}
