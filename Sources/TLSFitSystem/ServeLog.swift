import Dispatch
import FoundationEssentials
import Synchronization
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#endif

/// The serve log: one line per event on standard output, flushed at once so a supervising process
/// sees it. A closed or full output (`serve | head -1`) stops the log, never the server. Refusals
/// that repeat (the same reason within `repeatWindow` seconds) are counted, not logged one by one:
/// one summary line per reason and window. The release guess runs once per distinct hello.
public final class ServeLog: Sendable {
    private struct State {
        var broken = false
        /// Per reason: when it was last logged (monotonic seconds), and how many came since.
        var repeats: [String: (loggedAt: Double, count: Int)] = [:]
        var timer: (any DispatchSourceTimer)?
    }

    private let state = Mutex(State())
    /// Seconds during which a refusal with the same reason is counted instead of logged.
    public let repeatWindow: Double
    public let guesses = ReleaseGuessCache()
    /// A line as written: on a terminal wrapped at its width, continued lines indented; into a file
    /// or a pipe one entry per line, for grep and log collectors.
    private let format: @Sendable (String) -> String

    public init(repeatWindow: Double = 10, format: @escaping @Sendable (String) -> String = { $0 + "\n" }) {
        self.repeatWindow = repeatWindow
        self.format = format
    }

    /// Logs `line`, unless it is a refusal of a kind (`refusal`) already logged within the window:
    /// then it is only counted (and `line` never made).
    public func log(_ line: @autoclosure () -> String, refusal: String?) {
        if let reason = refusal {
            let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
            let counted = state.withLock { state -> Bool in
                if let last = state.repeats[reason], now - last.loggedAt < repeatWindow {
                    state.repeats[reason] = (last.loggedAt, last.count + 1)
                    return true
                }
                state.repeats[reason] = (now, 0)
                return false
            }
            if counted { return }
        }
        say(line())
    }

    /// Every `repeatWindow` seconds, one line per reason that repeated.
    public func startSummaries() {
        state.withLock { state in
            // Made inside the lock, so the timer belongs to the state from the start.
            let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "tlsfit.serve.log"))
            source.schedule(deadline: .now() + repeatWindow, repeating: repeatWindow)
            source.setEventHandler { [weak self] in self?.flushRepeats() }
            source.resume()
            state.timer = source
        }
    }

    /// Logs how many refusals were counted, per reason, and starts counting again.
    public func flushRepeats() {
        let counted = state.withLock { state -> [(String, Int)] in
            let list = state.repeats.filter { $0.value.count > 0 }.map { ($0.key, $0.value.count) }.sorted {
                $0.0 < $1.0
            }
            state.repeats = state.repeats.filter { $0.value.count == 0 }
            return list
        }
        let stamp = Timestamp.iso8601(Date())
        for (reason, count) in counted {
            say("\(stamp) \(count) more connection(s) like this one, counted, not logged: \(reason)")
        }
    }

    public func say(_ line: String) {
        state.withLock { state in
            guard !state.broken else { return }
            if !StandardOutput.writeNow(format(line)) {
                state.broken = true
                let reason = String(cString: strerror(StandardOutput.lastErrno))
                StandardError.write(
                    "tlsfit: warning: serve: write error on standard output (\(reason)): the log stops, the server goes on\n"
                )
            }
        }
    }
}
