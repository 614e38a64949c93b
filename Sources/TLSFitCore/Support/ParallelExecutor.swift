/// Runs numbered pieces of work, perhaps on several threads at once: how the core spreads pure CPU
/// work (a fleet's exports) without owning threads. The system module supplies one that uses every
/// core; `SequentialExecutor` runs the pieces one after the other on the calling thread.
public protocol ParallelExecutor: Sendable {
    /// Calls `body(i)` once for every `i` in `0..<iterations`, in any order and on any threads,
    /// and returns when every call has returned.
    func perform(iterations: Int, _ body: @Sendable (Int) -> Void)
}

/// The pieces in order, on the calling thread.
public struct SequentialExecutor: ParallelExecutor {
    public init() {}

    public func perform(iterations: Int, _ body: @Sendable (Int) -> Void) {
        for index in 0..<max(0, iterations) { body(index) }
    }
}
