internal import COpenSSL
internal import COpenSSLShims

/// One cipher suite as the linked OpenSSL library names it.
public struct OpenSSLCipherEntry: Sendable, Hashable {
    public var code: UInt16
    /// OpenSSL's own name (`ECDHE-RSA-AES256-GCM-SHA384`).
    public var openssl: String
    /// The RFC/IANA name OpenSSL reports (`SSL_CIPHER_standard_name`); nil when it has none.
    public var iana: String?

    public init(code: UInt16, openssl: String, iana: String?) {
        self.code = code
        self.openssl = openssl
        self.iana = iana
    }
}

/// Reads the cipher table of the OpenSSL library tlsfit is linked against.
public enum OpenSSLCipherTable {
    /// Every suite the linked OpenSSL knows at security level 0 (`ALL:COMPLEMENTOFALL:@SECLEVEL=0`,
    /// plus the default TLS 1.3 suites), in OpenSSL's order. Empty if OpenSSL cannot make a context.
    public static func all() -> [OpenSSLCipherEntry] {
        guard let ctx = SSL_CTX_new(TLS_method()) else {
            ERR_clear_error()
            return []
        }
        defer { SSL_CTX_free(ctx) }
        SSL_CTX_set_security_level(ctx, 0)
        guard SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") == 1,
            let stack = SSL_CTX_get_ciphers(ctx)
        else {
            ERR_clear_error()
            return []
        }
        var entries: [OpenSSLCipherEntry] = []
        let count = OPENSSL_sk_num(stack)
        for index in 0..<max(0, count) {
            guard let raw = OPENSSL_sk_value(stack, index) else { continue }
            let cipher = OpaquePointer(raw)
            guard let name = SSL_CIPHER_get_name(cipher) else { continue }
            let standard = SSL_CIPHER_standard_name(cipher).map { String(cString: $0) }
            let code = UInt16(truncatingIfNeeded: SSL_CIPHER_get_protocol_id(cipher))
            entries.append(
                OpenSSLCipherEntry(
                    code: code, openssl: String(cString: name), iana: standard == "(NONE)" ? nil : standard))
        }
        return entries
    }
}

extension OpenSSLCipherTable {
    /// Expands an OpenSSL cipher expression (`HIGH:!aNULL:@SECLEVEL=0`) the way the linked library does,
    /// TLS 1.3 suites included as OpenSSL offers them. Nil when OpenSSL rejects the expression.
    public static func expand(_ expression: String) -> [OpenSSLCipherEntry]? {
        guard let ctx = SSL_CTX_new(TLS_method()) else {
            ERR_clear_error()
            return nil
        }
        defer { SSL_CTX_free(ctx) }
        guard SSL_CTX_set_cipher_list(ctx, expression) == 1, let stack = SSL_CTX_get_ciphers(ctx) else {
            ERR_clear_error()
            return nil
        }
        var entries: [OpenSSLCipherEntry] = []
        for index in 0..<max(0, OPENSSL_sk_num(stack)) {
            guard let raw = OPENSSL_sk_value(stack, index), let name = SSL_CIPHER_get_name(OpaquePointer(raw)) else {
                continue
            }
            let cipher = OpaquePointer(raw)
            let standard = SSL_CIPHER_standard_name(cipher).map { String(cString: $0) }
            entries.append(
                OpenSSLCipherEntry(
                    code: UInt16(truncatingIfNeeded: SSL_CIPHER_get_protocol_id(cipher)),
                    openssl: String(cString: name),
                    iana: standard == "(NONE)" ? nil : standard))
        }
        return entries
    }
}
