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

    init(target: ScanTarget, options: ScanOptions) {
        self.target = target
        self.options = options
        path = options.path.route(host: target.host, port: target.port)
    }

    var connections: Int { lock.withLock { _connections } }

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
        let pinned = lock.withLock { _pinnedAddress }
        var request = HandshakeRequest(
            host: target.host, port: target.port, connectAddress: pinned ?? target.connectAddress,
            connectPort: target.connectPort, sni: target.host, minVersion: min, maxVersion: max,
            cipherString: cipherString, tls13CipherSuites: tls13CipherSuites, groups: groups,
            timeout: options.timeout, caFile: options.caFile, verifyCertificate: verify,
            stopAfterServerHello: stopAfterServerHello)
        request.path = path
        lock.withLock { _connections += 1 }
        return TLSClient.handshake(request)
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
        case .tls where failure.kind == .timeout: return .failed(failure.detail)
        default: return .refused
        }
    }
}
