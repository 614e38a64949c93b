/// A folder or zip written by `tlsfit collect` (or gathered by hand), read as one input: every file
/// is recognised by its content, whatever its name. Configuration files go to the configuration
/// readers; the WindowsUpdate.log, the capture, the manifest and the `-Probe` results are kept for
/// the commands that use them. Pure apart from the zip reader.
public struct CollectedBundle: Sendable {
    /// One file of the bundle: its name for messages (`bundle.zip:folder/schannel.reg`) and bytes.
    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// The folder or zip as given.
    public var source: String
    /// The configuration files, with their detected formats, in the bundle's order.
    public var configFiles: [WindowsConfigReader.InputFile] = []
    public var updateLog: File?
    /// A pcap or pcapng file (pktmon etl2pcap).
    public var capture: File?
    public var manifest: CollectManifest?
    public var probe: WinHTTPProbe?
    /// Files collected for the admin that tlsfit does not read (Get-TlsEccCurve output: the registry
    /// exports carry the curve order).
    public var keptForAdmin: [String] = []
    /// What the admin should know about the bundle: a missing manifest, the manifest's gaps, files
    /// not read and why. Warnings, not errors.
    public var notes: [String] = []

    /// The file names `collect` writes (any of them in a folder makes it look collected).
    static var collectedNames: Set<String> { Set(CollectTable.all.map { $0.file.lowercased() } + ["manifest.json"]) }

    /// Reads the files of a bundle. `looksCollected`: the folder or zip is (or claims to be) a collect
    /// bundle, so a missing manifest is worth a warning.
    public static func read(_ files: [File], source: String, looksCollected: Bool) throws(InputError) -> CollectedBundle
    {
        var bundle = CollectedBundle(source: source)
        var claimsCollected = looksCollected
        for file in files {
            let base = file.name.split(separator: "/").last.map(String.init) ?? file.name
            if collectedNames.contains(base.lowercased()) { claimsCollected = true }
            try bundle.add(file, base: base)
        }
        if bundle.manifest == nil, claimsCollected {
            bundle.notes.insert(
                "\(source): no manifest.json (not written by tlsfit collect, or copied in part): what is missing cannot be told; read what is there",
                at: 0)
        }
        if let manifest = bundle.manifest {
            for gap in manifest.gaps { bundle.notes.append("\(source): \(gap)") }
            let present = Set(
                files.map { ($0.name.split(separator: "/").last.map(String.init) ?? $0.name).lowercased() })
            for item in manifest.items where item.status == "collected" && !present.contains(item.file.lowercased()) {
                bundle.notes.append(
                    "\(source): the manifest lists \(item.file) as collected, but the bundle does not hold it")
            }
        }
        if bundle.configFiles.isEmpty {
            throw InputError(
                source: source,
                message:
                    "neither a GPO backup (no DomainSysvol/GPO/Machine/registry.pol inside) nor a folder of exports or a tlsfit collect bundle: no configuration file tlsfit can read at its top level (registry exports, reg query output, Registry.pol, gpresult XML, netsh winhttp show proxy, Get-TlsCipherSuite output, cipher lists in .txt files)"
            )
        }
        return bundle
    }

