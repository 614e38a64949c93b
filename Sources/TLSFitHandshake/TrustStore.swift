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
                    let ok = caFile.map { X509_STORE_load_locations(candidate, $0, nil) == 1 }
                        ?? (X509_STORE_set_default_paths(candidate) == 1)
                    if ok { store = candidate } else { X509_STORE_free(candidate) }
                }
                OpenSSLErrorQueue.clear()
            }
            return store
        }
    }

    deinit { if let store { X509_STORE_free(store) } }
}
