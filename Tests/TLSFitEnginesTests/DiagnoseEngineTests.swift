import Foundation
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitTestSupport
import Testing

@Suite("DiagnoseEngine: a plan in, a report out")
struct DiagnoseEngineTests {
    static var lab: EngineLab { .shared }

    /// The plan and engine for `input` against the lab server, as `diagnose HOST --resolve ... --ca-file ...` builds them.
    func diagnose(
        _ input: WindowsConfigReader.InputFile, offline: Bool = false, fix: Bool = false,
        provider: @escaping DiagnoseEngine.ProfileProvider = { _ in nil }
    ) async throws -> DiagnoseResult {
        var plan = DiagnosePlan(inputs: [input], inputNames: [input.name])
        plan.release = EngineLab.windows10
        plan.hosts = [HostPort(host: EngineLab.host, port: 443)]
        plan.resolve = [Self.lab.resolve]
        plan.wantsFixFile = fix
        let configuration = try plan.configuration()
        let targets = try plan.targets(release: configuration.release, warn: { _ in })
        let engine = DiagnoseEngine(
            timeout: 3, caFile: Self.lab.pki.caFile, offline: offline, profileProvider: provider)
        return try await engine.run(plan, configuration: configuration, targets: targets)
    }

    @Test func aServerThatAcceptsTheClientsSuites() async throws {
        let result = try await diagnose(EngineLab.healthy)
        let host = try #require(result.report.hosts.first)
        #expect(result.report.hosts.count == 1)
        #expect(host.outcome == .ok, "\(host.causes)")
        #expect(host.configuration?.outcome == .ok)
        #expect(host.fromHere?.outcome == .ok)
        #expect(EngineLab.suites.contains(host.negotiated?.cipher ?? ""), "\(String(describing: host.negotiated))")
        #expect(host.negotiated?.tlsProtocol == "TLSv1.2")
        #expect(result.report.exitStatus == 0)
        #expect(result.report.windowsRelease == EngineLab.windows10.rawValue)
        #expect(result.fixFile == nil)
    }

    @Test func aServerThatRefusesTheClientsSuites() async throws {
        let result = try await diagnose(EngineLab.ecdsaOnly, fix: true)
        let host = try #require(result.report.hosts.first)
        #expect(host.outcome == .fails)
        // The configuration's verdict and the measurement from here are two values; both fail here.
        #expect(host.configuration?.outcome == .fails)
        #expect(
            host.configuration?.causes.map(\.rawValue).contains("no-shared-cipher") == true,
            "\(String(describing: host.configuration))")
        #expect(host.fromHere?.outcome == .fails)
        #expect(host.fromHere?.stage == .tls)
        #expect(host.causes.first?.code.rawValue == "no-shared-cipher")
        #expect(result.report.exitStatus == 1)
        // The fix file is a UTF-16LE .reg (byte order mark first) naming the failing host.
        let fix = try #require(result.fixFile)
        #expect(Array(fix.prefix(2)) == [0xFF, 0xFE])
        let text = String(
            decoding: stride(from: 2, to: fix.count - 1, by: 2).map { UInt16(fix[$0]) | UInt16(fix[$0 + 1]) << 8 },
            as: UTF16.self)
        #expect(text.contains("Windows Registry Editor Version 5.00"))
        #expect(text.contains(EngineLab.host))
    }

    @Test func offlineAHostWithoutAnyProfileIsAnError() async throws {
        var plan = DiagnosePlan(inputs: [EngineLab.healthy], inputNames: ["healthy.reg"])
        plan.release = EngineLab.windows10
        plan.hosts = [HostPort(host: "no-profile.example", port: 443)]
        let configuration = try plan.configuration()
        let targets = try plan.targets(release: configuration.release, warn: { _ in })
        let engine = DiagnoseEngine(timeout: 3, caFile: nil, offline: true, profileProvider: { _ in nil })
        await #expect(throws: InputError.self) {
            try await engine.run(plan, configuration: configuration, targets: targets)
        }
    }

    @Test func offlineTheBuiltInProfileDecidesAndNothingIsMeasured() async throws {
        var plan = DiagnosePlan(inputs: [EngineLab.ecdsaOnly], inputNames: ["ecdsa-only.reg"])
        plan.release = EngineLab.windows10
        plan.hosts = [HostPort(host: EngineLab.host, port: 443)]
        plan.asOf = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(plan.reference?.source == "--as-of")
        let configuration = try plan.configuration()
        let targets = try plan.targets(release: configuration.release, warn: { _ in })
        let engine = DiagnoseEngine(timeout: 3, caFile: nil, offline: true, profileProvider: { _ in nil })
        let result = try await engine.run(plan, configuration: configuration, targets: targets)
        let host = try #require(result.report.hosts.first)
        #expect(host.configuration?.outcome == .fails)
        #expect(host.fromHere == nil || host.fromHere?.outcome != .ok)
        #expect(host.causes.first?.code.rawValue == "no-shared-cipher")
    }

    @Test func theLogsErrorsAreComparedWithThePrediction() async throws {
        let logText = """
            2023/05/04 10:12:00.0000000 1234  9999  Misc            Making request with URL HTTPS://\(EngineLab.host)/v6/ClientWebService/client.asmx
            2023/05/04 10:12:01.0000000 1234  9999  Misc            *FAILED* [80072EFE] WinHttp: SendRequestToServerForFileInformation
            """
        var plan = DiagnosePlan(inputs: [EngineLab.ecdsaOnly], inputNames: ["ecdsa-only.reg"])
        let log = try WindowsUpdateLog.parse(Array(logText.utf8), source: "WindowsUpdate.log")
        plan.log = DiagnosePlan.Log(name: "WindowsUpdate.log", log: log, fromBundle: false)
        plan.release = EngineLab.windows10
        plan.resolve = [Self.lab.resolve]
        let configuration = try plan.configuration()
        // Without HOST arguments, the log's failing hosts are diagnosed.
        let targets = try plan.targets(release: configuration.release, warn: { _ in })
        #expect(targets.map(\.host) == log.failures.map(\.host))
        guard !targets.isEmpty else { return }
        let engine = DiagnoseEngine(
            timeout: 3, caFile: Self.lab.pki.caFile, offline: false, profileProvider: { _ in nil })
        let result = try await engine.run(plan, configuration: configuration, targets: targets)
        let host = try #require(result.report.hosts.first)
        #expect(host.logErrors == ["0x80072EFE"], "\(String(describing: host.logErrors))")
        #expect(host.matchesLog == true)
        #expect(result.report.log?.file == "WindowsUpdate.log")
        // The moment the inputs describe: the log's newest line.
        #expect(plan.reference?.source == "WindowsUpdate.log:2")
    }

    @Test func blockedPortsNeedEveryConnectionToFailAtTCP() {
        #expect(DiagnoseEngine.blockedPorts([]) == nil)
    }
}
