import TLSFitCore

/// The reports of a capture's hellos (`hello --pcap`): one matcher session for the whole capture, and a hello
/// seen before (the same bytes but its random and session id, the same ranking) reported from its first
/// report, with only its random, session id and hex made anew.
struct CapturedHelloReports {
    /// Every candidate hello built once; a hello ranked before answered from memory.
    let session = WindowsHelloMatcher.Session()
    private var reports: [ClientHello: (ranking: WindowsHelloMatcher.Ranking, report: ClientHelloReport)] = [:]
    /// The most distinct hellos remembered.
    static let limit = 4096

    mutating func report(_ hello: ClientHello, capturedAt: Double?) -> ClientHelloReport {
        let ranking = session.rank(hello, limit: 5, capturedAt: capturedAt)
        var key = hello
        key.random = []
        key.sessionID = hello.sessionID.map { _ in 0 }
        if let seen = reports[key], seen.ranking.matches == ranking.matches, seen.ranking.notes == ranking.notes {
            var report = seen.report
            report.random = Digest.hex(hello.random)
            report.sessionID = Digest.hex(hello.sessionID)
            report.hex = Digest.hex(hello.encode())
            return report
        }
        let report = HelloEngine.decodedReport(hello, ranking: ranking)
        if reports.count < Self.limit { reports[key] = (ranking, report) }
        return report
    }
}
