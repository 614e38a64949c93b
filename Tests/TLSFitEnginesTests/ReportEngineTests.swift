import Foundation
import TLSFitCore
import TLSFitEngines
import Testing

@Suite("ReportEngine: an offline matrix from built-in profiles")
struct ReportEngineTests {
    static func candidate(_ input: WindowsConfigReader.InputFile, name: String) throws -> ReportPlan.Candidate {
        let documents = try WindowsConfigReader.parse([input])
        return ReportPlan.Candidate(name: name, files: [input.name], registry: RegistrySnapshot(documents: documents))
    }

    func plan(hosts: [String]) throws -> ReportPlan {
        let all = try ScanTarget.list(
            hosts: hosts.map { HostPort(host: $0, port: 443) }, windowsUpdate: false, resolve: [], connect: nil,
            connectAppliesToAll: true)
        let (targets, profiles) = try ReportPlan.serverSides(
            all, provider: { _ in nil }, offline: true, hostsNamed: true, warn: { _ in })
        return ReportPlan(
            candidates: [
                try Self.candidate(EngineLab.healthy, name: "healthy"),
                try Self.candidate(EngineLab.ecdsaOnly, name: "ecdsa-only"),
            ],
            releases: [EngineLab.windows10], releasesGiven: true, fleet: nil, targets: targets, profiles: profiles,
            offline: true,
            timeout: 3, caFile: nil, generatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func everyCandidateOnEveryReleaseAgainstEveryHost() async throws {
        let report = try await ReportEngine(plan: try plan(hosts: [EngineLab.host])).run()
        #expect(report.cells.count == 2)
        #expect(report.hosts == ["\(EngineLab.host):443"])
        let healthy = try #require(report.cells.first { $0.candidate == "healthy" })
        let ecdsa = try #require(report.cells.first { $0.candidate == "ecdsa-only" })
        #expect(healthy.verdict == .ok, "\(healthy.summary)")
        #expect(healthy.protocol == .tls12)
        #expect(ecdsa.verdict == .fails)
        #expect(ecdsa.causes.contains("no-shared-cipher"), "\(ecdsa.causes)")
        #expect(ecdsa.windowsError == "0x80072EFE")
        // Offline: nothing was confirmed on the wire.
        #expect(report.cells.allSatisfy { $0.confirmed == nil })
        #expect(!report.allOK)
        #expect(report.summary.first { $0.candidate == "healthy" }?.safe == true)
        #expect(report.summary.first { $0.candidate == "ecdsa-only" }?.safe == false)
        #expect(report.generatedAt == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func offlineAHostWithoutAProfileIsRefusedBeforeTheRun() throws {
        #expect(throws: InputError.self) { try plan(hosts: ["no-profile.example"]) }
    }

    @Test func candidateSpecs() throws {
        #expect(try ReportPlan.Candidate.parse("old=a.reg,b.reg", taken: []) == ("old", ["a.reg", "b.reg"]))
        #expect(try ReportPlan.Candidate.parse("/tmp/policy.reg", taken: []).name == "policy")
        #expect(throws: InputError.self) { try ReportPlan.Candidate.parse("old=a.reg", taken: ["old"]) }
        #expect(throws: InputError.self) { try ReportPlan.Candidate.parse("old=", taken: []) }
    }
}
