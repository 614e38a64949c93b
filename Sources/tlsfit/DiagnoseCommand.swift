import ArgumentParser
import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitReports

/// `tlsfit diagnose`: why a Windows client gets 0x80072EFE (and friends) from a host, with the evidence and the fix.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Explain why a Windows client cannot reach a host over TLS (0x80072EFE...), with the evidence and the fix.",
        discussion: """
            Reads the client's configuration (as `tlsfit config` does), emulates the ClientHello that \
            Windows release would send, negotiates with each host as that client, predicts the result \
            from the server's profile and explains every failure: the cause, the setting that shows it \
            (file and line), and the smallest fix as words, a .reg snippet and a GPO string. Each fix is \
            checked by simulating again with it applied, and on the wire when the host is reachable.

            Without HOST arguments, diagnoses the Windows Update hosts (--windows-update).
            The server side comes from --server-profile (a saved scan, or a built-in profile name such as \
            windows-update) or from a short live measurement.

            Example: tlsfit diagnose fe2.update.microsoft.com --config schannel.reg gpo-backup/ --windows windows-7 --fix-out fix.reg

            Exit codes: 0 every host is reachable, 1 a host fails, 2 bad input.
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text, json, markdown, html
    }

    @Argument(help: "Hosts to diagnose (HOST or HOST:PORT). Default: the Windows Update hosts.")
    var hosts: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Configuration files or GPO backup folders, applied in order (as `tlsfit config`).")
    var config: [String] = []

    @Option(name: .long, help: "The Windows release to emulate. Default: server-2022.")
    var windows: String?

    @Flag(name: .long, help: "Diagnose the Windows Update hosts (the default without HOST arguments).")
    var windowsUpdate = false

    @Option(name: .long, help: "Server side: a saved profile (ServerProfile JSON, or {\"hosts\": [...]}), or a built-in name (windows-update). Repeatable.")
    var serverProfile: [String] = []

    @Option(name: .long, help: "Dial ADDRESS[:PORT] for every host (SNI and certificate checks still use the host name).")
    var connect: String?

    @Option(name: .long, help: "Dial ADDR[:PORT] for HOST: HOST=ADDR[:PORT]. Repeatable.")
    var resolve: [String] = []

    @Option(name: .long, help: "PEM file of trusted roots (default: the system store; then update hosts must chain to a Microsoft root).")
    var caFile: String?

    @Option(name: .long, help: "Seconds per connection.")
    var timeout: Double = 5

    @Flag(name: .long, help: "No connections: simulate against --server-profile data only.")
    var offline = false

    @Option(name: .long, help: "Write every proposed registry change to this .reg file.")
    var fixOut: String?

    @Option(name: .long, help: "Output format: text, json, markdown or html.")
    var format: OutputFormat = .text

    static func fail(_ message: String) -> ExitCode { CLIErrors.badInput(message) }

    func run() async throws {
        guard !config.isEmpty else { throw Self.fail("--config: name at least one configuration file") }
        var release: WindowsRelease?
        if let windows {
            guard let r = WindowsRelease(userText: windows) else {
                throw Self.fail("--windows: unknown release '\(windows)'; known: \(WindowsRelease.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            release = r
        }
        guard timeout > 0, timeout <= 300 else { throw Self.fail("--timeout: give seconds between 0 and 300") }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { throw Self.fail("--ca-file: cannot read \(caFile)") }

        let configuration: WindowsTLSConfig
        let targets: [ScanTarget]
        let provider: DiagnoseEngine.ProfileProvider
        do {
            let inputs = try ConfigInputLoader.load(config)
            configuration = try WindowsConfigReader.read(inputs, release: release)
            targets = try makeTargets()
            provider = try ServerProfileInputs(serverProfile).provider
        } catch {
            throw Self.fail(error.description)
        }
        if offline, let missing = targets.first(where: { provider($0) == nil }) {
            throw Self.fail("--offline: no --server-profile for \(missing.host); save one with `tlsfit scan --save` or name a built-in one (windows-update)")
        }
        let engine = DiagnoseEngine(timeout: timeout, caFile: caFile, offline: offline, profileProvider: provider)
        let hosts = await engine.run(config: configuration, targets: targets)
        let report = DiagnosisReport(windowsRelease: configuration.release, windowsReleaseAssumed: configuration.releaseAssumed,
                                     inputs: config, hosts: hosts)
        if let fixOut {
            let changes = DiagnosisReport.combinedChanges(hosts)
            let comment = "tlsfit diagnose: proposed fix for \(configuration.release.displayName) (\(hosts.filter { !$0.succeeded }.map(\.host).joined(separator: ", ")))\nReview before importing: regedit /s fix.reg"
            let bytes = RegFileWriter.write(changes, encoding: .utf16LE, comment: comment)
            do {
                try AtomicFile.write(Data(bytes), to: fixOut)
            } catch {
                throw Self.fail("--fix-out: cannot write \(fixOut): \(error)")
            }
        }
        switch format {
        case .text: print(DiagnosisTextRenderer.render(report), terminator: "")
        case .json: print(try JSONOutput.encode(report))
        case .markdown: print(DiagnosisMarkdownRenderer.render(report), terminator: "")
        case .html: print(DiagnosisHTMLRenderer.render(report), terminator: "")
        }
        if hosts.contains(where: { !$0.succeeded }) { throw ExitCode(1) }
    }

    func makeTargets() throws(InputError) -> [ScanTarget] {
        let list = try HostList.parse(arguments: hosts)
        return try ScanTarget.list(hosts: list, windowsUpdate: list.isEmpty || windowsUpdate, resolve: resolve, connect: connect,
                                   connectAppliesToAll: true)
    }
}
