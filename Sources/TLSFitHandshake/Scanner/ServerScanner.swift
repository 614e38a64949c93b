import FoundationEssentials
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#endif

/// Measures what servers accept: protocols, suites in preference order, groups, certificate.
///
/// Many hosts run at once with bounded concurrency overall and per host; a host that cannot be
/// reached becomes a profile with `errors`, and the others go on. Never prints.
public enum ServerScanner {
    /// Scans every target; the result is in the order of `targets`.
    ///
    /// One event loop on the caller's thread owns every connection of the run (see `ScanEngine`).
    /// `progress` is called on that thread as each host finishes. When `isCancelled` turns true, no
    /// new connection starts; the hosts already finished are returned.
    public static func scan(
        _ targets: [ScanTarget], options: ScanOptions, progress: (@Sendable (ScanProgress) -> Void)? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) -> [ServerProfile] {
        guard !targets.isEmpty else { return [] }
        let engine = ScanEngine(options: options, isCancelled: isCancelled)
        var results = [ServerProfile?](repeating: nil, count: targets.count)
        var done = 0
        var connections = 0
        for (index, target) in targets.enumerated() {
            engine.add(
                HostScan(target: target, options: options) { profile in
                    results[index] = profile
                    done += 1
                    connections += profile.connections
                    progress?(
                        ScanProgress(
                            hostsDone: done, hostsTotal: targets.count, connections: connections,
                            lastHost: HostPort(host: profile.host, port: profile.port).description))
                })
        }
        engine.run()
        return results.compactMap { $0 }
    }

    /// This machine's name, asked once.
    static let machineName: String = {
        // gethostname(2): Foundation's hostName may ask DNS for the full name.
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return ProcessInfo.processInfo.hostName }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// The same, off the caller's thread, for async callers.
    public static func scan(
        _ targets: [ScanTarget], options: ScanOptions, progress: (@Sendable (ScanProgress) -> Void)? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) async -> [ServerProfile] {
        await withCheckedContinuation { continuation in
            detachThread {
                continuation.resume(
                    returning: scan(targets, options: options, progress: progress, isCancelled: isCancelled))
            }
        }
    }

    /// `tlsfit 0.1.0, OpenSSL 3.0.19 27 Jan 2026`.
    public static func sourceDetail(toolName: String) -> String { "\(toolName), \(OpenSSLLibrary.versionText)" }
}
