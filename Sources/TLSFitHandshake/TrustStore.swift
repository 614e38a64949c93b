import Foundation
internal import COpenSSL

/// The trust anchors of one run, loaded once and shared by every verifying handshake of the run
/// (parsing the system CA bundle costs tens of milliseconds; a scan of many hosts verified each
/// host's certificate with its own copy).
///
/// Loaded on first use, from `caFile` or OpenSSL's default paths. If loading fails, handshakes
/// fall back to loading their own (and report the error as before).
final class TrustStore: @unchecked Sendable {
    private let caFile: String?
    private let lock = NSLock()
    private var loaded = false
    private var store: OpaquePointer?

    init(caFile: String?) { self.caFile = caFile }

    /// The `X509_STORE*`, or nil when it could not be loaded.
    var pointer: OpaquePointer? {
        lock.withLock {
            if !loaded {
                loaded = true
                if let candidate = X509_STORE_new() {
                    let ok: Bool
                    if let caFile {
                        ok = X509_STORE_load_locations(candidate, caFile, nil) == 1
                    } else if let directory = Self.hashedSystemDirectory() {
                        // The system anchors by subject hash: only the issuers a chain names are
                        // read, not the whole bundle.
                        ok = X509_STORE_load_locations(candidate, nil, directory) == 1
                    } else {
                        ok = X509_STORE_set_default_paths(candidate) == 1
                    }
                    if ok { store = candidate } else { X509_STORE_free(candidate) }
                }
                OpenSSLErrorQueue.clear()
            }
            return store
        }
    }

    /// OpenSSL's default certificate directory when it holds hashed anchors (`*.0`, as Debian's
    /// /etc/ssl/certs) and no SSL_CERT_FILE or SSL_CERT_DIR says otherwise; nil to use the
    /// default paths as they are.
    static func hashedSystemDirectory() -> String? {
        let environment = ProcessInfo.processInfo.environment
        guard environment["SSL_CERT_FILE"] == nil, environment["SSL_CERT_DIR"] == nil,
            let pointer = X509_get_default_cert_dir()
        else { return nil }
        let directory = String(cString: pointer)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory),
            names.contains(where: { $0.hasSuffix(".0") })
        else { return nil }
        return directory
    }

    deinit { if let store { X509_STORE_free(store) } }
}
