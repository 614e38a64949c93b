#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutual-exclusion lock over a heap-allocated `pthread_mutex_t` (its address must not move),
/// with the `withLock` shape of Foundation's `NSLock`, which tlsfit no longer links. The classes
/// that share state across threads (`@unchecked Sendable`) guard their stored properties with one.
public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits at most `seconds` for the lock; true when it was taken.
    public func lock(waitingAtMost seconds: Double) -> Bool {
        #if canImport(Glibc)
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + Int(seconds * 1_000_000_000)
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        return pthread_mutex_timedlock(mutex, &deadline) == 0
        #else
        let end = Double(clock_gettime_nsec_np(CLOCK_MONOTONIC)) + seconds * 1e9
        while Double(clock_gettime_nsec_np(CLOCK_MONOTONIC)) < end {
            if pthread_mutex_trylock(mutex) == 0 { return true }
            usleep(1000)
        }
        return false
        #endif
    }

    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
