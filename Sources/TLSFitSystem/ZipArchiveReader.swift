internal import CArchive
import TLSFitCore

/// The files of a zip (a `tlsfit collect` bundle), read into memory with libarchive, loaded on first
/// use. Hostile zips are refused with an error naming the entry: a damaged entry, a name that climbs
/// out of the folder (`../`, an absolute path, a drive letter), more entries, or more uncompressed
/// bytes in one entry or in all of them, than a collected bundle ever holds (zip bombs).
public enum ZipArchiveReader {
    public struct Entry: Sendable, Hashable {
        /// The entry's path in the zip, `/`-separated (backslashes, as Compress-Archive of Windows
        /// PowerShell 5.1 writes them, are read as `/`).
        public var path: String
        public var bytes: [UInt8]
    }

    public struct Limits: Sendable {
        /// Uncompressed bytes per entry (a WindowsUpdate.log or a capture can be large).
        public var entryBytes: Int
        /// Uncompressed bytes of all entries together.
        public var totalBytes: Int
        /// Entries (files and folders).
        public var entries: Int

        public init(entryBytes: Int, totalBytes: Int, entries: Int) {
            self.entryBytes = entryBytes
            self.totalBytes = totalBytes
            self.entries = entries
        }

        /// A bundle holds about twenty files; the per-entry cap is the input cap of every file.
        public static let bundle = Limits(
            entryBytes: WindowsConfigReader.maximumFileSize, totalBytes: 256 << 20, entries: 1_000)
    }

    /// True when `bytes` start like a zip (a local file header, or the end record of an empty zip).
    public static func looksLikeZip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && (bytes[2], bytes[3]) == (0x03, 0x04)
            || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06])
    }

    /// Every regular file of the zip at `source` (for messages) held in `bytes`, in the zip's order.
    public static func read(_ bytes: [UInt8], source: String, limits: Limits = .bundle) throws(InputError) -> [Entry] {
        if let why = carchive_load() {
            throw InputError(source: source, message: "cannot read zip files: \(String(cString: why))")
        }
        guard let archive = carchive_read_new() else { throw InputError(source: source, message: "out of memory") }
        defer { _ = carchive_read_free(archive) }
        _ = carchive_read_support_format_zip(archive)
        func why() -> String { carchive_error_string(archive).map { String(cString: $0) } ?? "unknown error" }
        let opened = bytes.withUnsafeBytes { carchive_read_open_memory(archive, $0.baseAddress, $0.count) }
        guard opened == ARCHIVE_OK else { throw InputError(source: source, message: "not a readable zip: \(why())") }
        var entries: [Entry] = []
        var total = 0
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            var header: OpaquePointer?
            let status = carchive_read_next_header(archive, &header)
            if status == ARCHIVE_EOF { break }
            let name = header.flatMap { carchive_entry_pathname($0) }.map { String(cString: $0) }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let header else {
                let after = entries.last.map { " (after the entry \($0.path))" } ?? ""
                throw InputError(
                    source: source,
                    message: "damaged zip at entry \(name.map { "'\($0)'" } ?? "#\(count + 1)")\(after): \(why())")
            }
            count += 1
            guard count <= limits.entries else {
                throw InputError(source: source, message: "more than \(limits.entries) entries: not a collected bundle")
            }
            guard let path = name, !path.isEmpty else {
                throw InputError(source: source, message: "entry #\(count) has no name")
            }
            try checkName(path, source: source)
            let type = UInt32(carchive_entry_filetype(header))
            guard type == UInt32(CARCHIVE_IFREG) else {
                if type != UInt32(CARCHIVE_IFDIR) {
                    throw InputError(
                        source: source, message: "entry '\(path)' is not a file or a folder (a link?); refused")
                }
                continue
            }
            if carchive_entry_size_is_set(header) != 0, carchive_entry_size(header) > Int64(limits.entryBytes) {
                throw tooBig(path, source: source, limits: limits)
            }
            var data: [UInt8] = []
            while true {
                let n = buffer.withUnsafeMutableBytes { carchive_read_data(archive, $0.baseAddress, $0.count) }
                if n == 0 { break }
                guard n > 0 else { throw InputError(source: source, message: "damaged zip entry '\(path)': \(why())") }
                data.append(contentsOf: buffer[..<Int(n)])
                total += Int(n)
                // Counted as it inflates: a size field can lie.
                guard data.count <= limits.entryBytes else { throw tooBig(path, source: source, limits: limits) }
                guard total <= limits.totalBytes else {
                    throw InputError(
                        source: source,
                        message:
                            "the zip inflates to more than \(limits.totalBytes >> 20) MiB (at entry '\(path)'): refused as a zip bomb"
                    )
                }
            }
            // Windows PowerShell 5.1's Compress-Archive writes `folder\file`: read it as `folder/file`.
            entries.append(Entry(path: path.replacingBackslashes(), bytes: data))
        }
        return entries
    }

    static func tooBig(_ path: String, source: String, limits: Limits) -> InputError {
        InputError(
            source: source,
            message:
                "entry '\(path)' inflates to more than \(limits.entryBytes >> 20) MiB: refused (tlsfit reads input files up to \(limits.entryBytes >> 20) MiB)"
        )
    }

    /// A name must stay inside the folder the zip stands for.
    static func checkName(_ path: String, source: String) throws(InputError) {
        let normalized = path.replacingBackslashes()
        let parts = normalized.split(separator: "/", omittingEmptySubsequences: false)
        let absolute = normalized.hasPrefix("/") || (parts.first.map { $0.count == 2 && $0.hasSuffix(":") } ?? false)
        guard !absolute, !parts.contains("..") else {
            throw InputError(
                source: source, message: "entry '\(path)' points outside the bundle (absolute path or ..): refused")
        }
        guard !path.utf8.contains(0) else {
            throw InputError(source: source, message: "entry '\(path)' has a NUL in its name")
        }
    }
}
