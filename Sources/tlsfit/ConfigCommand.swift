import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitReports
import TLSFitSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `tlsfit config`: the effective Schannel client configuration of registry exports, Registry.pol
/// files, GPO backups, gpresult reports and Get-TlsCipherSuite output.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show a Windows client's effective TLS configuration from registry and Group Policy exports.",
        discussion: """
            Reads .reg exports (regedit 5.00 or REGEDIT4), Registry.pol files, GPO backup folders \
            (DomainSysvol/GPO/Machine/registry.pol), gpresult /x reports, Get-TlsCipherSuite output \
            (table, list or ConvertTo-Json) and plain cipher lists. The format is detected from the \
            content. Files merge in the order given, later over earlier, as Windows applies policy \
            over local settings. Use - to read standard input.

            Example:
              tlsfit config schannel.reg gpo-backup/ --windows windows-7 --format json
            """
    )

    @Argument(help: "Files or GPO backup folders, applied in order.", completion: Completions.configFiles)
    var files: [String]

    @Option(
        name: .long,
        help:
            "The Windows release to evaluate for (server-2022, windows-10-22h2, windows-7...). Default: the export's CurrentBuild, else server-2022.",
        completion: Completions.releases)
    var windows: String?

    @OptionGroup var output: FormatOptions

    func run() async throws {
        var release: WindowsRelease? = nil
        if let windows {
            guard let r = WindowsRelease(userText: windows) else {
                throw CLIErrors.badInput("--windows: " + WindowsRelease.unknownMessage(windows))
            }
            release = r
        }
        let config: WindowsTLSConfig
        let documents: [WindowsConfigDocument]
        let proxies: MachineProxyConfiguration
        let bundles: [CollectedBundle]
        do {
            let inputs: [WindowsConfigReader.InputFile]
            (inputs, bundles) = try ConfigInputLoader.loadWithBundles(files)
            documents = try WindowsConfigReader.parse(inputs, xml: LibXML2Reader())
            config = WindowsConfigReader.evaluate(documents, release: release)
            proxies = try MachineProxyConfiguration.read(from: config.registry)
        } catch {
            throw CLIErrors.badInput(error.description)
        }
        switch output.format {
        case .json:
            let report = WindowsConfigReport(
                config, inputs: documents, schemaVersion: JSONOutput.schemaVersion, proxies: proxies)
            print(try JSONOutput.encode(report))
        case .text:
            let layout = TerminalOptions.widthLayout()
            print(
                Escaping.terminal(
                    ConfigTextRenderer.render(
                        config, documents: documents, proxies: proxies, bundles: bundles, layout: layout)),
                terminator: "")
            print(Escaping.terminal(nextStep(layout: layout)), terminator: "")
        }
    }

    /// The command that takes this configuration on: which update hosts it fails against, why, and the fix.
    func nextStep(layout: TextLayout = TextLayout()) -> String {
        var words = ["tlsfit", "diagnose", "--config"] + files.map(ShellQuoting.quoted)
        if let windows { words += ["--windows", ShellQuoting.quoted(windows)] }
        // The command is copied whole: one line, however long.
        return "\n"
            + layout.wrap(
                "Next: why Windows Update fails with this configuration, and the smallest fix:", first: "", indent: "")
            + "  \(words.joined(separator: " "))\n"
            + layout.wrap("(add --offline where this machine cannot reach the update hosts)", first: "", indent: " ")
    }
}

/// Words of a command line shown to be copied: quoted for POSIX shells only when they need it.
enum ShellQuoting {
    static func quoted(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "-_./=:,+@%".unicodeScalars.contains($0)
            }
        return plain
            ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
