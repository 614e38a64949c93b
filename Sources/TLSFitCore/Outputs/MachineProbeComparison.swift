/// The third vantage point of `diagnose`: what the failing machine's own WinHTTP got from each
/// update host (`tlsfit collect -Probe`), beside tlsfit's verdict for the same host, and where the
/// two disagree. The machine's result is measured on its network; tlsfit's is the configuration's
/// prediction (and its own handshake from where tlsfit runs).
public struct MachineProbeComparison: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var host: String
        public var port: Int
        /// What the machine's WinHTTP got: "ok (HTTP 200)" or "0x80072EFE (WinHTTP 12030) at send".
        public var machine: String
        /// The HRESULT the machine got; nil when it succeeded.
        public var machineError: String?
        public var machineSucceeded: Bool
        /// tlsfit's verdict: "ok", the Windows error it predicts, or "not diagnosed".
        public var tlsfit: String
        /// Whether they agree (same success, or the same error); nil when tlsfit did not diagnose the host.
        public var agrees: Bool?
        /// Why they may differ, when they do.
        public var note: String?
    }

    /// The probe file.
    public var source: String
    public var probedAt: String?
    public var rows: [Row]

    public var disagreements: [Row] { rows.filter { $0.agrees == false } }

    public init(probe: WinHTTPProbe, source: String, hosts: [HostDiagnosis]) {
        self.source = source
        probedAt = probe.probedAt
        rows = probe.results.map { result in
            let diagnosed = hosts.first { $0.host.lowercased() == result.host.lowercased() && $0.port == result.port }
            var row = Row(
                host: result.host, port: result.port, machine: result.summary, machineError: result.hresult,
                machineSucceeded: result.succeeded, tlsfit: "not diagnosed", agrees: nil, note: nil)
            guard let diagnosed else { return row }
            let predictedError = diagnosed.predictedWindowsError
            row.tlsfit = diagnosed.succeeded ? "ok" : (predictedError.map { "fails, \($0)" } ?? "fails")
            switch (result.succeeded, diagnosed.succeeded) {
            case (true, true):
                row.agrees = true
            case (false, false):
                row.agrees = predictedError == nil || predictedError == result.hresult
                if row.agrees == false {
                    row.note =
                        "both fail, with different errors: the machine's is what Windows Update shows; tlsfit's cause may be one of several on the way"
                }
            case (false, true):
                row.agrees = false
                row.note =
                    "the machine fails where tlsfit's verdict succeeds: the cause is on the machine's own network path (its proxy, a firewall, TLS inspection, DNS), which tlsfit does not see from here"
            case (true, false):
                row.agrees = false
                row.note =
                    "the machine reaches the host where tlsfit predicts a failure: the configuration read may be incomplete (a key not exported), or the host's profile has changed (scan it)"
            }
            return row
        }
    }
}
