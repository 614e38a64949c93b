internal import COpenSSL
internal import COpenSSLShims
import FoundationEssentials
import TLSFitCore

/// The key of a generated certificate.
public enum CertificateKeyType: String, Sendable, Hashable, Codable, CaseIterable {
    case rsa2048 = "rsa-2048"
    case rsa1024 = "rsa-1024"
    case rsa4096 = "rsa-4096"
    case ecdsaP256 = "ecdsa-p256"
    case ecdsaP384 = "ecdsa-p384"

    /// `RSA` or `ECDSA`: what a cipher suite's authentication must match.
    public var authentication: String { rawValue.hasPrefix("rsa") ? "RSA" : "ECDSA" }
}

/// A certificate and its private key, PEM encoded.
public struct PEMCredential: Sendable, Hashable {
    public var certificatePEM: String
    public var privateKeyPEM: String
}

/// Options for an issued certificate, for tests and for `tlsfit serve` / `demo`.
public struct CertificateSpec: Sendable, Hashable {
    public var commonName: String
    public var dnsNames: [String]
    public var ipAddresses: [String]
    public var keyType: CertificateKeyType
    /// Validity relative to now, in days (negative values make expired or not-yet-valid certificates).
    public var notBeforeDays: Int
    public var notAfterDays: Int
    /// `sha256`, `sha1`...
    public var digest: String
    public var isCA: Bool

    public init(
        commonName: String, dnsNames: [String] = [], ipAddresses: [String] = [], keyType: CertificateKeyType = .rsa2048,
        notBeforeDays: Int = -1, notAfterDays: Int = 365, digest: String = "sha256", isCA: Bool = false
    ) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.keyType = keyType
        self.notBeforeDays = notBeforeDays
        self.notAfterDays = notAfterDays
        self.digest = digest
        self.isCA = isCA
    }
}

public struct CertificateFactoryError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Makes keys and X.509 certificates with OpenSSL: a private CA and the certificates it issues.
public enum CertificateFactory {
    /// A self-signed CA certificate.
    public static func makeCA(commonName: String, keyType: CertificateKeyType = .rsa2048)
        throws(CertificateFactoryError) -> PEMCredential
    {
        try issue(
            CertificateSpec(commonName: commonName, keyType: keyType, notAfterDays: 3650, isCA: true), issuer: nil)
    }

    /// A certificate for `spec`, signed by `issuer` (self-signed when nil).
    public static func issue(_ spec: CertificateSpec, issuer: PEMCredential?) throws(CertificateFactoryError)
        -> PEMCredential
    {
        guard let key = generateKey(spec.keyType) else {
            throw CertificateFactoryError(description: "key generation failed")
        }
        defer { EVP_PKEY_free(key) }
        guard let cert = X509_new() else { throw CertificateFactoryError(description: "X509_new failed") }
        defer { X509_free(cert) }
        X509_set_version(cert, 2)
        var serial = [UInt8](repeating: 0, count: 16)
        _ = RAND_bytes(&serial, 16)
        serial[0] &= 0x7F
        if let bn = BN_bin2bn(serial, 16, nil) {
            BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert))
            BN_free(bn)
        }
        X509_time_adj_ex(X509_getm_notBefore(cert), Int32(spec.notBeforeDays), 0, nil)
        X509_time_adj_ex(X509_getm_notAfter(cert), Int32(spec.notAfterDays), 0, nil)
        X509_set_pubkey(cert, key)
        let name = X509_get_subject_name(cert)
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, "tlsfit test", -1, -1, 0)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, spec.commonName, -1, -1, 0)

        var signingKey = key
        var issuerCert: OpaquePointer?
        if let issuer {
            guard let ic = readCertificate(issuer.certificatePEM), let ik = readKey(issuer.privateKeyPEM) else {
                throw CertificateFactoryError(description: "cannot read the issuer credential")
            }
            issuerCert = ic
            signingKey = ik
            X509_set_issuer_name(cert, X509_get_subject_name(ic))
        } else {
            X509_set_issuer_name(cert, name)
        }
        defer {
            if let issuerCert { X509_free(issuerCert) }
            if issuer != nil { EVP_PKEY_free(signingKey) }
        }
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuerCert ?? cert, cert, nil, nil, 0)
        var extensions: [(Int32, String)] = []
        if spec.isCA {
            extensions += [
                (NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ]
        } else {
            let sans = spec.dnsNames.map { "DNS:\($0)" } + spec.ipAddresses.map { "IP:\($0)" }
            extensions += [(NID_basic_constraints, "critical,CA:FALSE"), (NID_ext_key_usage, "serverAuth")]
            if !sans.isEmpty { extensions.append((NID_subject_alt_name, sans.joined(separator: ","))) }
            if issuerCert != nil { extensions.append((NID_authority_key_identifier, "keyid")) }
        }
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw CertificateFactoryError(description: "bad extension \(value)")
            }
            X509_add_ext(cert, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard let md = EVP_get_digestbyname(spec.digest) else {
            throw CertificateFactoryError(description: "unknown digest \(spec.digest)")
        }
        guard X509_sign(cert, signingKey, md) > 0 else {
            throw CertificateFactoryError(
                description: "signing failed: \(OpenSSLErrorQueue.drain().map(\.text).joined(separator: "; "))")
        }
        return PEMCredential(
            certificatePEM: pem { PEM_write_bio_X509($0, cert) },
            privateKeyPEM: pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) })
    }

    static func generateKey(_ type: CertificateKeyType) -> OpaquePointer? {
        let ctx: OpaquePointer?
        switch type {
        case .rsa1024, .rsa2048, .rsa4096:
            ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil)
        case .ecdsaP256, .ecdsaP384:
            ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil)
        }
        guard let ctx else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { return nil }
        switch type {
        case .rsa1024: EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 1024)
        case .rsa2048: EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048)
        case .rsa4096: EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 4096)
        case .ecdsaP256: EVP_PKEY_CTX_set_group_name(ctx, "P-256")
        case .ecdsaP384: EVP_PKEY_CTX_set_group_name(ctx, "P-384")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &key) == 1 else { return nil }
        return key
    }

    static func pem(_ write: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        _ = write(bio)
        return CertificateReader.readAll(bio)
    }

    /// The SPKI SHA-256 (hex, lowercase) of a PEM certificate's public key: what a pin names. nil when it does not parse.
    public static func spkiSHA256(certificatePEM pem: String) -> String? {
        guard let cert = readCertificate(pem) else { return nil }
        defer { X509_free(cert) }
        return CertificateReader.spkiSHA256(cert)
    }

    static func readCertificate(_ pem: String) -> OpaquePointer? {
        withMemoryBIO(pem) { PEM_read_bio_X509($0, nil, nil, nil) }
    }

    static func readKey(_ pem: String) -> OpaquePointer? {
        withMemoryBIO(pem) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
    }

    static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) -> T?) -> T? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw -> T? in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}
