import Foundation
import TLSFitCore

extension HostProbe {
    /// What one hand-built ClientHello got back.
    enum RawAnswer: Sendable, Equatable {
        /// A ServerHello with this version and suite.
        case chose(version: UInt16, suite: UInt16)
        /// An alert, a close, a reset or bytes that are not a ServerHello: nothing offered is taken.
        case refused(String)
        /// No answer could be had (DNS, TCP, timeout): stop and report.
        case failed(String)
    }

    /// The most a raw probe reads: a ServerHello is far smaller, a Certificate may follow.
    static let rawReadLimit = RawExchange.readLimit

    /// Sends one hand-built ClientHello offering `suites` as `version` and reads only up to the
    /// end of the ServerHello (or an alert), within the scan's timeout. One connection.
    func rawHello(version: TLSVersion, suites: [UInt16]) -> RawAnswer {
        var random = [UInt8](repeating: 0, count: 32)
        for i in random.indices { random[i] = UInt8.random(in: 0...255) }
        let hello = RawClientHello.build(version: version, suites: suites, serverName: target.host, random: random)
        let result = RawExchange.run(host: dialHost, port: target.connectPort ?? target.port, bytes: hello,
                                     timeout: options.timeout, path: path, onConnect: { self.countConnection() })
        switch result.answer {
        case .serverHello(let hello): return .chose(version: hello.version, suite: hello.cipherSuite)
        case .alert(let level, let description): return .refused("alert \(level == 2 ? "fatal" : "warning") \(description)")
        case .invalid(let why): return .refused("not a ServerHello: \(why)")
        case .closed(let received): return .refused("connection closed after \(received) bytes")
        case .reset(let why): return .refused("connection reset: \(why)")
        case .silence(let received): return .failed("no ServerHello before the timeout (\(received) bytes received)")
        case .connectFailed(let failure): return .failed(failure.detail)
        case .writeFailed(let why, let timeout): return timeout ? .failed(why) : .refused(why)
        }
    }
}
