import ArgumentParser
import FoundationEssentials
import TLSFitCapture
import TLSFitCore
import TLSFitEngines
import TLSFitReports
import TLSFitSystem

/// `tlsfit hello`: the exact ClientHello a Windows client sends (WinHTTP), or the decode of a captured one.
struct HelloCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hello",
        abstract:
            "Print the exact ClientHello a Windows client sends, or decode a captured one and name the closest releases.",
        usage:
            "tlsfit hello [--windows <release>] [--config <file> ...]\n  [--stack <stack>] [--decode <HEX|@FILE> | --pcap <FILE>] [<options>]",
        discussion: """
            Without --decode: builds the ClientHello that the Windows release (--windows, else the export's \
            CurrentBuild, else server-2022) sends through the stack (--stack: WinHTTP, the stack the Windows Update \
            agent uses, by default; wininet, dotnet, sspi), at its patch level (--patch, else the export's UBR, else \
            the newest known), for the \
            configuration in the --config files (protocol keys, DefaultSecureProtocols, cipher/hash/key-exchange \
            switches, suite order, EccCurves): versions, suites with names, extensions, groups, key shares, \
            signature algorithms, the hex bytes, JA3 and JA4. The random, session id and key shares are placeholders \
            (zeros); JA3 and JA4 do not depend on them.

            With --decode: reads a ClientHello (a TLS record or a handshake message) as hex, or from @FILE (hex text \
            or raw bytes), prints its decode and fingerprints, and ranks the Windows releases whose hello is closest, \
            saying what differs.

            With --pcap: does the same for every ClientHello in a capture file (pcap or pcapng, as Wireshark, \
            tcpdump and `pktmon etl2pcap` write them), with the packet number, time and addresses of each.

            Examples:
              tlsfit hello --windows windows-10-22h2
              tlsfit hello --windows windows-7 --config schannel.reg --format hex
              tlsfit hello --decode @clienthello.hex
              tlsfit hello --pcap trace.pcapng
            """
    )

    typealias Format = HelloFormat

    @Option(
        name: .long,
        help:
            "The Windows release (windows-7 ... windows-11, server-2008r2 ... server-2025). Default: the export's CurrentBuild, else server-2022."
    )
    var windows: String?

    @Option(
        name: .long, parsing: .upToNextOption,
        help:
            "Configuration files or GPO backup folders (.reg, Registry.pol, gpresult, Get-TlsCipherSuite...), applied in order (as `tlsfit config`).",
        completion: Completions.configFiles)
    var config: [String] = []

    @Option(name: .long, help: "The server name the hello carries (server_name).")
    var host: String = "fe3.delivery.mp.microsoft.com"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Decode a captured ClientHello: hex, or @FILE (hex text or raw bytes).", valueName: "HEX|@FILE"))
    var decode: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Decode every ClientHello of a capture file (pcap or pcapng) and rank the releases for each.",
            valueName: "FILE"),
        completion: .file(extensions: ["pcap", "pcapng", "cap"]))
    var pcap: String?

    @Option(help: "Output format: text, json or hex.")
    var format: Format = .text

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The stack that sends the hello: winhttp (the Windows Update agent, the default), wininet, dotnet (.NET 5+) or sspi (curl.exe, RDP, agents).",
            valueName: "STACK"))
    var stack: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The patch level of the release (see `tlsfit hello --windows R`; default: chosen by the export's UBR, else the newest known).",
            valueName: "LEVEL"))
    var patch: String?

    func run() async throws {
        if let pcap {
            guard windows == nil, config.isEmpty, decode == nil, stack == nil, patch == nil else {
                throw CLIErrors.badInput("--pcap: a capture takes no --windows, --config, --decode, --stack or --patch")
            }
            return try Self.printCapture(pcap, format: format)
        }
        if let decode {
            guard windows == nil, config.isEmpty, stack == nil, patch == nil else {
                throw CLIErrors.badInput("--decode: a decoded hello takes no --windows, --config, --stack or --patch")
            }
            let bytes: [UInt8]
            do { bytes = try HelloEngine.decodeArgument(decode) } catch { throw CLIErrors.badInput(error) }
            let hello: ClientHello
            do { hello = try ClientHello.decode(bytes) } catch {
                throw CLIErrors.badInput("--decode: not a ClientHello: \(error.description)")
            }
            return try Self.printDecoded(hello, format: format)
        }
        let release = try CLIErrors.option { try WindowsRelease.option(windows) }
        let chosenStack = try CLIErrors.option { try ClientStack.option(stack) } ?? .winHTTP
        let configuration: WindowsTLSConfig
        do { configuration = try ConfigInputLoader.configuration(config, release: release, stack: chosenStack) } catch {
            throw CLIErrors.badInput(error.description)
        }
        let levels = Catalog.shared.release(configuration.release).hello.patchLevels
        if let patch, !levels.contains(where: { $0.name == patch }) {
            throw CLIErrors.badInput(
                "--patch: \(configuration.release.rawValue) has "
                    + (levels.isEmpty
                        ? "one hello for every patch level"
                        : "the patch levels \(levels.map(\.name).joined(separator: ", "))") + ", not '\(patch)'")
        }
        for w in configuration.warnings where w.code == .releaseMismatch {
            CLIErrors.warn(Escaping.terminal(w.message))
        }
        let report: ClientHelloReport
        do {
            report = try HelloEngine.emulated(configuration, serverName: host, patch: patch)
        } catch {
            StandardError.write("tlsfit: \(configuration.release.displayName): \(error.description)\n")
            throw ExitCode(1)
        }
        try Self.emit(report, format: format)
    }

    /// The decode, fingerprints and closest releases of a captured hello (`--decode`, and `--pcap` per hello).
    static func printDecoded(_ hello: ClientHello, format: Format) throws {
        try emit(HelloEngine.decodedReport(hello), format: format)
    }

    /// `--pcap`: every ClientHello of the capture, each decoded and ranked. Exit 1 when the capture holds none.
    static func printCapture(_ file: String, format: Format) throws {
        let captured: (path: String, temporary: String?)
        do { captured = try HelloEngine.captureFile(file) } catch let error as OptionError {
            throw CLIErrors.badInput(error.description)
        }
        defer { if let temporary = captured.temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let report: CaptureHelloReport
        do {
            report = try HelloEngine.capture(path: captured.path, file: file)
        } catch let error as CaptureError {
            throw CLIErrors.badInput(error.description)
        }
        print(try HelloOutput.render(report, as: format, layout: TerminalOptions.widthLayout()), terminator: "")
        if report.clientHellos.isEmpty {
            CLIErrors.warn("\(file): no ClientHello in \(report.packetCount) packets")
            throw ExitCode(1)
        }
    }

    static func emit(_ report: ClientHelloReport, format: Format) throws {
        print(try HelloOutput.render(report, as: format, layout: TerminalOptions.widthLayout()), terminator: "")
    }
}
