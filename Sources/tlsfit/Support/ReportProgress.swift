import FoundationEssentials
import TLSFitCore
import TLSFitSystem

/// "[n/N] what" on standard error, for terminals; throttled to ten updates a second.
final class ReportProgress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = Lock()
    private var shown = false
    private var last = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ done: Int, _ total: Int, _ what: String) {
        guard enabled else { return }
        lock.withLock {
            let now = Date()
            guard done == total || now.timeIntervalSince(last) > 0.1 else { return }
            last = now
            StandardError.write("\r\u{1B}[K[\(done)/\(total)] \(what)")
            shown = true
        }
    }

    func finish() {
        lock.withLock {
            if shown { StandardError.write("\r\u{1B}[K") }
            shown = false
        }
    }
}
