import Foundation
import Synchronization
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitTestSupport
import Testing

@Suite("ProbeEngine against a local server")
struct ProbeEngineTests {
    static var lab: EngineLab { .shared }

    func plan(_ configure: (inout ProbePlan) -> Void = { _ in }) -> ProbePlan {
        var plan = ProbePlan(target: EngineLab.host, timeout: 5)
        plan.resolve = [Self.lab.resolve]
        plan.caFile = Self.lab.pki.caFile
        configure(&plan)
        return plan
    }

    @Test func aHandshakeThatWorks() async throws {
        let (request, offer) = try ProbeEngine.request(plan())
        #expect(
            request.port == 443 && request.connectPort == Self.lab.ecdheRSA.port
                && request.connectAddress == "127.0.0.1")
        #expect(request.sni == EngineLab.host)
        let report = await ProbeEngine.run(request, offer: offer, http: false)
        #expect(report.succeeded, "\(String(describing: report.failure))")
        #expect(report.protocol == .tls12)
        #expect(report.cipher?.iana == EngineLab.suites[0])
        #expect(report.certificate != nil)
    }

    @Test func aCipherListTheServerRefuses() async throws {
        let (request, offer) = try ProbeEngine.request(
            plan { $0.offer.ciphers = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" })
        // An IANA list without TLS 1.3 names keeps TLS 1.3 out, so the result reflects the list.
        #expect(offer.maxVersion == .tls12)
        let report = await ProbeEngine.run(request, offer: offer, http: false)
        #expect(!report.succeeded)
        #expect(report.failure?.stage == .tls)
        #expect(report.windowsError == "0x80072EFE")
    }

    @Test func optionsAreResolvedOrRefused() throws {
        let (_, offer) = try ProbeEngine.request(
            plan {
                $0.offer.groups = "NistP256,curve25519"
                $0.offer.tls12 = true
            })
        #expect(offer.groups == "P-256:X25519")
        #expect((offer.minVersion, offer.maxVersion) == (.tls12, .tls12))
        #expect(throws: InputError.self) {
            try ProbeEngine.request(
                plan {
                    $0.offer.minTLS = "1.3"
                    $0.offer.maxTLS = "1.2"
                })
        }
        #expect(throws: InputError.self) {
            try ProbeEngine.request(plan { $0.offer.ciphersuites = "TLS_RSA_WITH_AES_128_CBC_SHA" })
        }
        #expect(throws: InputError.self) { try ProbeEngine.request(plan { $0.caFile = "/nonexistent/ca.pem" }) }
    }

    @Test func theWindowsClientsOwnHello() async throws {
        let config = try WindowsConfigReader.read([EngineLab.healthy], release: EngineLab.windows10)
        let request = try ProbeEngine.windowsRequest(plan(), config: config)
        let report = await ProbeEngine.runWindows(request, config: config, noVerify: false)
        #expect(report.succeeded, "\(String(describing: report.failure))")
        #expect(report.windowsClient?.release == "windows-10-22h2")
        #expect(report.windowsClient?.helloHex?.hasPrefix("16030") == true)
        #expect(EngineLab.suites.contains(report.cipher?.iana ?? ""))
        // The same client with ECDSA suites only: the server has nothing to answer with.
        let refused = try WindowsConfigReader.read([EngineLab.ecdsaOnly], release: EngineLab.windows10)
        let failing = await ProbeEngine.runWindows(
            try ProbeEngine.windowsRequest(plan(), config: refused), config: refused, noVerify: false)
        #expect(!failing.succeeded)
        #expect(failing.offered.cipherList?.contains("ECDSA") == true)
        #expect(failing.offered.cipherList?.contains("ECDHE_RSA") == false)
    }
}

@Suite("ScanEngine against a local server")
struct ScanEngineTests {
    static var lab: EngineLab { .shared }

    @Test func measuresWhatTheServerAccepts() throws {
        let target = ScanTarget(
            host: EngineLab.host, port: 443, connectAddress: "127.0.0.1", connectPort: Self.lab.ecdheRSA.port)
        let engine = ScanEngine(
            plan: ScanPlan(targets: [target], options: ScanOptions(timeout: 5, caFile: Self.lab.pki.caFile)))
        let result = engine.run()
        #expect(!result.interrupted)
        #expect(result.unreachable.isEmpty)
        let profile = try #require(result.profiles.first)
        #expect(profile.acceptedVersions == [.tls12])
        #expect(profile.protocols["TLSv1.2"]?.cipherSuites == EngineLab.suites, "\(profile.protocols)")
        #expect(profile.serverPreference["TLSv1.2"] == true)
        #expect(profile.certificateKeyType == "RSA")
        #expect(result.document.hosts == result.profiles)
    }

    @Test func anUnreachableHostMeasuresNothing() throws {
        let target = ScanTarget(
            host: "closed.example", port: 443, connectAddress: "127.0.0.1", connectPort: try EngineLab.closedPort())
        var plan = ScanPlan(targets: [target], options: ScanOptions(timeout: 3))
        plan.rounds = 2
        let rounds = RoundCounter()
        var engine = ScanEngine(plan: plan)
        engine.roundDone = { round, _ in rounds.record(round) }
        let result = engine.run()
        #expect(result.unreachable.count == 1)
        #expect(result.profiles.first?.protocols.isEmpty == true)
        #expect(rounds.rounds == [1, 2])
    }

    @Test func aCancelledScanSaysSo() {
        let target = ScanTarget(
            host: EngineLab.host, port: 443, connectAddress: "127.0.0.1", connectPort: Self.lab.ecdheRSA.port)
        var engine = ScanEngine(plan: ScanPlan(targets: [target], options: ScanOptions(timeout: 3)))
        engine.isCancelled = { true }
        #expect(engine.run().interrupted)
    }
}

final class RoundCounter: Sendable {
    private let seen = Mutex<[Int]>([])
    func record(_ round: Int) { seen.withLock { $0.append(round) } }
    var rounds: [Int] { seen.withLock { $0 } }
}
