import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output that can fail (`> /dev/full`, a closed pipe): every command ends with a clear
/// `write error` and exit code 2 instead of a crash or a silent success.
///
/// `print` goes through C stdio, whose errors stay in the stream's error flag; `finish()` flushes
/// and checks it once the command is done. SIGPIPE is ignored for the whole process, so a closed
/// pipe is an EPIPE error here, not a silent death.
public enum StandardOutput {
    /// C's `stdout` stream. Swift 6 refuses to read the mutable C global directly; its address is
    /// fixed for the life of the process.
    static var stream: UnsafeMutablePointer<FILE> {
        dlsym(nil, "stdout")!.assumingMemoryBound(to: UnsafeMutablePointer<FILE>.self).pointee
    }

    private static let lastError = Mutex<Int32>(0)
    /// The errno of the last failed write.
    public static var lastErrno: Int32 { lastError.withLock { $0 } }

    public static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }

    /// Writes through stdio (after whatever `print` buffered) and flushes; false when it failed.
    @discardableResult
    public static func writeNow(_ text: String) -> Bool {
        let out = stream
        errno = 0
        let ok = fputs(text, out) >= 0 && fflush(out) == 0 && ferror(out) == 0
        if !ok {
            let saved = errno
            lastError.withLock { $0 = saved }
        }
        return ok
    }

    /// Writes through stdio; a failure shows at `finish()`.
    public static func write(_ text: String) { fputs(text, stream) }

    /// Flushes standard output; on a write error says so on standard error and exits with 2.
    public static func finish() {
        let out = stream
        errno = 0
        let flushed = fflush(out) == 0
        let saved = errno
        guard !flushed || ferror(out) != 0 else { return }
        let reason =
            saved != 0
            ? String(cString: strerror(saved))
            : (lastErrno != 0 ? String(cString: strerror(lastErrno)) : "output failed")
        StandardError.write("tlsfit: write error: standard output: \(reason)\n")
        _exit(2)
    }
}
