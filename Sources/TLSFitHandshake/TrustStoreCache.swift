internal import COpenSSL
import FoundationEssentials
import Synchronization
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#endif

/// The trust anchors, parsed once per run and shared by every verifying handshake.
///
/// Parsing the system bundle (about 220 KB of PEM) costs milliseconds of CPU; doing it for each
/// handshake made a large scan overrun its timeouts. Each `X509_STORE` is built once per source
/// (`--ca-file` path, or the system store) and up-ref'd into each `SSL_CTX`; OpenSSL locks a store
/// internally, so concurrent handshakes may share it.
public final class TrustStoreCache: Sendable {
    public static let shared = TrustStoreCache()

    private struct State {
        /// Key: the CA file path, or "" for the system store. The stores live for the whole process.
        var stores: [String: OpaquePointer] = [:]
        var loadCounts: [String: Int] = [:]
    }
    private let state = Mutex(State())

    /// How many times the store for `caFile` (nil: the system store) was parsed in this process.
    public func loads(caFile: String?) -> Int { state.withLock { $0.loadCounts[caFile ?? "", default: 0] } }

    /// A new reference to the shared store (the caller hands it to `SSL_CTX_set_cert_store`, which
    /// takes it over), or nil when the file cannot be loaded.
    func reference(caFile: String?) -> OpaquePointer? {
        let key = caFile ?? ""
        return state.withLock { state in
            if let store = state.stores[key] {
                X509_STORE_up_ref(store)
                return store
            }
            guard let store = X509_STORE_new() else { return nil }
            let ok: Bool
            if let caFile {
                ok = X509_STORE_load_file(store, caFile) == 1
            } else if let locations = Self.systemLocations() {
                // See systemLocations: the directory is read lazily, the bundle only when it holds
                // anchors the directory may not.
                // A bundle OpenSSL cannot read is skipped, as X509_STORE_set_default_paths skips it.
                ok =
                    X509_STORE_load_locations(store, locations.file, locations.directory) == 1
                    || X509_STORE_load_locations(store, nil, locations.directory) == 1
            } else {
                ok = X509_STORE_set_default_paths(store) == 1
            }
            state.loadCounts[key, default: 0] += 1
            guard ok else {
                X509_STORE_free(store)
                return nil
            }
            state.stores[key] = store
            X509_STORE_up_ref(store)
            return store
        }
    }

    /// Where the system anchors are read from: OpenSSL's certificate directory and file, each from
    /// `SSL_CERT_DIR` / `SSL_CERT_FILE` when set, else OpenSSL's defaults (as
    /// `X509_STORE_set_default_paths`).
    public struct SystemLocations: Sendable, Equatable {
        public var directory: String?
        public var file: String?

        public init(directory: String?, file: String?) {
            self.directory = directory
            self.file = file
        }
    }

    /// The system store's locations, the bundle left out when the hashed directory already holds
    /// the same anchors. nil: use OpenSSL's default paths as they are.
    ///
    /// A hashed directory (`*.0` links by subject hash, as Debian's /etc/ssl/certs) is read lazily:
    /// only the issuers a chain names. A bundle file is parsed whole (220 KB of PEM, tens of
    /// milliseconds: most of a loopback scan's CPU). `update-ca-certificates` writes the bundle and
    /// the links from the same certificates, so when the bundle holds exactly as many certificates
    /// as the directory has hashed links, the directory alone is used; any other bundle (one with a
    /// certificate added by hand, a different file) is loaded too.
    public static func systemLocations(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> SystemLocations?
    {
        guard let defaultDirectory = X509_get_default_cert_dir(), let defaultFile = X509_get_default_cert_file() else {
            return nil
        }
        let directory = environment["SSL_CERT_DIR"] ?? String(cString: defaultDirectory)
        let file = environment["SSL_CERT_FILE"] ?? String(cString: defaultFile)
        // Several directories (SSL_CERT_DIR=a:b): OpenSSL's own handling.
        guard !directory.contains(":"), let links = hashedLinks(in: directory), links > 0 else { return nil }
        guard let bundle = FileManager.default.contents(atPath: file) else {
            return SystemLocations(directory: directory, file: nil)
        }
        return SystemLocations(directory: directory, file: certificateCount(bundle) == links ? nil : file)
    }

    /// The number of subject-hash links (`1a2b3c4d.0`, `.1` ...) in a directory; nil when it cannot
    /// be read. opendir(3) follows a symbolic link to the directory (Debian's /usr/lib/ssl/certs).
    static func hashedLinks(in directory: String) -> Int? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard name.count >= 10, name[8] == UInt8(ascii: "."),
                name[..<8].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
                name[9...].allSatisfy({ (0x30...0x39).contains($0) })
            else { continue }
            count += 1
        }
        return count
    }

    /// How many PEM certificates a bundle holds.
    static func certificateCount(_ bundle: Data) -> Int {
        let marker = Array("-----BEGIN CERTIFICATE-----".utf8)
        return bundle.withUnsafeBytes { raw -> Int in
            let bytes = raw.bindMemory(to: UInt8.self)
            var count = 0
            var i = 0
            while i + marker.count <= bytes.count {
                if bytes[i] == marker[0], bytes[i..<(i + marker.count)].elementsEqual(marker) {
                    count += 1
                    i += marker.count
                } else {
                    i += 1
                }
            }
            return count
        }
    }
}
