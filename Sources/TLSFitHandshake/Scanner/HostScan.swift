import FoundationEssentials
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One host of a run: its connections' bookkeeping for the loop, its chains, and the folding of
/// their results into a profile. Lives on the loop thread only.
final class HostScan {
    let target: ScanTarget
    let options: ScanOptions
    /// The path to this target: the scan's, with the proxy's bypass list applied.
    let path: NetworkPath
    let completion: (ServerProfile) -> Void
    private(set) var profile: ServerProfile
    private(set) weak var engine: ScanEngine?

    // Connections (kept by the engine).
    var pending: [Probe] = []
    var idle: [ScanEngine.Connection] = []
    var busy = 0
    var connecting = 0
    /// Blocking dials and certificate handshakes running.
    var blocking = 0
    var open: Int { idle.count + connecting + busy + blocking }
    /// Every TCP connection made (the first dial, probes, connections opened ahead, certificate).
    var connections = 0
    /// ClientHellos sent.
    var hellos = 0
    /// The address every later connection dials (direct paths): the one the first dial reached.
    var pinnedAddress: ResolvedAddress?
    var dialHost: String
    var dialPort: Int
    var connectNanos: UInt64 = 0
    /// Set when an idle connection was unused while a probe got no answer: no more opened ahead.
    var serialSuspect = false
    private var lastAnswerAt: UInt64 = 0
    private var failuresInARow = 0
    private(set) var canOpen = false

    private(set) var started = false
    private(set) var finished = false
    private var startedAt: UInt64 = 0
    private var chainsActive = 0
    private var certificateDone = false
    private var certificateRetried = false
    /// A failure of the certificate handshake that means nothing else can be believed.
    private var fatal: String?

    init(target: ScanTarget, options: ScanOptions, completion: @escaping (ServerProfile) -> Void) {
        self.target = target
        self.options = options
        self.completion = completion
        path = options.path.route(host: target.host, port: target.port)
        dialHost = target.connectAddress ?? target.host
        dialPort = target.connectPort ?? target.port
        profile = ServerProfile(
            host: target.host, port: target.port, scannedAt: Date(), scannedFrom: ServerScanner.machineName,
            source: "scan", sourceDetail: ServerScanner.sourceDetail(toolName: options.toolName))
    }

    // MARK: - Start

    /// The first dial (DNS, TCP, through a proxy the tunnel) on a thread; then everything at once.
    func start(engine: ScanEngine) {
        self.engine = engine
        started = true
        startedAt = Deadline.now
        profile.scannedAt = Date()
        profile.path = path.description
        connections += 1
        let (dialHost, dialPort, path, timeout) = (dialHost, dialPort, path, options.timeout)
        engine.runBlocking(
            for: self,
            { () -> (Dialer.Dialed, Double?) in
                var timings = HandshakeTimings(totalMs: 0)
                let dialed = Dialer.open(
                    dialHost: dialHost, dialPort: dialPort, path: path, deadline: Deadline(seconds: timeout),
                    timings: &timings)
                return (dialed, timings.connectMs)
            },
            then: { [self] (dialed, connectMs) in
                profile.address = dialed.address
                switch dialed.result {
                case .failure(let failure):
                    profile.errors.append("\(failure.stage.rawValue): \(failure.kind.rawValue): \(failure.detail)")
                    certificateDone = true
                case .success(let fd):
                    if path.proxy == nil { pin(fd) }
                    connectNanos = UInt64(max(0, (connectMs ?? 0) * 1_000_000))
                    canOpen = true
                    engine.adopt(fd, for: self)
                    ScanEngine.trace("first dial done")
                    engine.prepareOnce()
                    startCertificate()
                    startChains()
                }
            })
    }

