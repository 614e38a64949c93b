import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Writes output files the safe way: a temporary file beside the target, then rename(2), so an
/// interrupted run never leaves half a report. Ctrl-C while writing removes the temporary file.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws {
        // Atomic replacement is for regular files: a FIFO, a device or /dev/stdout is written
        // through (never replaced by a regular file, which as root replaced /dev/full).
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFIFO, S_IFCHR, S_IFSOCK: return try writeThrough(data, to: path)
            case S_IFDIR: throw WriteError(description: "\(path): a folder, not a file")
            default: throw WriteError(description: "\(path): not a regular file, a FIFO or a character device; refused")
            }
        }
        let existingMode: mode_t? = stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent()
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory else {
            throw WriteError(description: "\(path): the folder \(directory.path) does not exist")
        }
        let temporary = directory.appendingPathComponent(
            ".\(target.lastPathComponent).tlsfit-\(getpid())-\(UUID().uuidString.prefix(8)).tmp")
        Interruption.shared.registerTemporaryFile(temporary.path)
        defer { Interruption.shared.unregisterTemporaryFile(temporary.path) }
        do {
            // Written and renamed inside the interruption lock: Ctrl-C either removes the
            // temporary file before it exists or finds the report complete under its name.
            let renameError: String? = try Interruption.shared.creatingTemporaryFiles {
                try createExclusively(data, at: temporary.path)
                // The replacement keeps the permissions of the file it replaces.
                if let existingMode { chmod(temporary.path, existingMode) }
                return rename(temporary.path, target.path) == 0 ? nil : String(cString: strerror(errno))
            }
            if let reason = renameError {
                try? FileManager.default.removeItem(at: temporary)
                throw WriteError(description: "\(path): \(reason)")
            }
        } catch let error as WriteError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw WriteError(description: "\(path): \(SystemErrorText.describe(error))")
        }
    }

    /// Creates the temporary file with O_EXCL (and O_NOFOLLOW): a file or link planted under its
    /// name makes the write fail instead of being written through.
    static func createExclusively(_ data: Data, at path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try writeAll(fd, [UInt8](data), path: path)
    }

    /// Writes into an existing FIFO or device as it is: no temporary file, no rename. A FIFO that no
    /// process reads is refused at once (O_NONBLOCK makes open fail with ENXIO instead of waiting).
    static func writeThrough(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENXIO {
                throw WriteError(description: "\(path): a FIFO that no process reads; start the reader first")
            }
            throw WriteError(description: "\(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // A reader is there: from now on writes wait for it as usual.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        try writeAll(fd, [UInt8](data), path: path)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw WriteError(description: "\(path): write error: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
