import FoundationEssentials
import TLSFitCore
import TLSFitHandshake
import TLSFitSystem

extension DiagnosePlan {
    /// `diagnose`'s words checked before anything is read: no HOST names a file (a configuration file given
    /// where a host goes is named first), and there is a configuration or a log.
    public static func checkArguments(hosts: [String], config: [String], log: String?) throws(OptionError) {
        do { for host in hosts { try HostArguments.rejectFile(host) } } catch { throw OptionError(error.description) }
        guard !config.isEmpty || log != nil else {
            throw OptionError("--config: name at least one configuration file (or give --log)")
        }
    }

    /// What the options name, each checked in the order `diagnose` reports them, before any file is read.
    public struct Checked: Sendable {
        public var release: WindowsRelease?
        public var asOf: Date?
        public var stack: ClientStack?
    }

    /// `diagnose`'s options checked before anything is read: the arguments, --windows, --timeout, --concurrency,
    /// --ca-file, --fix-out (writable), --config (no host among the files), --as-of, --stack.
    public static func checkOptions(
        hosts: [String], config: [String], log: String?, windows: String?, timeout: Double, concurrency: Int,
        caFile: String?, fixOut: String?, asOf: String?, stack: String?
    ) throws(OptionError) -> Checked {
        try checkArguments(hosts: hosts, config: config, log: log)
        let release = try WindowsRelease.option(windows)
        try ConnectionOptions.check(timeout: timeout, concurrency: concurrency, caFile: caFile)
        // Before any handshake: a fix file that cannot be written would only be found out at the end.
        if let fixOut, let problem = OutputPath.problem(fixOut, option: "--fix-out") { throw OptionError(problem) }
        if let message = HostAfterConfigHint.message(config) { throw OptionError(message) }
        return Checked(release: release, asOf: try asOfDate(asOf), stack: try ClientStack.option(stack))
    }

    /// The configuration files (and the collect bundles among them), then the WindowsUpdate.log.
    public static func read(config: [String], log: String?, note: (String) -> Void) throws(InputError) -> DiagnosePlan {
        let (inputs, bundles) = try ConfigInputLoader.loadWithBundles(config, note: note)
        var plan = DiagnosePlan(inputs: inputs, inputNames: config)
        plan.bundles = bundles
        plan.log = try readLog(log, bundles: bundles)
        return plan
    }
}

extension DiagnoseResult {
    /// `--fix-out`: writes the fix file; returns the warning when there is nothing to fix.
    public func writeFix(to path: String) throws(OptionError) -> String? {
        guard let bytes = fixFile else { return "--fix-out: nothing to fix; \(path) not written" }
        do { try AtomicFile.write(Data(bytes), to: path) } catch {
            throw OptionError("--fix-out: cannot write \(path): \(error)")
        }
        return nil
    }
}

extension ConfigInputLoader {
    /// The configuration the files make for `release` (nil: the export's, else the default), sent through `stack`.
    public static func configuration(
        _ paths: [String], release: WindowsRelease?, stack: ClientStack, note: (String) -> Void
    ) throws(InputError) -> WindowsTLSConfig {
        var configuration = try WindowsConfigReader.read(
            try loadWithBundles(paths, note: note).inputs, release: release, xml: LibXML2Reader())
        configuration.stack = stack
        return configuration
    }
}

extension DiagnoseEngine {
    /// `diagnose`'s engine: the server side from `serverProfiles` (a live scan, else the built-in profile, when
    /// none names the host), connections through `path`, as the machine's WinHTTP proxy would route them.
    public init(
        timeout: Double, caFile: String?, offline: Bool, serverProfiles: [String],
        machineProxy: MachineProxyConfiguration, path: NetworkPath, concurrency: Int, checkPin: Bool,
        warn: @escaping @Sendable (String) -> Void
    ) throws(InputError) {
        self.init(
            timeout: timeout, caFile: caFile, offline: offline,
            profileProvider: try ServerProfileInputs(serverProfiles).provider)
        (self.machineProxy, self.path) = (machineProxy, path)
        (self.concurrency, self.checkPin, self.warn) = (concurrency, checkPin, warn)
    }
}

extension ProbeEngine {
    /// The OpenSSL handshake of `plan`, with its offer; a configuration OpenSSL refuses is a
    /// `HandshakeConfigurationError`.
    public static func checkedRequest(_ plan: ProbePlan) throws -> (HandshakeRequest, ProbeReport.Offer) {
        let (request, offer) = try request(plan)
        try TLSClient.validate(request)
        return (request, offer)
    }
}
