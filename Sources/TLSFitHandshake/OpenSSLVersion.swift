internal import COpenSSL
internal import COpenSSLShims

/// The OpenSSL library tlsfit is linked against.
public enum OpenSSLLibrary {
    /// `OpenSSL 3.0.19 27 Jan 2026`.
    public static var versionText: String { cString(OpenSSL_version(OPENSSL_VERSION)) ?? "OpenSSL" }
}

extension OpenSSLLibrary {
    /// Whether the linked OpenSSL can send an SSLv3 ClientHello (Debian builds it without SSLv3).
    ///
    /// Checked offline: a client writes its first flight into a memory buffer or fails at once.
    public static let canOfferSSLv3: Bool = {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { return false }
        defer { SSL_CTX_free(ctx) }
        SSL_CTX_set_security_level(ctx, 0)
        _ = SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        guard tlsfit_ssl_ctx_set_min_proto_version(ctx, Int32(SSL3_VERSION)) == 1,
            tlsfit_ssl_ctx_set_max_proto_version(ctx, Int32(SSL3_VERSION)) == 1,
            let ssl = SSL_new(ctx)
        else {
            ERR_clear_error()
            return false
        }
        defer { SSL_free(ssl) }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else { return false }
        SSL_set_bio(ssl, readBIO, writeBIO)
        let rc = SSL_connect(ssl)
        let wroteHello = SSL_get_error(ssl, rc) == SSL_ERROR_WANT_READ && BIO_ctrl_pending(writeBIO) > 0
        ERR_clear_error()
        return wroteHello
    }()
}
