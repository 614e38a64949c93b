/// Reads configuration files in order and evaluates the client they describe.
public enum WindowsConfigReader {
    /// Files larger than this are refused.
    public static let maximumFileSize = 64 << 20

    /// The error for an input file over `maximumFileSize`.
    public static func tooBig(_ name: String, _ size: Int) -> InputError {
        InputError(source: name, message: "the file is \(size / (1 << 20)) MiB; tlsfit reads input files up to 64 MiB")
    }

    /// The release assumed when the user names none.
    public static let defaultRelease = WindowsRelease.server2022

    /// One input: its name (for messages), its bytes, and its format when known.
    public struct InputFile: Sendable {
        public var name: String
        public var bytes: [UInt8]
        public var format: WindowsConfigFormat?
        public init(name: String, bytes: [UInt8], format: WindowsConfigFormat? = nil) {
            self.name = name
            self.bytes = bytes
            self.format = format
        }
    }

    /// Parses every file (format detected from content unless given), for evaluation; gpresult reports
    /// with `xml`. The values of a regedit export's keys that tlsfit never reads
    /// (`RegistryPath.mayBeRead`) are checked as strictly as the others but only counted
    /// (`skippedOperations`), so an export of a whole hive costs no memory for them.
    /// `WindowsConfigFormatDetector.parse` keeps every operation.
    public static func parse(_ files: [InputFile], xml: (any XMLPullReader)? = nil) throws(InputError)
        -> [WindowsConfigDocument]
    {
        var documents: [WindowsConfigDocument] = []
        documents.reserveCapacity(files.count)
        for file in files {
            documents.append(
                try WindowsConfigFormatDetector.parse(
                    file.bytes, source: file.name, format: file.format, xml: xml,
                    keepingValuesOf: RegistryPath.mayBeRead))
        }
        return documents
    }

    /// Group Policy precedence, not path order: what Group Policy delivered (`Registry.pol`, a
    /// `gpresult` report) is applied after the local exports, so it wins wherever both set a value,
    /// as on the machine, where policy is re-applied over local settings at every refresh. Within
    /// each group the given order is kept (later over earlier).
    public static func precedenceOrder(_ documents: [WindowsConfigDocument]) -> [WindowsConfigDocument] {
        documents.filter { !$0.format.isDeliveredPolicy } + documents.filter { $0.format.isDeliveredPolicy }
    }

    /// Parses the files, merges them in Group Policy precedence (delivered policy over local
    /// exports; otherwise later over earlier) and evaluates the client for `release` (default: Server 2022, marked as assumed).
    public static func read(
        _ files: [InputFile], release: WindowsRelease?, catalog: Catalog = .shared, xml: (any XMLPullReader)? = nil
    ) throws(InputError) -> WindowsTLSConfig {
        evaluate(try parse(files, xml: xml), release: release, catalog: catalog)
    }

    /// Merges parsed documents and evaluates them. The release is `release` when given, else the one
    /// the export's `CurrentVersion` names (`CurrentBuild`), else Server 2022 (marked as assumed). When
    /// both are given and disagree, `release` wins and a `release-mismatch` warning says so.
    public static func evaluate(
        _ documents: [WindowsConfigDocument], release: WindowsRelease?, catalog: Catalog = .shared
    ) -> WindowsTLSConfig {
        // Group Policy precedence, not path order: delivered policy over local exports.
        let documents = precedenceOrder(documents)
        let snapshot = RegistrySnapshot(documents: documents)
        let detected = DetectedRelease.detect(snapshot, catalog: catalog)
        let chosen = release ?? detected?.release ?? defaultRelease
        var config = WindowsTLSConfig.evaluate(
            registry: snapshot, release: chosen,
            releaseAssumed: release == nil && detected?.release == nil, catalog: catalog)
        config.detectedRelease = detected
        if let detected {
            if let requested = release, let found = detected.release, found != requested {
                config.warnings.insert(
                    ConfigWarning(
                        .releaseMismatch,
                        "--windows says \(requested.rawValue), but the export's CurrentVersion says \(detected.summary): \(found.rawValue); tlsfit follows --windows",
                        evidence: [detected.evidence]), at: 0)
            } else if detected.release == nil {
                config.warnings.insert(
                    ConfigWarning(
                        .releaseMismatch,
                        "the export's CurrentVersion says \(detected.summary), a build tlsfit does not know; evaluated as \(chosen.rawValue)\(release == nil ? " (assumed)" : "")",
                        evidence: [detected.evidence]), at: 0)
            }
        }
        return config
    }
}
