internal import COpenSSL
internal import COpenSSLShims
import FoundationEssentials
import TLSFitCore

/// Turns OpenSSL certificates into `CertificateInfo` values.
enum CertificateReader {
    static func info(_ cert: OpaquePointer) -> CertificateInfo {
        let subject = name(X509_get_subject_name(cert))
        let issuer = name(X509_get_issuer_name(cert))
        var keyType = "unknown"
        var bits = 0
        var curve: String?
        if let key = X509_get0_pubkey(cert) {
            bits = Int(EVP_PKEY_get_bits(key))
            switch EVP_PKEY_get_base_id(key) {
            case EVP_PKEY_RSA, EVP_PKEY_RSA_PSS: keyType = "RSA"
            case EVP_PKEY_EC: keyType = "EC"
            case EVP_PKEY_DSA: keyType = "DSA"
            case EVP_PKEY_ED25519: keyType = "Ed25519"
            case EVP_PKEY_ED448: keyType = "Ed448"
            default: keyType = cString(EVP_PKEY_get0_type_name(key)) ?? "unknown"
            }
            if keyType == "EC" {
                var buffer = [CChar](repeating: 0, count: 80)
                var length = 0
                if EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 { curve = cString(buffer) }
            }
        }
        let signature = cString(OBJ_nid2ln(X509_get_signature_nid(cert))) ?? "unknown"
        return CertificateInfo(
            subject: subject, issuer: issuer, subjectAlternativeNames: alternativeNames(cert), keyType: keyType,
            keyBits: bits, keyCurve: curve, signatureAlgorithm: signature, notBefore: date(X509_get0_notBefore(cert)),
            notAfter: date(X509_get0_notAfter(cert)), serialNumber: serial(cert), sha256Fingerprint: fingerprint(cert),
            isSelfSigned: X509_self_signed(cert, 0) == 1)
    }

    /// RFC 2253 form, most specific first (`CN=fe2.update.microsoft.com,O=...`).
    static func name(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        let flags = tlsfit_xn_flags_rfc2253_utf8()
        guard X509_NAME_print_ex(bio, name, 0, flags) >= 0 else { return "" }
        return readAll(bio)
    }

    static func readAll(_ bio: OpaquePointer) -> String {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = BIO_read(bio, &chunk, Int32(chunk.count))
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func alternativeNames(_ cert: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var out: [String] = []
        for i in 0..<OPENSSL_sk_num(names) {
            guard let entry = OPENSSL_sk_value(names, i)?.assumingMemoryBound(to: GENERAL_NAME.self) else { continue }
            switch entry.pointee.type {
            case GEN_DNS:
                if let s = entry.pointee.d.dNSName { out.append("DNS:" + asn1String(s)) }
            case GEN_IPADD:
                if let s = entry.pointee.d.iPAddress { out.append("IP:" + ipString(s)) }
            case GEN_URI:
                if let s = entry.pointee.d.uniformResourceIdentifier { out.append("URI:" + asn1String(s)) }
            case GEN_EMAIL:
                if let s = entry.pointee.d.rfc822Name { out.append("email:" + asn1String(s)) }
            default:
                continue
            }
        }
        return out
    }

    static func asn1String(_ s: UnsafeMutablePointer<ASN1_STRING>) -> String {
        let length = Int(ASN1_STRING_length(s))
        guard length > 0, let data = ASN1_STRING_get0_data(s) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: length), as: UTF8.self)
    }

    static func ipString(_ s: UnsafeMutablePointer<ASN1_STRING>) -> String {
        let length = Int(ASN1_STRING_length(s))
        guard let data = ASN1_STRING_get0_data(s) else { return "" }
        let bytes = Array(UnsafeBufferPointer(start: data, count: length))
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        if bytes.count == 16 {
            return stride(from: 0, to: 16, by: 2).map {
                (Int(bytes[$0]) << 8 | Int(bytes[$0 + 1])).hex(uppercase: false)
            }
            .joined(separator: ":")
        }
        return bytes.map { $0.hex(width: 2, uppercase: false) }.joined()
    }

    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }

    static func serial(_ cert: OpaquePointer) -> String {
        guard let integer = X509_get_serialNumber(cert), let bn = ASN1_INTEGER_to_BN(integer, nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { CRYPTO_free(hex, nil, 0) }
        return String(cString: hex)
    }

    static func fingerprint(_ cert: OpaquePointer) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(cert, EVP_sha256(), &digest, &length) == 1 else { return "" }
        return digest.prefix(Int(length)).map { $0.hex(width: 2) }.joined(separator: ":")
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo (hex, lowercase): the key a pin names.
    static func spkiSHA256(_ cert: OpaquePointer) -> String {
        guard let key = X509_get_X509_PUBKEY(cert) else { return "" }
        let length = i2d_X509_PUBKEY(key, nil)
        guard length > 0 else { return "" }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_X509_PUBKEY(key, &pointer)
        }
        guard written == length else { return "" }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var digestLength: UInt32 = 0
        guard EVP_Digest(der, der.count, &digest, &digestLength, EVP_sha256(), nil) == 1 else { return "" }
        return digest.prefix(Int(digestLength)).map { $0.hex(width: 2, uppercase: false) }.joined()
    }

    /// The verification failure kind for an `X509_V_ERR_*` code.
    static func failureKind(verifyCode: Int) -> FailureKind {
        switch Int32(verifyCode) {
        case X509_V_ERR_CERT_HAS_EXPIRED: .expired
        case X509_V_ERR_CERT_NOT_YET_VALID: .notYetValid
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH: .hostnameMismatch
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED:
            .untrusted
        case X509_V_ERR_EE_KEY_TOO_SMALL, X509_V_ERR_CA_KEY_TOO_SMALL: .weakKey
        case X509_V_ERR_CA_MD_TOO_WEAK: .weakSignature
        default: .certificateInvalid
        }
    }
}
