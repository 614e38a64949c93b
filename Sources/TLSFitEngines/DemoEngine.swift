import CipherSuites
import FoundationEssentials
import TLSFitCore
import TLSFitHandshake
import TLSFitSystem

/// `tlsfit demo`'s runs: each bundled incident against a local server that plays the host involved.
public enum DemoEngine {
    /// One bundled example (a line of CipherSuites/examples.tsv).
    public struct Example: Sendable {
        public var file: String
        public var release: WindowsRelease
        public var role: UpdateRole
        public var host: String
        public var lab: String
        public var expected: String
        public var title: String
    }

    /// Bad demo data: the CLI prints it as bad input (exit code 2).
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func examples() -> [Example] {
        CipherSuitesData.examplesTSV.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let f = line.split(separator: "\t").map(String.init)
            guard f.count >= 7, let r = WindowsRelease(rawValue: f[1]), let role = UpdateRole(rawValue: f[2]) else {
                return nil
            }
            return Example(file: f[0], release: r, role: role, host: f[3], lab: f[4], expected: f[5], title: f[6])
        }
    }

    /// A local server playing one update host, and the roots the emulated machine trusts.
    public struct Lab: Sendable {
        public var server: LocalTLSServer
        public var caFile: String
        public var description: String
        /// The keys the pin check wants: the lab root's (it plays Microsoft's), or Microsoft's real ones
        /// for the inspecting proxy (whose chain holds neither).
        public var pins: UpdatePinSet
    }

    /// The admin's path with a collected bundle: the fix applied to its registry, and the hosts after it.
    public struct Walk: Sendable {
        public var bundle: CollectedBundle
        public var hosts: [HostDiagnosis]
        public var after: [HostDiagnosis]
        public var changes: [RegFileWriter.Change]
    }

    /// What one example gave.
    public struct Outcome: Sendable {
        public var name: String
        public var report: DiagnosisReport
        public var walk: Walk?
        /// The lab server's description, and how many ClientHellos it answered with a TCP reset.
        public var server: String
        public var resets: Int
        public var got: String
        public var asExpected: Bool
    }

    /// The temporary folder for the labs' CA files; Ctrl-C removes it.
    public static func makeFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-demo-\(UUID().uuidString)")
        try Interruption.shared.creatingTemporaryFiles {
            Interruption.shared.registerTemporaryFile(dir.path)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        return dir
    }

    public static func lab(for example: Example, in dir: URL, index: Int) throws -> Lab {
        guard let builtIn = BuiltInServerProfile.forHost(example.host),
            let intermediate = builtIn.expectedIntermediate, let root = builtIn.expectedRoot
        else { throw SetupError(description: "demo: no built-in profile with a chain for \(example.host)") }
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
    public static func collectBundle(_ name: String) throws -> CollectedBundle {
        let folder = name.hasSuffix("/") ? String(name.dropLast()) : name
        let files = CipherSuitesData.collectBundle.sorted { $0.key < $1.key }.map {
            CollectedBundle.File(name: folder + "/" + $0.key, bytes: $0.value)
        }
        do {
            return try CollectedBundle.read(files, source: folder, looksCollected: true)
        } catch {
            throw SetupError(description: "demo: \(error.description)")
        }
    }

    /// One example: its lab server, the diagnosis of its machine, and (with a bundle) the fix checked.
    public static func run(_ example: Example, index: Int, in dir: URL) async throws -> Outcome {
        let lab = try lab(for: example, in: dir, index: index)
        defer { lab.server.stop() }
        let name = "examples/\(example.file)"
        // A collect bundle (a folder: the file ends in "/") is read whole, as --config reads one.
        let bundle = example.file.hasSuffix("/") ? try collectBundle(name) : nil
        let inputs =
            bundle?.configFiles ?? [
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
        var walk: Walk?
        if let bundle { walk = await fixed(bundle, config: config, hosts: hosts, engine: engine, target: target) }
        let got = hosts.first.map { $0.succeeded ? "ok" : ($0.causes.first?.code.rawValue ?? "fails") } ?? "?"
        // Registry fixes must make the real handshake succeed; a network fix (a proxy bypass) cannot be tried here.
        let fixOK = hosts.allSatisfy { h in
            h.succeeded || h.fixConfirmedOnWire == true || !h.causes.contains { $0.fix?.changes.isEmpty == false }
        }
        let checked = walk.map { !$0.changes.isEmpty && $0.after.allSatisfy(\.succeeded) } ?? true
        let asExpected = got == example.expected && fixOK && checked && hosts.allSatisfy { $0.agrees != false }
        return Outcome(
            name: name, report: report, walk: walk, server: lab.description, resets: lab.server.resets, got: got,
            asExpected: asExpected)
    }

    /// The admin's whole path with the bundle: collect, diagnose, fix, check (the fix applied as the GPO would
    /// deliver it).
    static func fixed(
        _ bundle: CollectedBundle, config: WindowsTLSConfig, hosts: [HostDiagnosis], engine: DiagnoseEngine,
        target: ScanTarget
    ) async -> Walk {
        let changes = DiagnosisReport.combinedChanges(hosts)
        var fixed = config.registry
        Diagnoser.apply(changes, to: &fixed)
        var fixedConfig = WindowsTLSConfig.evaluate(registry: fixed, release: config.release, suggestNames: false)
        fixedConfig.stack = config.stack
        let after = await engine.run(config: fixedConfig, targets: [target])
        return Walk(bundle: bundle, hosts: hosts, after: after, changes: changes)
    }
}