    /// Later connections go to the address the first one reached: every probe measures the same
    /// machine, and DNS is asked once.
    private func pin(_ fd: Int32) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard rc == 0 else { return }
        let address = ResolvedAddress(storage: storage, length: length, family: Int32(storage.ss_family))
        pinnedAddress = address
        dialHost = address.numericHost
    }

    private func startChains() {
        for version in ScanCandidates.versions {
            let chain = SuiteChain(version: version, host: self)
            if version == .tls13, options.scanGroups {
                // The first TLS 1.3 probe offers every group too: its answer is the groups' first step.
                let groups = GroupChain(host: self)
                chainStarted()
                chain.onFirstAnswer = { answer in groups.begin(with: answer) }
            }
            chain.start()
        }
        // SSLv3 once OpenSSL says whether it could offer it (see ScanCandidates.versions); the host
        // does not end before the answer.
        chainStarted()
        engine?.whenSSLv3Known { [self] canOffer in
            if canOffer { SuiteChain(version: .ssl3, host: self).start() }
            chainEnded()
        }
    }

    // MARK: - Certificate

    /// One full OpenSSL handshake with verification, beside the enumeration.
    private func startCertificate(version: TLSVersion? = nil, suite: String? = nil) {
        guard let engine else { return }
        var request = HandshakeRequest(
            host: target.host, port: target.port, connectAddress: pinnedAddress?.numericHost ?? target.connectAddress,
            connectPort: target.connectPort, sni: target.host,
            minVersion: version ?? .tls10, maxVersion: version ?? .tls13,
            cipherString: version == .tls13
                ? nil : (suite.map { $0 + ":@SECLEVEL=0" } ?? "ALL:COMPLEMENTOFALL:@SECLEVEL=0"),
            tls13CipherSuites: version == .tls13 ? suite : nil,
            timeout: options.timeout, caFile: options.caFile, verifyCertificate: true, stopAfterServerHello: false)
        request.path = path
        connections += 1
        let retry = version != nil
        let fixed = request
        ScanEngine.trace("certificate handshake starts")
        engine.runBlocking(
            for: self,
            { [engine] () -> HandshakeOutcome in
                var request = fixed
                // Asked here, off the loop: the first question initialises OpenSSL. The SSLv3 chain
                // waits for the answer (whenSSLv3Known).
                let sslv3 = OpenSSLLibrary.canOfferSSLv3
                engine.sslv3Known(sslv3)
                if version == nil, sslv3 { request.minVersion = .ssl3 }
                return TLSClient.handshake(request)
            },
            then: { [self] outcome in
                ScanEngine.trace("certificate handshake done (\(outcome.timings.totalMs) ms)")
                if outcome.certificate != nil || !retry { profile.certificate = outcome.certificate }
                if !retry, let failure = outcome.failure, failure.stage != .certificate {
                    // A server that streams alerts or HelloRequests instead of finishing a handshake is
                    // given up and reported once (the probes stop at the ServerHello, before any storm).
                    let fatalFailure =
                        failure.stage == .dns || failure.stage == .tcp || failure.stage == .proxy
                        || failure.kind == .timeout || failure.kind == .notTLS || failure.kind == .alertStorm
                        || failure.kind == .helloRequestStorm
                    if fatalFailure {
                        fatal = "\(failure.stage.rawValue): \(failure.kind.rawValue): \(failure.detail)"
                    } else {
                        profile.errors.append(
                            "certificate: no full handshake with every suite offered: \(failure.detail)")
                    }
                }
                certificateDone = true
            })
    }

    // MARK: - For the chains

    func submit(_ probe: Probe) { pending.append(probe) }

    func hello(_ version: TLSVersion, suites: [UInt16], groups: [UInt16]) -> [UInt8] {
        var random = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in stride(from: 0, to: 32, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { random.replaceSubrange(i..<(i + 8), with: $0) }
        }
        return RawClientHello.build(
            version: version, suites: suites, serverName: target.host, random: random, groups: groups)
    }

    func chainStarted() { chainsActive += 1 }
    func chainEnded() { chainsActive -= 1 }

    func record(_ result: ProtocolScanResult) {
        profile.protocols[result.version.rawValue] = ProtocolSupport(
            accepted: result.accepted, cipherSuites: result.suites)
        if let preference = result.serverPreference { profile.serverPreference[result.version.rawValue] = preference }
        profile.errors += result.errors
    }

    func recordGroups(_ groups: [UInt16], errors: [String]) {
        profile.groups = groups.map { NamedGroup.name(forID: Int($0)) }
        profile.errors += errors
    }

    // MARK: - For the engine

    /// The slowest probe so far, from its ClientHello to the answer.
    private(set) var probeNanos: UInt64 = 0

    func answered(after nanos: UInt64) {
        lastAnswerAt = Deadline.now
        probeNanos = max(probeNanos, nanos)
    }

    /// A probe has been in flight since before `since` and no answer came meanwhile.
    func stalledProbe(since: UInt64) -> Bool { busy > 0 && lastAnswerAt < since }

    func connectOK() { failuresInARow = 0 }

    /// Three failed connects in a row with probes waiting and nothing open: the probes fail.
    func connectFailed(_ detail: String) {
        failuresInARow += 1
        guard failuresInARow >= 3, idle.isEmpty, busy == 0, connecting == 0 else { return }
        let waiting = pending
        pending.removeAll()
        for probe in waiting { probe.done(.failed(detail)) }
    }

    /// Ends the host once every chain and the certificate handshake are done.
    func finishIfDone() {
        guard started, !finished, chainsActive == 0, certificateDone, blocking == 0, pending.isEmpty, busy == 0 else {
            return
        }
        if let fatal {
            // The full handshake says the server does not speak TLS (or could not be reached):
            // nothing the probes saw is believed.
            profile.protocols = [:]
            profile.serverPreference = [:]
            profile.groups = []
            profile.errors = [fatal]
        } else if profile.certificate == nil, !certificateRetried, let (version, suite) = retryCandidate() {
            // The first handshake offered everything and failed; try again with what is known to
            // work: a suite OpenSSL can offer (a protocol found only by legacy suites has none).
            certificateRetried = true
            certificateDone = false
            startCertificate(version: version, suite: suite)
            return
        }
        finished = true
        // Stable order for readers: the errors of parallel chains arrive in any order.
        profile.errors.sort()
        profile.connections = connections
        profile.durationMs = (Double(Deadline.now - startedAt) / 1_000_000).rounded()
        completion(profile)
    }

    private func retryCandidate() -> (TLSVersion, String)? {
        for version in profile.acceptedVersions {
            for name in profile.cipherSuites(for: version) {
                guard let code = Catalog.shared.suite(named: name)?.code, let openssl = ScanCandidates.openSSLName(code)
                else { continue }
                return (version, openssl)
            }
        }
        return nil
    }
}
