import Foundation

/// Runs scan jobs on a fixed set of worker threads, with at most `perHost` jobs of one host at once.
///
/// A job is one synchronous piece of work (a few handshakes); a job may add jobs while it runs.
/// `run` returns once every job, including those added later, has finished.
final class ScanScheduler: @unchecked Sendable {
    struct Job {
        var host: Int
        var work: @Sendable () -> Void
    }

    private let condition = NSCondition()
    private var pending: [Job] = []
    private var running: [Int: Int] = [:]
    /// Pending plus running.
    private var outstanding = 0
    private let perHost: Int
    private let workers: Int
    /// Checked before each job starts: once true, jobs not yet started are dropped (Ctrl-C).
    let isCancelled: @Sendable () -> Bool

    init(workers: Int, perHost: Int, isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.workers = max(1, workers)
        self.perHost = max(1, perHost)
        self.isCancelled = isCancelled
    }

    func add(host: Int, _ work: @escaping @Sendable () -> Void) {
        condition.lock()
        pending.append(Job(host: host, work: work))
        outstanding += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Starts the workers and waits for all jobs.
    func run() {
        let done = DispatchGroup()
        for index in 0..<workers {
            done.enter()
            let thread = Thread { [self] in
                while let job = take() {
                    job.work()
                    finish(job)
                }
                done.leave()
            }
            thread.name = "tlsfit-scan-\(index)"
            thread.start()
        }
        done.wait()
    }

    private func take() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if !pending.isEmpty, isCancelled() {
                outstanding -= pending.count
                pending.removeAll()
                condition.broadcast()
            }
            if let index = pending.firstIndex(where: { running[$0.host, default: 0] < perHost }) {
                let job = pending.remove(at: index)
                running[job.host, default: 0] += 1
                return job
            }
            if outstanding == 0 { return nil }
            condition.wait()
        }
    }

    private func finish(_ job: Job) {
        condition.lock()
        running[job.host, default: 0] -= 1
        outstanding -= 1
        condition.broadcast()
        condition.unlock()
    }
}
