internal import COpenSSL
internal import COpenSSLShims

/// The OpenSSL library tlsfit is linked against.
public enum OpenSSLLibrary {
    /// `OpenSSL 3.0.19 27 Jan 2026`.
    public static var versionText: String { cString(OpenSSL_version(OPENSSL_VERSION)) ?? "OpenSSL" }
    public static var versionNumber: UInt { UInt(tlsfit_openssl_version_number()) }
}
