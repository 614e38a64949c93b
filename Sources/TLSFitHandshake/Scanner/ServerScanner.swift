import Foundation
import TLSFitCore

/// Measures what servers accept: protocols, suites in preference order, groups, certificate.
///
/// Many hosts run at once with bounded concurrency overall and per host; a host that cannot be
/// reached becomes a profile with `errors`, and the others go on. Never prints.
public enum ServerScanner {
    /// Scans every target; the result is in the order of `targets`.
    ///
    /// `progress` is called from worker threads as each host finishes. When `isCancelled` turns
    /// true, no new connection starts; the hosts already finished are returned.
    public static func scan(
        _ targets: [ScanTarget], options: ScanOptions, progress: (@Sendable (ScanProgress) -> Void)? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) -> [ServerProfile] {
        guard !targets.isEmpty else { return [] }
        let scheduler = ScanScheduler(
            workers: min(options.concurrency, targets.count * options.perHost), perHost: options.perHost,
            isCancelled: isCancelled)
        let collector = ResultCollector(count: targets.count, progress: progress)
        for (index, target) in targets.enumerated() {
            let host = HostScan(target: target, options: options, isCancelled: isCancelled) { profile in collector.store(profile, at: index) }
            scheduler.add(host: index) { host.start(scheduler: scheduler, index: index) }
        }
        scheduler.run()
        return collector.profiles
    }

    /// The same, off the caller's thread, for async callers.
    public static func scan(
        _ targets: [ScanTarget], options: ScanOptions, progress: (@Sendable (ScanProgress) -> Void)? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) async -> [ServerProfile] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: scan(targets, options: options, progress: progress, isCancelled: isCancelled))
            }
        }
    }

    /// `tlsfit 0.1.0, OpenSSL 3.0.19 27 Jan 2026`.
    public static func sourceDetail(toolName: String) -> String { "\(toolName), \(OpenSSLLibrary.versionText)" }
}

/// Profiles as hosts finish, and the progress count.
private final class ResultCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [ServerProfile?]
    private var done = 0
    private var connections = 0
    private let progress: (@Sendable (ScanProgress) -> Void)?

    init(count: Int, progress: (@Sendable (ScanProgress) -> Void)?) {
        results = Array(repeating: nil, count: count)
        self.progress = progress
    }

    func store(_ profile: ServerProfile, at index: Int) {
        let snapshot = lock.withLock {
            results[index] = profile
            done += 1
            connections += profile.connections
            return ScanProgress(hostsDone: done, hostsTotal: results.count, connections: connections,
                                lastHost: HostPort(host: profile.host, port: profile.port).description)
        }
        progress?(snapshot)
    }

    var profiles: [ServerProfile] { lock.withLock { results.compactMap { $0 } } }
}

/// The jobs of one host and the folding of their results into a profile.
private final class HostScan: @unchecked Sendable {
    let probe: HostProbe
    let options: ScanOptions
    let completion: @Sendable (ServerProfile) -> Void
    private let lock = NSLock()
    private var profile: ServerProfile
    private var remainingJobs = 0
    private var started: UInt64 = 0

    init(
        target: ScanTarget, options: ScanOptions, isCancelled: @escaping @Sendable () -> Bool,
        completion: @escaping @Sendable (ServerProfile) -> Void
    ) {
        probe = HostProbe(target: target, options: options, isCancelled: isCancelled)
        self.options = options
        self.completion = completion
        profile = ServerProfile(
            host: target.host, port: target.port, scannedAt: Date(), scannedFrom: ProcessInfo.processInfo.hostName,
            source: "scan", sourceDetail: ServerScanner.sourceDetail(toolName: options.toolName))
    }

