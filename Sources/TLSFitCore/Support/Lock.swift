import Synchronization

/// A lock with the `withLock` shape of Foundation's `NSLock`, over `Synchronization.Mutex`.
///
/// Temporary: the core's own shared state lives in `Mutex` values; the classes of the other
/// modules that still guard stored properties with a `Lock` move to `Mutex<State>` one by one,
/// and this shim goes when the last one has.
public final class Lock: Sendable {
    private let mutex = Mutex<Void>(())

    public init() {}

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try mutex.withLock { _ throws(E) -> T in try body() }
    }

    /// Runs `body` when the lock is free now; nil (without running it) when another thread holds it.
    public func withLockIfAvailable<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T? {
        try mutex.withLockIfAvailable { _ throws(E) -> T in try body() }
    }
}
