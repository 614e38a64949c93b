import Synchronization
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress display on standard error, for terminals.
public final class ScanProgressDisplay: Sendable {
    private let enabled: Bool
    private let shown = Mutex(false)

    public init(enabled: Bool) { self.enabled = enabled }

    /// Shown when `wanted` and standard error is a terminal.
    public convenience init(whenTerminal wanted: Bool) { self.init(enabled: wanted && isatty(STDERR_FILENO) == 1) }

    public func update(_ progress: ScanProgress) {
        guard enabled else { return }
        shown.withLock { shown in
            let line =
                "\r\u{1B}[K[\(progress.hostsDone)/\(progress.hostsTotal)] \(progress.connections) connections, last: \(progress.lastHost)"
            StandardError.write(line)
            shown = true
        }
    }

    public func finish() {
        shown.withLock { shown in
            if shown { StandardError.write("\r\u{1B}[K") }
        }
    }
}