    /// Sorts one file into its place, by content.
    mutating func add(_ file: File, base: String) throws(InputError) {
        let bytes = file.bytes
        if CollectedBundle.isCapture(bytes) {
            if capture == nil {
                capture = file
            } else {
                notes.append("\(file.name): a second capture; only \(capture?.name ?? "") is read")
            }
            return
        }
        if bytes.isEmpty {
            notes.append("\(file.name): empty; not read")
            return
        }
        if let manifest = try CollectManifest.parse(bytes, source: file.name) {
            self.manifest = manifest
            return
        }
        if let probe = try WinHTTPProbe.parse(bytes, source: file.name) {
            self.probe = probe
            return
        }
        if base.lowercased().hasSuffix(".etl") {
            notes.append(
                "\(file.name): an ETL trace, which tlsfit cannot read; convert it to pcapng (pktmon etl2pcap, or etl2pcapng) for hello --pcap"
            )
            return
        }
        let format: WindowsConfigFormat
        do { format = try WindowsConfigFormatDetector.detect(bytes, source: file.name) } catch {
            notes.append("\(file.name): not read (\(error.message))")
            return
        }
        if format == .cipherList {
            // The detector's fallback: anything that is text. Tell the other text files apart first.
            if CollectedBundle.looksLikeUpdateLog(bytes), (try? WindowsUpdateLog.parse(bytes, source: file.name)) != nil
            {
                if updateLog == nil {
                    updateLog = file
                } else {
                    notes.append("\(file.name): a second WindowsUpdate.log; only \(updateLog?.name ?? "") is read")
                }
                return
            }
            if CollectedBundle.isCurveList(bytes) {
                // Get-TlsEccCurve output, kept for the admin: the registry exports carry the curve order tlsfit reads.
                keptForAdmin.append(file.name)
                return
            }
            // A plain cipher list has no signature of its own: read one only from a file named as an export (.txt...).
            let isExportName =
                base.split(separator: ".").count > 1
                && GPOBackupLayout.exportExtensions.contains(String(base.split(separator: ".").last ?? "").lowercased())
            guard isExportName, (try? SuiteListParser.parsePlainList(bytes, source: file.name)) != nil else {
                notes.append("\(file.name): not a file tlsfit recognises; not read")
                return
            }
        }
        configFiles.append(.init(name: file.name, bytes: bytes, format: format))
    }

    /// pcap (either byte order, micro- or nanosecond) or pcapng.
    static func isCapture(_ b: [UInt8]) -> Bool {
        guard b.count >= 4 else { return false }
        let magic = Array(b.prefix(4))
        return [
            [0x0A, 0x0D, 0x0D, 0x0A], [0xD4, 0xC3, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4], [0x4D, 0x3C, 0xB2, 0xA1],
            [0xA1, 0xB2, 0x3C, 0x4D],
        ].contains(magic)
    }

    /// The first non-blank line starts with a date (`2026/12/07` or `2026-12-07`), as every
    /// WindowsUpdate.log line does.
    static func looksLikeUpdateLog(_ bytes: [UInt8]) -> Bool {
        guard let text = try? TextDecoding.decode(Array(bytes.prefix(4096)), source: "").text else { return false }
        guard let line = TextDecoding.lines(text).map({ $0.bytes.trimmed() }).first(where: { !$0.isEmpty }) else {
            return false
        }
        let b = Array(line.prefix(10))
        guard b.count == 10 else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { b[$0] >= 0x30 && b[$0] <= 0x39 }
        return digits && (b[4] == UInt8(ascii: "/") || b[4] == UInt8(ascii: "-")) && b[7] == b[4]
    }

    /// Every non-blank line is a curve name Get-TlsEccCurve prints.
    static func isCurveList(_ bytes: [UInt8]) -> Bool {
        guard let text = try? TextDecoding.decode(bytes, source: "").text else { return false }
        let names = TextDecoding.lines(text).map { $0.bytes.trimmed().string }.filter { !$0.isEmpty }
        let known: Set<String> = [
            "curve25519", "curve448", "nistp256", "nistp384", "nistp521", "brainpoolp256r1", "brainpoolp384r1",
            "brainpoolp512r1", "secp256k1",
        ]
        return !names.isEmpty && names.allSatisfy { known.contains($0.lowercased()) }
    }
}

extension CollectedBundle {
    /// Which files of a folder are the bundle's, given the folder's relative file paths: those at its
    /// top level, or, when it holds only one folder (an unpacked zip), that folder's.
    public static func folderFiles(among relativePaths: [String]) -> [String] {
        let top = relativePaths.filter { !$0.contains("/") }.sorted()
        if !top.isEmpty { return top }
        let folders = Set(relativePaths.compactMap { $0.split(separator: "/").first.map(String.init) })
        guard folders.count == 1, let only = folders.first else { return [] }
        return relativePaths.filter { $0.hasPrefix(only + "/") && $0.split(separator: "/").count == 2 }.sorted()
    }
}
