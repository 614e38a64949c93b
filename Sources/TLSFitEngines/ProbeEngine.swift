import FoundationEssentials
import TLSFitCore
import TLSFitHandshake

/// A `probe` job: one handshake (or plain HTTP check) with what the user chose to offer, or with a
/// Windows client's exact hello. The options are the words as typed; `ProbeEngine` resolves them.
public struct ProbePlan: Sendable {
    /// What an OpenSSL handshake offers, as typed (`--tls1.2`, `--ciphers`...).
    public struct Offer: Sendable {
        public var tls12 = false
        public var tls13 = false
        public var minTLS: String?
        public var maxTLS: String?
        public var ciphers: String?
        public var ciphersuites: String?
        public var groups: String?
        public var sigalgs: String?
        public var sni: String?
        public var noSNI = false

        public init() {}
    }

    /// HOST[:PORT] as given.
    public var target: String
    public var connect: String?
    public var resolve: [String] = []
    /// The network path, before routing by the host (its bypass list).
    public var path: NetworkPath = .direct
    public var timeout: Double
    public var caFile: String?
    public var noVerify = false
    /// A plain HTTP GET instead of TLS.
    public var http = false
    public var offer = Offer()

    public init(target: String, timeout: Double) {
        self.target = target
        self.timeout = timeout
    }

    /// The host and the address to dial (`--resolve`, `--connect`).
    func endpoint(defaultPort: Int) throws(InputError) -> (target: HostPort, address: String?, port: Int?) {
        let target = try HostPort(parsing: self.target, defaultPort: defaultPort, source: "HOST")
        var connectAddress: String?
        var connectPort: Int?
        let overrides = try resolve.map { text throws(InputError) in try ResolveOverride(parsing: text) }
        if let match = ResolveOverride.match(overrides, host: target.host, port: target.port) {
            connectAddress = match.address
            connectPort = match.addressPort ?? target.port
        }
        if let connect {
            let c = try HostPort(parsing: connect, defaultPort: target.port, source: "--connect")
            connectAddress = c.host
            connectPort = c.port
        }
        return (target, connectAddress, connectPort)
    }

    func checkCAFile() throws(InputError) {
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw InputError(source: "--ca-file", message: "cannot read \(caFile)")
        }
    }
}

/// Runs a probe: the request from the plan, the handshake, the report value.
public enum ProbeEngine {
    /// One handshake (or HTTP check) with the plan's request; the report says what happened.
    public static func run(_ request: HandshakeRequest, offer: ProbeReport.Offer, http: Bool) async -> ProbeReport {
        if http {
            let result = await Task.detached { PlainHTTPCheck.get(request) }.value
            var report = ProbeReport(outcome: result.outcome, offer: offer, openssl: OpenSSLLibrary.versionText)
            report.http = ProbeReport.HTTPCheck(
                request: result.requestLine, status: result.status, statusLine: result.statusLine)
            return report
        }
        let outcome = await Task.detached { TLSClient.handshake(request) }.value
        return ProbeReport(outcome: outcome, offer: offer, openssl: OpenSSLLibrary.versionText)
    }

    /// The Windows client's request: its exact hello for `config`, pinned to Microsoft's keys for an update host.
    public static func windowsRequest(_ plan: ProbePlan, config: WindowsTLSConfig) throws(InputError)
        -> WindowsHelloProbe.Request
    {
        let (target, address, port) = try plan.endpoint(defaultPort: 443)
        try plan.checkCAFile()
        var request = WindowsHelloProbe.Request(
            host: target.host, port: target.port, connectAddress: address, connectPort: port, config: config,
            timeout: plan.timeout, caFile: plan.caFile, confirm: true)
        request.path = plan.path.route(host: target.host, port: target.port)
        // A Windows Update service host is pinned to Microsoft's keys (against the system store, as Windows).
        if plan.caFile == nil, BuiltInServerProfile.forHost(target.host)?.expectedRoot != nil {
            request.pins = .builtIn
        }
        return request
    }

    /// One connection with the exact Windows ClientHello; `noVerify` forgives a certificate failure.
    public static func runWindows(
        _ request: WindowsHelloProbe.Request, config configuration: WindowsTLSConfig,
        noVerify: Bool
    ) async -> ProbeReport {
        let result = await Task.detached { WindowsHelloProbe.run(request) }.value
        var outcome = result.outcome
        if noVerify, outcome.failure?.stage == .certificate { outcome.failure = nil }
        let profile = result.hello?.profile ?? ClientProfile(config: configuration)
        let offer = ProbeReport.Offer(
            minVersion: profile.protocols.first ?? .tls12, maxVersion: profile.protocols.last ?? .tls12,
            cipherList: profile.suites.map(\.suite.iana).joined(separator: ","), tls13CipherSuites: nil,
            groups: profile.groups.joined(separator: ","),
            signatureAlgorithms: profile.signatureSchemes.map(SignatureScheme.name).joined(separator: ","),
            notNegotiable: profile.suites.filter { $0.openssl == nil }.map(\.suite.iana))
        let client = ProbeReport.WindowsClient(
            release: configuration.release.rawValue, releaseAssumed: configuration.releaseAssumed,
            helloHex: result.hello.map { Digest.hex($0.hello.encode()) }, ja3: result.hello?.hello.ja3,
            ja4: result.hello?.hello.ja4,
            helloRetryRequest: result.serverHello?.isHelloRetryRequest ?? false,
            confirmingHandshake: result.confirmation != nil,
            confirmationNote: result.confirmationSkipped, assumptions: result.hello?.assumptions ?? [],
            certificateProof: result.hello == nil ? nil : result.proof)
        return ProbeReport(outcome: outcome, offer: offer, openssl: OpenSSLLibrary.versionText, windowsClient: client)
    }
}

extension ProbeReport {
    /// True when the handshake (and the certificate check) succeeded.
    public var succeeded: Bool { outcome == "success" }
}
