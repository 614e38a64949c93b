/// The configuration's verdict on one host: the export against the host's profile (built-in, saved
/// or scanned). It does not depend on the network tlsfit runs on, so it holds on the Windows
/// machine's own network.
public struct ConfigurationVerdict: Sendable, Hashable, Codable {
    public var outcome: ConfigurationOutcome
    /// Where the server side came from: `scan`, `file`, `built-in`; nil when unknown.
    public var serverProfileSource: String?
    /// The codes of the configuration causes in `causes`, in order.
    public var causes: [CauseCode]
    /// The Windows error the configuration alone produces; nil when it works.
    public var windowsError: String?

    public init(
        outcome: ConfigurationOutcome, serverProfileSource: String?, causes: [CauseCode] = [],
        windowsError: String? = nil
    ) {
        self.outcome = outcome
        self.serverProfileSource = serverProfileSource
        self.causes = causes
        self.windowsError = windowsError
    }
}

/// What the machine running tlsfit measured of one host (DNS, TCP, the proxy, the handshake). It is
/// this machine's network, not necessarily the Windows machine's.
public struct MeasurementFromHere: Sendable, Hashable, Codable {
    public var outcome: MeasurementOutcome
    /// The stage of the failure; nil when it worked.
    public var stage: FailureStage?
    /// The codes of the causes measured here in `causes`, in order.
    public var causes: [CauseCode]
    /// The Windows error this measurement would show if the Windows machine took the same path; nil when it worked.
    public var windowsError: String?

    public init(
        outcome: MeasurementOutcome, stage: FailureStage?, causes: [CauseCode] = [], windowsError: String? = nil
    ) {
        self.outcome = outcome
        self.stage = stage
        self.causes = causes
        self.windowsError = windowsError
    }

    public var unreached: Bool { outcome == .unreached }
}

extension HostDiagnosis {
    /// True when a real handshake's outcome says nothing about TLS: no name, no TCP connection, the
    /// proxy stopped it, or nothing answered the ClientHello.
    public static func unreached(_ o: HandshakeOutcome) -> Bool {
        guard let f = o.failure else { return false }
        return f.stage == .dns || f.stage == .tcp || f.stage == .proxy
            || (f.kind == .timeout && o.negotiated.version == nil)
    }

    /// Records what the machine running tlsfit measured: nil offline (nothing measured).
    public mutating func recordMeasurement(_ o: HandshakeOutcome?) {
        guard let o else {
            fromHere = nil
            return
        }
        let state: MeasurementOutcome = o.failure == nil ? .ok : (Self.unreached(o) ? .unreached : .fails)
        fromHere = MeasurementFromHere(outcome: state, stage: o.failure?.stage, windowsError: o.failure?.windowsError)
    }

    /// Orders the causes (configuration first, then those measured here; each once) and fills the
    /// two vantage parts from them. `configurationOutcome` is the simulation's verdict (`ok`,
    /// `fails`, `unknown`, `not-applicable`); a configuration cause makes it `fails`. Idempotent:
    /// call it again after adding causes.
    public mutating func separateVantages(configurationOutcome: ConfigurationOutcome? = nil) {
        var seen = Set<String>()
        let config = causes.filter { $0.vantage == .configuration }
        let here = causes.filter { $0.vantage == .thisMachine }
        causes = (config + here).filter { seen.insert($0.code.rawValue + "\u{0}" + $0.summary).inserted }
        var outcome =
            configurationOutcome ?? configuration?.outcome
            ?? (serverProfileSource == nil ? .unknown : (predictedFailure == nil ? .ok : .fails))
        if !config.isEmpty { outcome = .fails }
        let configCauses = causes.filter { $0.vantage == .configuration }
        configuration = ConfigurationVerdict(
            outcome: outcome, serverProfileSource: serverProfileSource, causes: configCauses.map(\.code),
            windowsError: outcome == .fails ? configCauses.first?.windowsError : nil)
        let hereCauses = causes.filter { $0.vantage == .thisMachine }
        if var f = fromHere {
            f.causes = hereCauses.map(\.code)
            if f.outcome == .ok, !hereCauses.isEmpty { f.outcome = .fails }
            f.windowsError = f.outcome == .ok ? nil : (hereCauses.first?.windowsError ?? f.windowsError)
            fromHere = f
        }
    }
}
