import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// "[n/N] what" on standard error, for terminals; throttled to ten updates a second.
public final class ReportProgress: Sendable {
    private struct State {
        var shown = false
        var last = Date.distantPast
    }

    private let enabled: Bool
    private let state = Mutex(State())

    public init(enabled: Bool) { self.enabled = enabled }

    /// Shown when `wanted` and standard error is a terminal.
    public convenience init(whenTerminal wanted: Bool) { self.init(enabled: wanted && isatty(STDERR_FILENO) == 1) }

    public func update(_ done: Int, _ total: Int, _ what: String) {
        guard enabled else { return }
        state.withLock { state in
            let now = Date()
            guard done == total || now.timeIntervalSince(state.last) > 0.1 else { return }
            state.last = now
            StandardError.write("\r\u{1B}[K[\(done)/\(total)] \(what)")
            state.shown = true
        }
    }

    public func finish() {
        state.withLock { state in
            if state.shown { StandardError.write("\r\u{1B}[K") }
            state.shown = false
        }
    }
}
