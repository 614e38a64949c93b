import Foundation
import TLSFitCore

/// Handshakes against one target, counting the connections they use.
///
/// Thread-safe: the jobs of one host share it.
final class HostProbe: @unchecked Sendable {
    let target: ScanTarget
    let options: ScanOptions
    private let lock = NSLock()
    private var _connections = 0
    /// The numeric address the first handshake dialled: later handshakes reuse it, so every probe
    /// measures the same machine and DNS is asked once.
    private var _pinnedAddress: String?

    /// The path to this target: the scan's, with the proxy's bypass list applied.
    let path: NetworkPath
    /// Ctrl-C: once true, no further connection starts (a job of many handshakes stops at the next one).
    let isCancelled: @Sendable () -> Bool

    init(target: ScanTarget, options: ScanOptions, isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.target = target
        self.options = options
        self.isCancelled = isCancelled
        path = options.path.route(host: target.host, port: target.port)
    }

    var connections: Int { lock.withLock { _connections } }

    /// The storm that made the scan give up on this host: later handshakes return it at once,
    /// without connecting, so a storm costs one timeout, not one per probe.
    private var _gaveUp: HandshakeFailure?
    var gaveUp: HandshakeFailure? { lock.withLock { _gaveUp } }

    /// Failures after which no further connection to the host is worth its timeout.
    static func abandonsHost(_ failure: HandshakeFailure) -> Bool {
        failure.kind == .alertStorm || failure.kind == .helloRequestStorm
    }

    /// The address later probes dial: the pinned one, else the target's.
    var dialHost: String { lock.withLock { _pinnedAddress } ?? target.connectAddress ?? target.host }

    func countConnection() { lock.withLock { _connections += 1 } }

    func pin(address: String?) {
        // Through a proxy the address dialled is the proxy's: the CONNECT keeps naming the target.
        guard let address, path.proxy == nil else { return }
        // `127.0.0.1:443` or `[::1]:443`: keep the host part.
        var host = address
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        lock.withLock { _pinnedAddress = host }
    }

    /// One handshake to the target with SNI and the name kept, whatever address is dialled.
    func handshake(
        min: TLSVersion, max: TLSVersion, cipherString: String? = nil, tls13CipherSuites: String? = nil,
        groups: String? = nil, stopAfterServerHello: Bool = true, verify: Bool = false
    ) -> HandshakeOutcome {
        let (pinned, gaveUp) = lock.withLock { (_pinnedAddress, _gaveUp) }
        if let gaveUp = gaveUp ?? (isCancelled()
            ? HandshakeFailure(stage: .tls, kind: .timeout, detail: "not measured: the scan was interrupted") : nil)
        {
            return HandshakeOutcome(
                host: target.host, port: target.port, address: nil, sni: target.host, negotiated: NegotiatedParameters(),
                certificate: nil, failure: gaveUp, timings: HandshakeTimings(totalMs: 0))
        }
        var request = HandshakeRequest(
            host: target.host, port: target.port, connectAddress: pinned ?? target.connectAddress,
            connectPort: target.connectPort, sni: target.host, minVersion: min, maxVersion: max,
            cipherString: cipherString, tls13CipherSuites: tls13CipherSuites, groups: groups,
            timeout: options.timeout, caFile: options.caFile, verifyCertificate: verify,
            stopAfterServerHello: stopAfterServerHello)
        request.path = path
        lock.withLock { _connections += 1 }
        let outcome = TLSClient.handshake(request)
        if let failure = outcome.failure, Self.abandonsHost(failure) {
            lock.withLock { if _gaveUp == nil { _gaveUp = failure } }
        }
        return outcome
    }

    /// What one elimination handshake says.
    enum Answer {
        /// The server picked this from what was offered.
        case chose(NegotiatedParameters)
        /// The server refused everything offered (alert, close, other version).
        case refused
        /// The probe could not tell (timeout, connection refused): stop and report.
        case failed(String)
    }

    static func answer(_ outcome: HandshakeOutcome, version: TLSVersion?) -> Answer {
        if outcome.handshakeCompleted, outcome.negotiated.cipherCode != nil,
            version == nil || outcome.negotiated.version == version
        {
            return .chose(outcome.negotiated)
        }
        guard let failure = outcome.failure else { return .refused }
        switch failure.stage {
        case .dns, .tcp, .proxy: return .failed(failure.detail)
        case .tls where failure.kind == .timeout || abandonsHost(failure): return .failed(failure.detail)
        default: return .refused
        }
    }
}
