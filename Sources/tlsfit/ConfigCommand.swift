import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif
import TLSFitCore
import TLSFitSystem
import TLSFitReports

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

    enum OutputFormat: String, ArgumentChoice {
        case text, json
    }

    @Argument(help: "Files or GPO backup folders, applied in order.", completion: Completions.configFiles)
    var files: [String]

    @Option(name: .long, help: "The Windows release to evaluate for (server-2022, windows-10-22h2, windows-7...). Default: the export's CurrentBuild, else server-2022.", completion: Completions.releases)
    var windows: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

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
            documents = try WindowsConfigReader.parse(inputs)
            config = WindowsConfigReader.evaluate(documents, release: release)
            proxies = try MachineProxyConfiguration.read(from: config.registry)
        } catch {
            throw CLIErrors.badInput(error.description)
        }
        switch format {
        case .json:
            let report = WindowsConfigReport(config, inputs: documents, schemaVersion: JSONOutput.schemaVersion, proxies: proxies)
            print(try JSONOutput.encode(report))
        case .text:
            let layout = TerminalOptions.widthLayout()
            print(Escaping.terminal(ConfigTextRenderer.render(config, documents: documents, proxies: proxies, bundles: bundles, layout: layout)), terminator: "")
            print(Escaping.terminal(nextStep(layout: layout)), terminator: "")
        }
    }

    /// The command that takes this configuration on: which update hosts it fails against, why, and the fix.
    func nextStep(layout: TextLayout = TextLayout()) -> String {
        var words = ["tlsfit", "diagnose", "--config"] + files.map(ShellQuoting.quoted)
        if let windows { words += ["--windows", ShellQuoting.quoted(windows)] }
        // The command is copied whole: one line, however long.
        return "\n"
            + layout.wrap("Next: why Windows Update fails with this configuration, and the smallest fix:", first: "", indent: "")
            + "  \(words.joined(separator: " "))\n"
            + layout.wrap("(add --offline where this machine cannot reach the update hosts)", first: "", indent: " ")
    }
}

/// Words of a command line shown to be copied: quoted for POSIX shells only when they need it.
enum ShellQuoting {
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

/// Reads the command's paths: files (up to 64 MiB), standard input (`-`), GPO backup folders, and
/// `tlsfit collect` bundles (a folder or its zip), each file of which is recognised by its content.
enum ConfigInputLoader {
    /// The configuration files of `paths`; a bundle's notes (a missing manifest, its gaps) are printed as warnings.
    static func load(_ paths: [String]) throws(InputError) -> [WindowsConfigReader.InputFile] {
        let loaded = try loadWithBundles(paths)
        return loaded.inputs
    }

    /// The configuration files of `paths`, and the bundles among them (for their WindowsUpdate.log,
    /// capture and `-Probe` results).
    static func loadWithBundles(_ paths: [String], warn: Bool = true) throws(InputError) -> (inputs: [WindowsConfigReader.InputFile], bundles: [CollectedBundle]) {
        var result: [WindowsConfigReader.InputFile] = []
        var bundles: [CollectedBundle] = []
        for path in paths {
            if path == "-" {
                result.append(.init(name: "<stdin>", bytes: try readStandardInput()))
                continue
            }
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw InputError(source: path, message: "no such file or folder")
            }
            if isDirectory {
                if let bundle = try folderBundle(path) {
                    bundles.append(bundle)
                    result += bundle.configFiles
                } else {
                    for file in try gpoBackupFiles(path) { result.append(try readFile(file)) }
                }
            } else {
                let file = try readFile(path)
                if ZipArchiveReader.looksLikeZip(file.bytes) {
                    let bundle = try CollectedBundle.readZip(file.bytes, source: path)
                    bundles.append(bundle)
                    result += bundle.configFiles
                } else {
                    result.append(file)
                }
            }
        }
        if warn { for note in bundles.flatMap(\.notes) { CLIErrors.warn(Escaping.terminal(note)) } }
        return (result, bundles)
    }

    static func folderBundle(_ folder: String) throws(InputError) -> CollectedBundle? { try CollectedBundle.readFolder(folder) }

    /// Standard input, with the same 64 MiB limit as files: reading stops one byte past it, so
    /// an endless stream is refused without being held in memory.
    static func readStandardInput() throws(InputError) -> [UInt8] {
        let limit = WindowsConfigReader.maximumFileSize
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, min($0.count, limit + 1 - bytes.count)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        guard bytes.count <= limit else {
            throw InputError(source: "<stdin>", message: "more than 64 MiB on standard input; tlsfit reads inputs up to 64 MiB")
        }
        return bytes
    }

    static func tooBig(_ name: String, _ size: Int) -> InputError { WindowsConfigReader.tooBig(name, size) }

    static func readFile(_ path: String) throws(InputError) -> WindowsConfigReader.InputFile {
        let bytes = try FileContents.read(path, limit: WindowsConfigReader.maximumFileSize) { tooBig(path, $0) }
        return .init(name: path, bytes: bytes)
    }

    /// The files of a folder: the machine Registry.pol files of a GPO backup (searched case-insensitively),
    /// or else the exports at the top level of a folder of exports. (A folder that is not a GPO backup
    /// is read as a bundle by `folderBundle`; this stays for the GPO backups.)
    static func gpoBackupFiles(_ folder: String) throws(InputError) -> [String] {
        let relative = FolderWalk.files(under: folder, limit: 100_000).files
        // The two documented layouts: a GPO backup (its machine Registry.pol files) and a folder of
        // exports (files at the top level). Nothing else is read.
        // A GPO backup also holds Backup.xml and bkupInfo.xml at its top level: they are not exports.
        let policies = GPOBackupLayout.machinePolicyFiles(among: relative)
        let exports = policies.isEmpty ? GPOBackupLayout.exportFiles(among: relative) : []
        guard !policies.isEmpty || !exports.isEmpty else {
            throw InputError(source: folder, message: "a folder, but neither a GPO backup (no DomainSysvol/GPO/Machine/registry.pol inside) nor a folder of exports (no .\(GPOBackupLayout.exportExtensions.joined(separator: ", .")) file at its top level)")
        }
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        return (exports + policies).map { base + $0 }
    }
}