    /// The first job: one full handshake for reachability and the certificate; then the rest.
    func start(scheduler: ScanScheduler, index: Int) {
        started = DispatchTime.now().uptimeNanoseconds
        profile.scannedAt = Date()
        let outcome = probe.handshake(
            min: OpenSSLLibrary.canOfferSSLv3 ? .ssl3 : .tls10, max: .tls13,
            cipherString: "ALL:COMPLEMENTOFALL:@SECLEVEL=0", stopAfterServerHello: false, verify: true)
        profile.address = outcome.address
        profile.path = outcome.path
        profile.certificate = outcome.certificate
        if let failure = outcome.failure, failure.stage != .certificate {
            let fatal = failure.stage == .dns || failure.stage == .tcp || failure.stage == .proxy || failure.kind == .timeout || failure.kind == .notTLS
                || HostProbe.abandonsHost(failure)
            if fatal {
                profile.errors.append("\(failure.stage.rawValue): \(failure.kind.rawValue): \(failure.detail)")
                finish()
                return
            }
            profile.errors.append("certificate: no full handshake with every suite offered: \(failure.detail)")
        }
        probe.pin(address: outcome.address)

        var versions: [TLSVersion] = [.tls13, .tls12, .tls11, .tls10]
        if OpenSSLLibrary.canOfferSSLv3 { versions.append(.ssl3) }
        lock.withLock { remainingJobs = versions.count + (options.scanGroups ? 1 : 0) }
        for version in versions {
            scheduler.add(host: index) { [self] in
                let result = SuiteElimination.run(version, probe: probe)
                if LegacySuiteElimination.versions.contains(version) {
                    // Then the suites OpenSSL cannot offer, with hand-built ClientHellos, as a job
                    // of its own: the per-host limit and Ctrl-C apply to it as to the others.
                    lock.withLock { remainingJobs += 1 }
                    scheduler.add(host: index) { [self] in
                        var merged = result
                        let legacy = LegacySuiteElimination.run(version, probe: probe, isCancelled: scheduler.isCancelled)
                        LegacySuiteElimination.merge(legacy, into: &merged)
                        record(merged)
                        jobDone()
                    }
                } else {
                    record(result)
                }
                if version == .tls13, options.scanGroups {
                    scheduler.add(host: index) { [self] in
                        let groups = GroupElimination.run(probe: probe, useTLS13: result.accepted)
                        lock.withLock {
                            profile.groups = groups.groups
                            profile.errors += groups.errors
                        }
                        jobDone()
                    }
                }
                jobDone()
            }
        }
    }

    private func record(_ result: ProtocolScanResult) {
        lock.withLock {
            profile.protocols[result.version.rawValue] = ProtocolSupport(accepted: result.accepted, cipherSuites: result.suites)
            if let preference = result.serverPreference { profile.serverPreference[result.version.rawValue] = preference }
            profile.errors += result.errors
        }
    }

    private func jobDone() {
        let last = lock.withLock {
            remainingJobs -= 1
            return remainingJobs == 0
        }
        if last { finish() }
    }

    private func finish() {
        let result = lock.withLock {
            // The first handshake offered everything and failed; try again with what is known to work:
            // a suite OpenSSL can offer (a protocol found only by raw hellos has none).
            let retry = profile.acceptedVersions.lazy.compactMap { version in
                self.profile.cipherSuites(for: version).lazy.compactMap { Catalog.shared.suite(named: $0) }
                    .first { !LegacySuiteElimination.legacyCodes.contains($0.code) }?.openssl.map { (version, $0) }
            }.first
            if profile.certificate == nil, let (version, suite) = retry {
                let outcome = probe.handshake(
                    min: version, max: version, cipherString: version == .tls13 ? nil : suite + ":@SECLEVEL=0",
                    tls13CipherSuites: version == .tls13 ? suite : nil, stopAfterServerHello: false, verify: true)
                profile.certificate = outcome.certificate
            }
            // A storm met by a later probe: one error for the host, not one per probe that gave up.
            if let storm = probe.gaveUp, profile.protocols.isEmpty == false {
                profile.errors.removeAll { $0.hasSuffix(storm.detail) }
                profile.errors.append("\(storm.stage.rawValue): \(storm.kind.rawValue): \(storm.detail) (the scan gave up on this host)")
            }
            // Stable order for readers: the errors of parallel jobs arrive in any order.
            profile.errors.sort()
            profile.connections = probe.connections
            profile.durationMs = (Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000).rounded()
            return profile
        }
        completion(result)
    }
}
