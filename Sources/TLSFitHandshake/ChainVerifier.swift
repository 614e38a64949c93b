internal import COpenSSL
internal import COpenSSLShims
import FoundationEssentials
import TLSFitCore

/// Verifies a certificate chain received outside an OpenSSL handshake (the Certificate message of
/// the exact Windows ClientHello's exchange, in the clear up to TLS 1.2) with OpenSSL's X509 API,
/// against the same trust store and at the same level as the handshakes (`TrustStoreCache`, level 2).
public enum ChainVerifier {
    /// The report for `der` (leaf first, as sent), verified for `host`; nil when no certificate
    /// parses. A certificate that does not parse makes the report unverified.
    public static func verify(der: [[UInt8]], host: String, caFile: String?) -> CertificateReport? {
        var certificates: [OpaquePointer] = []
        defer { certificates.forEach { X509_free($0) } }
        for bytes in der {
            let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
                var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_X509(nil, &pointer, buffer.count)
            }
            guard let parsed else {
                OpenSSLErrorQueue.clear()
                let infos = certificates.map(CertificateReader.info)
                guard !infos.isEmpty else { return nil }
                return CertificateReport(
                    chain: infos, verified: false,
                    verifyError: "certificate \(certificates.count + 1) of the Certificate message does not parse",
                    verifyCode: -1, verifiedName: host)
            }
            certificates.append(parsed)
        }
        guard let leaf = certificates.first else { return nil }
        let infos = certificates.map(CertificateReader.info)
        func unverified(_ why: String, code: Int = -1) -> CertificateReport {
            CertificateReport(chain: infos, verified: false, verifyError: why, verifyCode: code, verifiedName: host)
        }
        guard let store = TrustStoreCache.shared.reference(caFile: caFile) else {
            return unverified("the trust store could not be loaded")
        }
        defer { X509_STORE_free(store) }
        guard let untrusted = OPENSSL_sk_new_null(), let context = X509_STORE_CTX_new() else {
            return unverified("out of memory")
        }
        defer {
            X509_STORE_CTX_free(context)
            OPENSSL_sk_free(untrusted)
        }
        for certificate in certificates.dropFirst() { OPENSSL_sk_push(untrusted, UnsafeRawPointer(certificate)) }
        guard X509_STORE_CTX_init(context, store, leaf, untrusted) == 1 else {
            OpenSSLErrorQueue.clear()
            return unverified("the verification could not be set up")
        }
        // As libssl verifies a server: the ssl_server purpose, the host name, level 2 (as Windows).
        _ = X509_STORE_CTX_set_default(context, "ssl_server")
        let parameters = X509_STORE_CTX_get0_param(context)
        if TCPConnector.isNumericAddress(host) {
            X509_VERIFY_PARAM_set1_ip_asc(parameters, host)
        } else {
            X509_VERIFY_PARAM_set1_host(parameters, host, 0)
        }
        X509_VERIFY_PARAM_set_auth_level(parameters, 2)
        let ok = X509_verify_cert(context) == 1
        let code = Int(X509_STORE_CTX_get_error(context))
        OpenSSLErrorQueue.clear()
        guard ok, code == Int(X509_V_OK) else {
            return unverified(cString(X509_verify_cert_error_string(code)) ?? "verification failed", code: code)
        }
        return CertificateReport(
            chain: infos, verified: true, verifyError: nil, verifyCode: 0, verifiedName: host,
            verifiedPath: path(X509_STORE_CTX_get0_chain(context)))
    }

    /// The links of a verified chain (a `STACK_OF(X509)`), leaf first.
    static func path(_ stack: OpaquePointer?) -> [VerifiedLink]? {
        guard let stack, OPENSSL_sk_num(stack) > 0 else { return nil }
        var links: [VerifiedLink] = []
        for i in 0..<OPENSSL_sk_num(stack) {
            guard let raw = OPENSSL_sk_value(stack, i) else { continue }
            let certificate = OpaquePointer(raw)
            links.append(
                VerifiedLink(
                    subject: CertificateReader.name(X509_get_subject_name(certificate)),
                    spkiSHA256: CertificateReader.spkiSHA256(certificate)))
        }
        return links
    }
}
