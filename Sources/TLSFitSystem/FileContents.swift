import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads input files with one open, one fstat and reads up to a limit: the exports, policies and
/// lists tlsfit is given, which may be large, hostile, or a folder by mistake.
public enum FileContents {
    /// The bytes of the file at `path`. A file larger than `limit` bytes (by its size, or by what
    /// could be read, for a file that grows or has no size) throws `tooBig(size)`; every other
    /// problem is an `InputError` naming `path` in words: "no such file", "is a folder", or the
    /// system's reason.
    public static func read(_ path: String, limit: Int, tooBig: (Int) -> InputError) throws(InputError) -> [UInt8] {
        let (fd, info) = try openFile(path)
        defer { close(fd) }
        if let info, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > limit { throw tooBig(Int(info.st_size)) }
        var bytes: [UInt8] = []
        // The size known: one allocation, not a doubling array (twice the file at its peak).
        if let info, (info.st_mode & S_IFMT) == S_IFREG { bytes.reserveCapacity(Int(info.st_size) + 1) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        // One byte past the limit, so a file that grew after fstat is still refused.
        while bytes.count <= limit {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, wanted) }
            if count > 0 {
                bytes.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw InputError(source: path, message: "cannot read the file: \(reason(errno))")
            }
        }
        guard bytes.count <= limit else { throw tooBig(bytes.count) }
        return bytes
    }

    /// Opens `path` for reading; a missing file and a folder are named as such. The caller closes
    /// the descriptor. The `stat` is nil when fstat failed.
    static func openFile(_ path: String) throws(InputError) -> (Int32, stat?) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw InputError(source: path, message: "no such file") }
            throw InputError(source: path, message: "cannot open the file: \(reason(code))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return (fd, nil) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(source: path, message: "is a folder, not a file")
        }
        return (fd, info)
    }

    /// Reads the file at `path` in chunks of `chunkSize` bytes, handing each to `body`: memory holds
    /// one chunk, whatever the file's size. Errors as `read`.
    public static func stream(
        _ path: String, chunkSize: Int = 1 << 20,
        _ body: (UnsafeBufferPointer<UInt8>) throws(InputError) -> Void
    ) throws(InputError) {
        let (fd, _) = try openFile(path)
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: max(1, chunkSize))
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                try chunk.withUnsafeBufferPointer { (all) throws(InputError) in
                    try body(UnsafeBufferPointer(rebasing: all[..<count]))
                }
            } else if count == 0 {
                return
            } else if errno != EINTR {
                throw InputError(source: path, message: "cannot read the file: \(reason(errno))")
            }
        }
    }

    static func reason(_ code: Int32) -> String {
        code == EACCES ? "permission denied" : String(cString: strerror(code))
    }
}

#if canImport(Glibc)
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    private let systemRead = Darwin.read
#endif
