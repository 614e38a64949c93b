import FoundationEssentials
import TLSFitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The first layer of every connection: DNS and TCP to the server, or to the HTTP proxy and then
/// a `CONNECT` tunnel to the server. What comes back is a non-blocking socket that carries the
/// server's bytes, ready for OpenSSL or a hand-built ClientHello.
enum Dialer {
    /// A socket (or the failure), the address actually dialled (the proxy's, through a proxy),
    /// and the `CONNECT` exchange.
    struct Dialed {
        var result: Result<Int32, HandshakeFailure>
        var address: String?
        var exchange: ProxyExchange?
    }

    /// Dials `dialHost:dialPort` along `path` before the deadline. Through a proxy the `CONNECT`
    /// names `dialHost:dialPort` (so `--connect`/`--resolve` keep their meaning, as curl's
    /// `--connect-to`); the caller keeps the host name for SNI and verification.
    static func open(
        dialHost: String, dialPort: Int, path: NetworkPath, deadline: Deadline, timings: inout HandshakeTimings
    ) -> Dialed {
        switch path {
        case .direct:
            let dnsStart = Deadline.now
            let addresses: [ResolvedAddress]
            switch TCPConnector.resolve(dialHost, port: dialPort, deadline: deadline) {
            case .success(let list): addresses = list
            case .failure(let failure): return Dialed(result: .failure(failure))
            }
            timings.dnsMs = Deadline.millisecondsSince(dnsStart)
            let connectStart = Deadline.now
            let (connected, address) = TCPConnector.connect(toFirstOf: addresses, deadline: deadline)
            if case .success = connected { timings.connectMs = Deadline.millisecondsSince(connectStart) }
            return Dialed(result: connected, address: address?.display(port: dialPort))
        case .proxy(let proxy):
            return tunnel(
                through: proxy, to: HostPort(host: dialHost, port: dialPort), deadline: deadline, timings: &timings)
        }
    }

    static func tunnel(
        through proxy: HTTPProxy, to target: HostPort, deadline: Deadline, timings: inout HandshakeTimings
    ) -> Dialed {
        var exchange = ProxyExchange(
            proxy: proxy.description, proxyAddress: nil, request: ProxyTunnel.requestLine(target),
            credentialsSent: proxy.credentials != nil)
        func proxyFailure(_ f: HandshakeFailure) -> HandshakeFailure {
            HandshakeFailure(stage: .proxy, kind: f.kind, alert: nil, detail: "proxy \(proxy): \(f.detail)")
        }
        let dnsStart = Deadline.now
        let addresses: [ResolvedAddress]
        switch TCPConnector.resolve(proxy.host, port: proxy.port, deadline: deadline) {
        case .success(let list): addresses = list
        case .failure(let failure): return Dialed(result: .failure(proxyFailure(failure)), exchange: exchange)
        }
        timings.dnsMs = Deadline.millisecondsSince(dnsStart)
        let connectStart = Deadline.now
        let (connected, address) = TCPConnector.connect(toFirstOf: addresses, deadline: deadline)
        let shown = address?.display(port: proxy.port)
        exchange.proxyAddress = shown
        let fd: Int32
        switch connected {
        case .success(let socket): fd = socket
        case .failure(let failure):
            return Dialed(result: .failure(proxyFailure(failure)), address: shown, exchange: exchange)
        }
        let answer = ProxyTunnel.connect(fd: fd, target: target, proxy: proxy, deadline: deadline)
        exchange.status = answer.status
        exchange.statusLine = answer.statusLine
        exchange.authenticateSchemes = answer.authenticateSchemes
        exchange.bodyFirstLine = answer.bodyFirstLine
        if let failure = answer.failure {
            close(fd)
            return Dialed(result: .failure(failure), address: shown, exchange: exchange)
        }
        timings.connectMs = Deadline.millisecondsSince(connectStart)
        return Dialed(result: .success(fd), address: shown, exchange: exchange)
    }
}
