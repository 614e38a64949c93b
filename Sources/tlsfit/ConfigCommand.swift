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
            documents = try WindowsConfigReader.parse(inputs, xml: LibXML2Reader())
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

/// The `--format text` rendering.
enum ConfigTextRenderer {
    /// The text for a reader at `layout.width` columns: prose wraps, registry keys, paths, suite
    /// names and commands are kept whole, and the hosts table becomes one block per host when it does not fit.
    static func render(_ c: WindowsTLSConfig, documents: [WindowsConfigDocument], proxies: MachineProxyConfiguration = MachineProxyConfiguration(),
                       bundles: [CollectedBundle] = [], layout: TextLayout = TextLayout()) -> String {
        var out = ""
        let defaultText = "default"
        /// A "label: value" line: wraps with an indent of two, keeping bracketed registry keys whole.
        func line(_ text: String, first: String = "", indent: String = "  ") -> String {
            layout.wrapKeepingKeys(text, first: first, indent: indent)
        }
        out += line("Windows release: \(c.release.displayName) (\(c.release.rawValue))" + (c.releaseAssumed ? " - assumed; pass --windows to choose" : ""))
        if let d = c.detectedRelease {
            out += line("the export says: \(d.summary) at \(d.evidence.location)", first: "  ", indent: "    ")
        }
        var inputs = ["Inputs:"]
        for (i, d) in documents.enumerated() {
            inputs += [d.source, "(\(d.format.rawValue),", "\(d.operations.count)", "settings)" + (i == documents.count - 1 ? "" : ",")]
        }
        out += layout.wrap(atoms: inputs, first: "", indent: "  ")
        for b in bundles { out += line(String(bundleLine(b).dropLast())) }
        out += "\n"

        out += "Schannel client protocols:\n"
        for v in TLSVersion.allCases {
            guard let p = c.protocols[v], p.supported || p.clientEnabledSource != nil else { continue }
            let state = !p.supported ? "not supported" : p.clientOffered ? "on" : (p.clientEnabled ? "off by default" : "disabled")
            let source = p.clientSource?.description ?? defaultText
            let row = "  \(v.rawValue.padded(to: 8)) \(state.padded(to: 15)) \(source)"
            out += row.count <= layout.width ? row + "\n"
                : "  \(v.rawValue.padded(to: 8)) \(state)\n" + line(source, first: "    ", indent: "      ")
        }
        if let w = c.winHTTPDefaultSecureProtocols {
            out += line("WinHTTP DefaultSecureProtocols: 0x\(String(w.value, radix: 16)) (\(w.protocols.map(\.rawValue).joined(separator: ", "))) from \(w.source)")
        } else {
            out += line("WinHTTP DefaultSecureProtocols: not set (WinHTTP defaults)")
        }
        if let w = c.winHTTPDefaultSecureProtocolsWow64 {
            out += line("WinHTTP DefaultSecureProtocols (Wow6432Node): 0x\(String(w.value, radix: 16)) from \(w.source)")
        }
        if let p = proxies.winHTTP {
            out += line("WinHTTP proxy (the update agent's path): \(p.path)\(p.settings.bypassList.isEmpty ? "" : ", bypass \(p.settings.bypassList)") from \(p.source)")
        } else {
            out += line("WinHTTP proxy (the update agent's path): not set in the inputs (direct)")
        }
        if let p = proxies.user {
            out += line("User proxy (Internet Options; not used by the update agent): \(p.path) from \(p.source)")
        }
        let offered = c.offeredProtocols()
        out += line("WinHTTP (Windows Update) offers: \(offered.isEmpty ? "nothing" : offered.map(\.rawValue).joined(separator: ", "))")
        let dotNet = DotNetFrameworkTLS(registry: c.registry)
        out += line(".NET Framework (WSUS sync) offers: \(dotNet.offeredProtocols(c).map(\.rawValue).joined(separator: ", ").nonEmpty ?? "nothing") - \(dotNet.explanation(c))") + "\n"

        switch c.suiteOrderSource {
        case .policy(let p): out += line("Cipher suites (policy order from \(p.location)):")
        case .local(let p): out += line("Cipher suites (local order from \(p.location)):")
        case .releaseDefault: out += line("Cipher suites (\(c.release.displayName) default order):")
        }
        for (i, s) in c.cipherSuites.enumerated() {
            let curves = s.pinnedCurves.isEmpty ? "" : " [\(s.pinnedCurves.joined(separator: ", "))]"
            let line = s.line.map { " line \($0)" } ?? ""
            // The number, the code and the name stay on the first line; curves and the line number follow.
            out += layout.wrap(atoms: ["\(String(i + 1).leftPad(3)).", s.suite.codeString, s.windowsName] + TextLayout.atoms(curves + line),
                               first: "  ", indent: "         ")
        }
        if c.cipherSuites.isEmpty { out += "  (none)\n" }
        if !c.removedSuites.isEmpty {
            out += "Removed by SCHANNEL switches:\n"
            for r in c.removedSuites { out += line("\(r.suite.codeString) \(r.windowsName): \(r.reason) (\(r.evidence.location))", first: "  ", indent: "    ") }
        }
        out += "\n" + line("Curves: \(c.curves.joined(separator: ", ")) (\(c.curvesSource?.description ?? defaultText))")

        out += updateHosts(c, layout: layout)
        out += "\nWarnings (\(c.warnings.count)):\n"
        if c.warnings.isEmpty { out += "  none\n" }
        for w in c.warnings {
            // The file (and line) is copied whole; " record N" may go to the next line.
            var location = w.file.map { [$0] } ?? []
            if let line = w.line, !location.isEmpty { location[0] += ":\(line)" } else if let record = w.record { location += ["record", "\(record)"] }
            if !location.isEmpty { location[location.count - 1] += ":" }
            out += layout.wrap(atoms: ["[\(w.code.rawValue)]"] + location + TextLayout.atoms(w.message), first: "  ", indent: "    ")
        }
        return out
    }
}

