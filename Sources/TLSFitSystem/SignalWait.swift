import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Waiting for Ctrl-C (or a kill) in a server that runs until stopped.
public enum SignalWait {
    /// Suspends until SIGINT or SIGTERM.
    public static func waitForSignal() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "tlsfit.serve.signals")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            ResumeOnce(continuation).listen(to: [SIGINT, SIGTERM], on: queue)
        }
    }

    /// Resumes a continuation once, and keeps the signal sources alive until then.
    public final class ResumeOnce: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Void, Never>?
            var sources: [any DispatchSourceSignal] = []
        }
        private let state: Mutex<State>
        public init(_ c: CheckedContinuation<Void, Never>) { state = Mutex(State(continuation: c)) }
        /// Resumes on the first of `signals`; the sources live in the state until then.
        public func listen(to signals: [Int32], on queue: DispatchQueue) {
            state.withLock { state in
                for sig in signals {
                    let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                    source.setEventHandler { [self] in resume() }
                    source.resume()
                    state.sources.append(source)
                }
            }
        }
        public func resume() {
            let c = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer {
                    state.continuation = nil
                    state.sources.forEach { $0.cancel() }
                }
                return state.continuation
            }
            c?.resume()
        }
    }
}
