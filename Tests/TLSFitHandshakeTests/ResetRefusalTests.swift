import Foundation
import TLSFitCore
import TLSFitTestSupport
import Testing

@testable import TLSFitHandshake

/// A lab server that refuses like sws.update.microsoft.com: a ClientHello it cannot serve gets a TCP
/// reset, not an alert; one it can serve completes.
@Suite struct ResetRefusalTests {
    static let sws = BuiltInServerProfile.named("sws")!

    @Test func peekReadsVersionsAndSuitesOfARealHello() throws {
        let hello = RawClientHello.build(
            version: .tls10, suites: [0xC014, 0x002F], serverName: "sws.update.microsoft.com",
            random: [UInt8](repeating: 7, count: 32))
        guard case .hello(let peek) = OfferedClientHello.parse(hello) else {
            Issue.record("a real hello does not parse")
            return
        }
        #expect(peek.versions == [.ssl3, .tls10])
        #expect(peek.cipherSuites.prefix(2) == [0xC014, 0x002F])
        let accepted: [TLSVersion: Set<UInt16>] = [.tls12: [0xC030, 0xC02F]]
        #expect(peek.negotiable(accepted) == nil)
        guard
            case .hello(let tls12) = OfferedClientHello.parse(
                RawClientHello.build(
                    version: .tls12, suites: [0xC02F], serverName: nil, random: [UInt8](repeating: 1, count: 32)))
        else {
            Issue.record("a TLS 1.2 hello does not parse")
            return
        }
        #expect(tls12.negotiable(accepted) == .tls12)
        if case .hello = OfferedClientHello.parse(Array(hello.prefix(20))) {
            Issue.record("20 bytes of a hello read as a whole hello")
        }
    }

    @Test(
        "refusal by reset, acceptance by handshake",
        arguments: [
            ("ECDHE-RSA-AES128-SHA", TLSVersion.tls10, TLSVersion.tls10, false),
            ("AES256-GCM-SHA384", .tls12, .tls12, false),
            ("ECDHE-RSA-AES128-GCM-SHA256", .tls12, .tls12, true),
        ])
    func resetOrHandshake(cipher: String, minVersion: TLSVersion, maxVersion: TLSVersion, succeeds: Bool) throws {
        let pki = TestPKI.shared
        let server = try LocalTLSServer(
            configuration: ServerProfileServer.configuration(
                Self.sws.profile, credentials: [pki.rsaLeaf], refusal: "reset"))
        defer { server.stop() }
        let outcome = TLSClient.handshake(
            HandshakeRequest(
                host: TestPKI.updateHost, port: 443, connectAddress: "127.0.0.1", connectPort: server.port,
                sni: TestPKI.updateHost,
                minVersion: minVersion, maxVersion: maxVersion, cipherString: cipher + ":@SECLEVEL=0",
                tls13CipherSuites: "",
                groups: "P-256:P-384", signatureAlgorithms: nil, timeout: 5, caFile: pki.caFile, verifyCertificate: true
            ))
        if succeeds {
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            #expect(server.resets == 0)
        } else {
            #expect(outcome.failure?.kind == .reset, "\(String(describing: outcome.failure))")
            #expect(outcome.failure?.alert == nil)
            #expect(server.resets == 1)
        }
    }
}
