import ArgumentParser
import CipherSuites
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

/// `tlsfit demo`: the real Windows Update incidents, each against a local server that plays the
/// host involved (its key type, suites, chain names and way of refusing). No network needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay real Windows Update incidents against local servers that play the update hosts.",
        discussion: """
            For each bundled example (CipherSuites/examples/), starts an OpenSSL server on 127.0.0.1 \
            that plays the host of that incident from tlsfit's built-in knowledge: slscr with an ECDSA \
            certificate under lab copies of Microsoft's ECC update chain, sws accepting four ECDHE-RSA \
            suites and refusing with a TCP reset, a TLS-inspecting proxy that re-signs the chain. Each \
            Windows configuration is emulated with OpenSSL and diagnosed with real handshakes; every \
            proposed registry fix is confirmed on the wire. Needs no network.

            Exit code 0 when every example behaved as expected.
            """
    )

    struct Example: Sendable {
        var file: String
        var release: WindowsRelease
        var role: UpdateRole
        var host: String
        var lab: String
        var expected: String
        var title: String
    }

    static func examples() -> [Example] {
        CipherSuitesData.examplesTSV.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let f = line.split(separator: "\t").map(String.init)
            guard f.count >= 7, let r = WindowsRelease(rawValue: f[1]), let role = UpdateRole(rawValue: f[2]) else {
                return nil
            }
            return Example(file: f[0], release: r, role: role, host: f[3], lab: f[4], expected: f[5], title: f[6])
        }
    }

    @OptionGroup var output: DiagnosisFormatOptions

    @OptionGroup var terminal: TerminalOptions

    /// A local server playing one update host, and the roots the emulated machine trusts.
    struct Lab {
        var server: LocalTLSServer
        var caFile: String
        var description: String
        /// The keys the pin check wants: the lab root's (it plays Microsoft's), or Microsoft's real ones
        /// for the inspecting proxy (whose chain holds neither).
        var pins: UpdatePinSet
    }

    static func lab(for example: Example, in dir: URL, index: Int) throws -> Lab {
        guard let builtIn = BuiltInServerProfile.forHost(example.host),
            let intermediate = builtIn.expectedIntermediate, let root = builtIn.expectedRoot
        else { throw CLIErrors.badInput("demo: no built-in profile with a chain for \(example.host)") }
        let keyType = builtIn.profile.certificateKeyType ?? "RSA"
        let chain: LabChain
        var description: String
        if example.lab == "inspecting-proxy" {
            // The proxy mints a certificate for the host (same key type) under its own CA, which the machine trusts.
            chain = try LabChain.make(
                host: example.host, intermediateName: "Contoso TLS Inspection Issuing CA",
                rootName: "Contoso TLS Inspection Root CA", keyType: keyType)
            description =
                "a TLS-inspecting proxy in front of \(example.host): the host's certificate re-signed by Contoso TLS Inspection Issuing CA -> Contoso TLS Inspection Root CA (trusted by the machine)"
        } else {
            chain = try LabChain.make(
                host: example.host, intermediateName: intermediate, rootName: root, keyType: keyType)
            description =
                "\(example.host) (built-in profile '\(builtIn.name)'): \(keyType == "EC" ? "ECDSA" : "RSA") certificate, lab copies of \(intermediate) -> \(root), refuses by \(builtIn.refusal == "reset" ? "TCP reset" : "alert")"
        }
        let caFile = dir.appendingPathComponent("roots-\(index).pem").path
        try Interruption.shared.creatingTemporaryFiles {
            Interruption.shared.registerTemporaryFile(caFile)
            try chain.root.certificatePEM.write(toFile: caFile, atomically: false, encoding: .utf8)
        }
        let configuration = ServerProfileServer.configuration(
            builtIn.profile, credentials: [chain.leaf], chainPEM: chain.intermediate.certificatePEM,
            refusal: builtIn.refusal)
        let server = try LocalTLSServer(configuration: configuration)
        description += " on 127.0.0.1:\(server.port)"
        let pins = example.lab == "inspecting-proxy" ? UpdatePinSet.builtIn : chain.pins(origin: "demo lab root")
        return Lab(server: server, caFile: caFile, description: description, pins: pins)
    }

    /// The embedded collect bundle, read as `--config` reads a bundle folder.
    static func collectBundle(_ name: String) throws -> CollectedBundle {
        let folder = name.hasSuffix("/") ? String(name.dropLast()) : name
        let files = CipherSuitesData.collectBundle.sorted { $0.key < $1.key }.map {
            CollectedBundle.File(name: folder + "/" + $0.key, bytes: $0.value)
        }
        do {
            return try CollectedBundle.read(files, source: folder, looksCollected: true)
        } catch {
            throw CLIErrors.badInput("demo: \(error.description)")
        }
    }

    func run() async throws {
        // Ctrl-C removes the temporary folder and its CA files, then exits.
        Interruption.shared.install(exitAtOnce: true)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-demo-\(UUID().uuidString)")
        try Interruption.shared.creatingTemporaryFiles {
            Interruption.shared.registerTemporaryFile(dir.path)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        var allAsExpected = true
        var reports: [DiagnosisReport] = []
        var document = ""
        let layout = terminal.layout()
        let intro =
            "Real Windows Update incidents, each against a local server on 127.0.0.1 that plays the host involved (its certificate key type and chain, its suites, its way of refusing). Each example machine sends its exact Windows ClientHello and is diagnosed from the answer; no network."
        switch output.format {
        case .markdown: document = "# tlsfit demo\n\n\(Escaping.markdown(intro))\n\n"
        case .html: document = "<h1>tlsfit demo</h1>\n<p>\(Escaping.html(intro))</p>\n"
        case .text: print(layout.wrap("tlsfit demo: " + intro, first: "", indent: ""))
        case .json: break
        }
        for (i, example) in Self.examples().enumerated() {
            let lab = try Self.lab(for: example, in: dir, index: i)
            defer { lab.server.stop() }
            let name = "examples/\(example.file)"
            // A collect bundle (a folder: the file ends in "/") is read whole, as --config reads one.
            let bundle = example.file.hasSuffix("/") ? try Self.collectBundle(name) : nil
            let inputs =
                try bundle?.configFiles ?? [
                    .init(name: name, bytes: Array((CipherSuitesData.examples[example.file] ?? "").utf8))
                ]
            var config = try WindowsConfigReader.read(inputs, release: example.release, xml: LibXML2Reader())
            config.stack = example.role.stack
            // The server side: tlsfit's built-in knowledge of the host; the handshake goes to the lab server.
            var engine = DiagnoseEngine(timeout: 5, caFile: lab.caFile, offline: false, profileProvider: { _ in nil })
            engine.measure = { _, _, _, _ in nil }
            engine.checkPin = true
            engine.pins = lab.pins
            let target = ScanTarget(
                host: example.host, port: 443, connectAddress: "127.0.0.1", connectPort: lab.server.port)
            let hosts = await engine.run(config: config, targets: [target])
            var report = DiagnosisReport(
                windowsRelease: example.release, windowsReleaseAssumed: false, inputs: [name], hosts: hosts)
            report.role = example.role.rawValue
            report.stack = example.role.stack.rawValue
            if let probe = bundle?.probe {
                report.machineProbe = MachineProbeComparison(probe: probe, source: name, hosts: hosts)
            }
            reports.append(report)
            // The admin's whole path with the bundle: collect, diagnose, fix, check (the fix applied as the GPO would deliver it).
            var walk: String?
            var checked = true
            if let bundle {
                let changes = DiagnosisReport.combinedChanges(hosts)
                var fixed = config.registry
                Diagnoser.apply(changes, to: &fixed)
                var fixedConfig = WindowsTLSConfig.evaluate(
                    registry: fixed, release: config.release, suggestNames: false)
                fixedConfig.stack = config.stack
                let after = await engine.run(config: fixedConfig, targets: [target])
                checked = !changes.isEmpty && after.allSatisfy(\.succeeded)
                walk = DemoRenderer.walkThrough(
                    bundle: bundle, name: name, hosts: hosts, after: after, changes: changes)
            }
            let got = hosts.first.map { $0.succeeded ? "ok" : ($0.causes.first?.code.rawValue ?? "fails") } ?? "?"
            // Registry fixes must make the real handshake succeed; a network fix (a proxy bypass) cannot be tried here.
            let fixOK = hosts.allSatisfy { h in
                h.succeeded || h.fixConfirmedOnWire == true || !h.causes.contains { $0.fix?.changes.isEmpty == false }
            }
            let asExpected = got == example.expected && fixOK && checked && hosts.allSatisfy { $0.agrees != false }
            allAsExpected = allAsExpected && asExpected
            let title =
                "Example \(i + 1): \(example.title) (\(name), \(example.release.displayName), role \(example.role.rawValue))"
            var verdict = "Server: \(lab.description)"
            if lab.server.resets > 0 {
                verdict += " (it answered \(lab.server.resets) ClientHello(s) with a TCP reset)"
            }
            verdict += "\nExpected: \(example.expected); got: \(got)\(asExpected ? "" : "  <-- UNEXPECTED")"
            if let walk { verdict = walk + "\n" + verdict }
            switch output.format {
            case .text:
                if !terminal.quiet || !asExpected {
                    print(
                        DemoRenderer.text(title: title, verdict: verdict, report: report, layout: layout),
                        terminator: "")
                }
            case .markdown:
                document +=
                    DiagnosisMarkdownRenderer.render(report, title: title, level: 2).replacing(
                        "\n\n- Client:", with: "\n\n\(Escaping.markdown(verdict))\n\n- Client:") + "\n"
                if let probe = report.machineProbe { document += MachineProbeRenderer.markdown(probe) }
            case .html:
                document +=
                    DiagnosisHTMLRenderer.section(report, level: 2, title: title) + "<p>\(Escaping.html(verdict))</p>\n"
                if let probe = report.machineProbe { document += MachineProbeRenderer.html(probe) }
            case .json:
                break
            }
        }
        let closing =
            allAsExpected
            ? "Demo finished: every example behaved as expected."
            : "Demo finished: some examples did NOT behave as expected."
        if output.format == .markdown {
            print(document + closing)
        } else if output.format == .html {
            print(
                DiagnosisHTMLRenderer.page(title: "tlsfit demo", body: document + "<p>\(closing)</p>\n"), terminator: ""
            )
        } else if output.format == .json {
            print(
                try JSONOutput.encode(
                    DemoJSON(schemaVersion: JSONOutput.schemaVersion, asExpected: allAsExpected, examples: reports)))
        } else {
            print(closing)
        }
        if !allAsExpected { throw ExitCode(1) }
    }
}
