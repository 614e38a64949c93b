import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `body` on a new detached POSIX thread (what Foundation's `Thread.detachNewThread` does,
/// without linking swift-corelibs-foundation). The scan engine's loop, the blocking name lookups
/// and the local test server's accept loop run this way: they block in poll, accept or
/// getaddrinfo, which must not happen on the cooperative pool of Swift concurrency.
///
/// When no thread can be made (the process is at its limit), `body` runs on the calling thread
/// if `runHereIfNoThread`, so the work is late rather than lost (its own deadline still bounds
/// it); either way the result is false.
@discardableResult
func detachThread(runHereIfNoThread: Bool = true, _ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Glibc)
        var thread = pthread_t()
    #else
        var thread: pthread_t?
    #endif
    let status = pthread_create(
        &thread, nil,
        { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
    guard status == 0 else {
        Unmanaged<Box>.fromOpaque(context).release()
        if runHereIfNoThread { body() }
        return false
    }
    #if canImport(Glibc)
        pthread_detach(thread)
    #else
        pthread_detach(thread!)
    #endif
    return true
}

/// Runs `body(0) ... body(count - 1)` on `count` threads of their own and returns when all have
/// finished: for blocking network work (handshakes) that must not wait for a core each, as
/// `DispatchQueue.concurrentPerform` would make it.
public func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let finished = DispatchSemaphore(value: 0)
    for index in 0..<count {
        detachThread {
            body(index)
            finished.signal()
        }
    }
    for _ in 0..<count { finished.wait() }
}
