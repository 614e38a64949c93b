import Dispatch
import TLSFitCore

/// Every core: the pieces through `DispatchQueue.concurrentPerform`, which sizes its threads to the
/// machine and runs on the calling thread too.
public struct ConcurrentExecutor: ParallelExecutor {
    public init() {}

    public func perform(iterations: Int, _ body: @Sendable (Int) -> Void) {
        guard iterations > 0 else { return }
        DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
    }
}
