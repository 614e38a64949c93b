import Foundation
internal import COpenSSL

/// The trust anchors, parsed once per run and shared by every verifying handshake.
///
/// Parsing the system bundle (about 220 KB of PEM) costs milliseconds of CPU; doing it for each
/// handshake made a large scan overrun its timeouts. Each `X509_STORE` is built once per source
/// (`--ca-file` path, or the system store) and up-ref'd into each `SSL_CTX`; OpenSSL locks a store
/// internally, so concurrent handshakes may share it.
public final class TrustStoreCache: @unchecked Sendable {
    public static let shared = TrustStoreCache()

    private let lock = NSLock()
    /// Key: the CA file path, or "" for the system store. The stores live for the whole process.
    private var stores: [String: OpaquePointer] = [:]
    private var loadCounts: [String: Int] = [:]

    /// How many times the store for `caFile` (nil: the system store) was parsed in this process.
    public func loads(caFile: String?) -> Int { lock.withLock { loadCounts[caFile ?? "", default: 0] } }

    /// A new reference to the shared store (the caller hands it to `SSL_CTX_set_cert_store`, which
    /// takes it over), or nil when the file cannot be loaded.
    func reference(caFile: String?) -> OpaquePointer? {
        let key = caFile ?? ""
        return lock.withLock {
            if let store = stores[key] {
                X509_STORE_up_ref(store)
                return store
            }
            guard let store = X509_STORE_new() else { return nil }
            let ok: Bool
            if let caFile {
                ok = X509_STORE_load_file(store, caFile) == 1
            } else if let directory = Self.hashedSystemDirectory() {
                // The system anchors by subject hash: only the issuers a chain names are read,
                // not the whole bundle (a scan's first verified handshake starts sooner).
                ok = X509_STORE_load_locations(store, nil, directory) == 1
            } else {
                ok = X509_STORE_set_default_paths(store) == 1
            }
            loadCounts[key, default: 0] += 1
            guard ok else {
                X509_STORE_free(store)
                return nil
            }
            stores[key] = store
            X509_STORE_up_ref(store)
            return store
        }
    }

    /// OpenSSL's default certificate directory when it holds hashed anchors (`*.0`, as Debian's
    /// /etc/ssl/certs) and neither SSL_CERT_FILE nor SSL_CERT_DIR says otherwise; nil to use the
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
}