extension ConfigTextRenderer {
    /// What a `tlsfit collect` bundle held besides its configuration files.
    static func bundleLine(_ b: CollectedBundle) -> String {
        var facts: [String] = []
        if let m = b.manifest {
            facts.append("collected on \(m.machine ?? "?")\(m.build.map { " (build \($0))" } ?? "") at \(m.collectedAt ?? "?") by tlsfit collect \(m.tlsfitVersion ?? "?")")
        } else {
            facts.append("no manifest")
        }
        facts.append(b.updateLog.map { "WindowsUpdate.log \($0.name)" } ?? "no WindowsUpdate.log")
        facts.append(b.probe.map { "WinHTTP probe of \($0.results.count) hosts (diagnose shows it)" } ?? "no -Probe result")
        facts.append(b.capture.map { "capture \($0.name) (hello --pcap \(b.source))" } ?? "no capture")
        return "Bundle \(b.source): " + facts.joined(separator: "; ") + "\n"
    }

    /// The update hosts of the release's agent (and WSUS sync), simulated against tlsfit's built-in
    /// knowledge, with the confidence of the facts used (`tlsfit suites hosts` lists their sources).
    static func updateHosts(_ c: WindowsTLSConfig, layout: TextLayout = TextLayout()) -> String {
        var rows: [[String]] = [["host", "role", "certificate", "suites known", "predicted"]]
        for role in UpdateRole.allCases {
            var config = c
            config.stack = role.stack
            let client = ClientProfile(config: config)
            for h in role.hosts(release: c.release) {
                guard let p = BuiltInServerProfile.forHost(h.host) else {
                    rows.append([h.host, role.rawValue, h.isPlainHTTP ? "plain HTTP (port \(h.port))" : "-", "-", h.isPlainHTTP ? "no TLS: port 80 must be open" : "not known: scan it"])
                    continue
                }
                let sim = NegotiationSimulator.simulate(client: client, server: p.profile)
                let key = p.profile.certificateKeyType == "EC" ? "ECDSA" : (p.profile.certificateKeyType ?? "?")
                let suites = p.fact("suites").map { "\($0.confidence.rawValue) \($0.date)" } ?? "?"
                let predicted = sim.succeeded ? "ok \(sim.version?.rawValue ?? "") \(sim.suite?.iana ?? "")" : "FAILS \(sim.failure?.rawValue ?? "")"
                rows.append([h.host, role.rawValue, "\(key), \(p.expectedRoot ?? "?")", suites, predicted])
            }
        }
        var out = "\n" + layout.wrap("Windows Update hosts for \(c.release.displayName) (built-in knowledge, simulated; sources: tlsfit suites hosts):", first: "", indent: "  ")
        guard let width = rows.map(\.count).max() else { return out }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        // Too wide for the terminal: one block per host, a line per column.
        if 2 + widths.dropLast().reduce(0, { $0 + $1 + 2 }) + (widths.last ?? 0) > layout.width {
            let header = rows[0]
            for row in rows.dropFirst() {
                out += layout.wrap(atoms: [row[0], "(\(row[1]))"], first: "  ", indent: "    ")
                for (i, cell) in row.enumerated().dropFirst(2) {
                    out += layout.wrap(header[i] + ": " + cell, first: "    ", indent: "      ")
                }
            }
            return out
        }
        for row in rows {
            var line = "  "
            for (i, cell) in row.enumerated() { line += i == row.count - 1 ? cell : cell.padded(to: widths[i] + 2) }
            out += line + "\n"
        }
        return out
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }

    fileprivate func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
