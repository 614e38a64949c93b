import FoundationEssentials
import TLSFitCore
import TLSFitSystem

/// A `diagnose` job: the inputs already read, the hosts already parsed. The engine turns it into a
/// `DiagnosisReport` (and the `.reg` fix file); the CLI only reads files, renders and exits.
public struct DiagnosePlan: Sendable {
    /// A WindowsUpdate.log, parsed: its name (as shown), and the release its OS build names.
    public struct Log: Sendable {
        public var name: String
        public var log: WindowsUpdateLog
        /// True when the log came from a `tlsfit collect` bundle rather than `--log`.
        public var fromBundle: Bool
        public var release: (release: WindowsRelease, exact: Bool)? {
            log.build.flatMap { WindowsBuildReleaseMap.release(forBuild: $0) }
        }

        public init(name: String, log: WindowsUpdateLog, fromBundle: Bool) {
            self.name = name
            self.log = log
            self.fromBundle = fromBundle
        }
    }

    /// The configuration files, as read (their names and bytes: a gpresult report's ReadTime dates them).
    public var inputs: [WindowsConfigReader.InputFile]
    /// The configuration arguments as given (`--config`), for the report.
    public var inputNames: [String]
    /// The bundles among the inputs: the third vantage point (`collect -Probe`) comes from them.
    public var bundles: [CollectedBundle] = []
    public var log: Log?
    /// `--windows`, when given.
    public var release: WindowsRelease?
    public var role: UpdateRole = .client
    /// `--stack`, when given; else the role's.
    public var stack: ClientStack?
    /// HOST arguments, parsed.
    public var hosts: [HostPort] = []
    /// `--windows-update`.
    public var windowsUpdate = false
    public var resolve: [String] = []
    public var connect: String?
    /// `--as-of`.
    public var asOf: Date?
    /// Build the `.reg` fix file (`--fix-out`).
    public var wantsFixFile = false

    public init(inputs: [WindowsConfigReader.InputFile], inputNames: [String]) {
        self.inputs = inputs
        self.inputNames = inputNames
    }

    /// The most hosts taken from a WindowsUpdate.log without HOST arguments: a log can name any
    /// number of host:port pairs, and each is a connection from this machine.
    public static let logHostLimit = 32

    /// The configuration: the release from `--windows`, else the export's CurrentVersion, else the log's OS build.
    public func configuration() throws(InputError) -> WindowsTLSConfig {
        var configuration = try WindowsConfigReader.read(inputs, release: release, xml: LibXML2Reader())
        let logRelease = log?.release
        if release == nil, configuration.detectedRelease?.release == nil, let fromLog = logRelease?.release {
            configuration = try WindowsConfigReader.read(inputs, release: fromLog, xml: LibXML2Reader())
        }
        if release == nil, logRelease != nil { configuration.releaseAssumed = false }  // one of the two named it
        configuration.stack = stack ?? role.stack
        return configuration
    }

    /// The hosts to diagnose: HOST arguments, else a `--log`'s failing hosts, else the role's.
    /// A collected bundle's log does not narrow the hosts: the admin's bundle is judged against every
    /// host of the role, and the hosts its log shows failing are added (each then compared with the log).
    public func targets(release: WindowsRelease, warn: (String) -> Void) throws(InputError) -> [ScanTarget] {
        var list = hosts
        let failures = log?.log.failures ?? []
        if list.isEmpty, !windowsUpdate, log?.fromBundle == true {
            list = role.hosts(release: release).map { HostPort(host: $0.host, port: $0.port) }
            list += failures.prefix(Self.logHostLimit).map { HostPort(host: $0.host, port: $0.port) }
        } else if list.isEmpty, !windowsUpdate, !failures.isEmpty {
            list = failures.map { HostPort(host: $0.host, port: $0.port) }
            if list.count > Self.logHostLimit {
                let rest = list[Self.logHostLimit...].map(\.description)
                list = Array(list.prefix(Self.logHostLimit))
                warn(
                    "--log: the log names \(Self.logHostLimit + rest.count) hosts; the first \(Self.logHostLimit) are checked. Not checked (\(rest.count)): \(rest.joined(separator: ", ")). Name hosts as arguments to check others."
                )
            }
        } else if list.isEmpty || windowsUpdate {
            list += role.hosts(release: release).map { HostPort(host: $0.host, port: $0.port) }
        }
        return try ScanTarget.list(
            hosts: list, windowsUpdate: false, resolve: resolve, connect: connect, connectAppliesToAll: true)
    }

    /// The moment the inputs describe: the newest of the log's lines, a gpresult report's time, `--as-of`.
    public var reference: (date: Date, source: String)? {
        var references: [(date: Date, source: String)] = []
        if let log, let t = log.log.newestTime { references.append((t, "\(log.name):\(log.log.newestTimeLine ?? 0)")) }
        for input in inputs {
            if let t = InputTime.gpresultReadTime(input.bytes) { references.append((t, "\(input.name) ReadTime")) }
        }
        if let asOf { references.append((asOf, "--as-of")) }
        return references.max { $0.date < $1.date }
    }
}

/// What a diagnosis run returns: the report, and the fix file when one was asked for and there is a change.
public struct DiagnoseResult: Sendable {
    public var report: DiagnosisReport
    /// The `.reg` file (UTF-16LE, as regedit writes) with every proposed change; nil when nothing is to fix.
    public var fixFile: [UInt8]?
}
