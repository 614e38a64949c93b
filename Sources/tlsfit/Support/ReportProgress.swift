import FoundationEssentials
import Synchronization
import TLSFitCore
import TLSFitSystem

/// "[n/N] what" on standard error, for terminals; throttled to ten updates a second.
final class ReportProgress: Sendable {
    private let enabled: Bool
    private let state = Mutex((shown: false, last: Date.distantPast))

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ done: Int, _ total: Int, _ what: String) {
        guard enabled else { return }
        state.withLock { state in
            let now = Date()
            guard done == total || now.timeIntervalSince(state.last) > 0.1 else { return }
            state.last = now
            StandardError.write("\r\u{1B}[K[\(done)/\(total)] \(what)")
            state.shown = true
        }
    }

    func finish() {
        state.withLock { state in
            if state.shown { StandardError.write("\r\u{1B}[K") }
            state.shown = false
        }
    }
}
