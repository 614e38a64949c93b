import TLSFitCore
import TLSFitHandshake

/// A `scan` job: the hosts (with `--resolve` and `--connect` applied), the scan's options, how many rounds.
public struct ScanPlan: Sendable {
    public var targets: [ScanTarget]
    public var options: ScanOptions
    /// Rounds in one process (`--repeat`, for soak tests); the last round's profiles are the result.
    public var rounds = 1

    public init(targets: [ScanTarget], options: ScanOptions) {
        self.targets = targets
        self.options = options
    }
}

/// What a scan measured: one profile per host finished, and whether it was interrupted.
public struct ScanResult: Sendable {
    public var profiles: [ServerProfile]
    public var interrupted: Bool
    /// The hosts as a server profile document (`--format json`, `--save`).
    public var document: ServerProfileDocument { ServerProfileDocument(hosts: profiles) }
    /// A host that could not be reached measured nothing: its protocols are empty.
    public var unreachable: [ServerProfile] { profiles.filter { $0.protocols.isEmpty } }
}

/// Runs a scan on the calling thread: the scanner runs its own event loop, so a scan never needs
/// Swift concurrency's thread pool.
public struct ScanEngine: Sendable {
    public var plan: ScanPlan
    public var progress: @Sendable (ScanProgress) -> Void = { _ in }
    public var isCancelled: @Sendable () -> Bool = { false }
    /// Called after each round with its number and profiles (`--repeat`).
    public var roundDone: @Sendable (Int, [ServerProfile]) -> Void = { _, _ in }

    public init(plan: ScanPlan) {
        self.plan = plan
    }

    public func run() -> ScanResult {
        var profiles: [ServerProfile] = []
        for round in 1...max(1, plan.rounds) {
            profiles = ServerScanner.scan(
                plan.targets, options: plan.options, progress: progress, isCancelled: isCancelled)
            roundDone(round, profiles)
            if isCancelled() { break }
        }
        return ScanResult(profiles: profiles, interrupted: isCancelled())
    }
}
