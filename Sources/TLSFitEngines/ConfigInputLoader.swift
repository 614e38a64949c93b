import FoundationEssentials
import TLSFitCore
import TLSFitSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the command's paths: files (up to 64 MiB), standard input (`-`), GPO backup folders, and
/// `tlsfit collect` bundles (a folder or its zip), each file of which is recognised by its content.
public enum ConfigInputLoader {
    /// The configuration files of `paths`, and the bundles among them (for their WindowsUpdate.log,
    /// capture and `-Probe` results). `note` hears each bundle's notes (a missing manifest, its gaps).
    public static func loadWithBundles(
        _ paths: [String], note: (String) -> Void
    ) throws(InputError) -> (inputs: [WindowsConfigReader.InputFile], bundles: [CollectedBundle]) {
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
        for text in bundles.flatMap(\.notes) { note(text) }
        return (result, bundles)
    }

    public static func folderBundle(_ folder: String) throws(InputError) -> CollectedBundle? {
        try CollectedBundle.readFolder(folder)
    }

    /// Standard input, with the same 64 MiB limit as files: reading stops one byte past it, so
    /// an endless stream is refused without being held in memory.
    public static func readStandardInput() throws(InputError) -> [UInt8] {
        let limit = WindowsConfigReader.maximumFileSize
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let n = chunk.withUnsafeMutableBytes {
                read(STDIN_FILENO, $0.baseAddress, min($0.count, limit + 1 - bytes.count))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[0..<n]
        }
        guard bytes.count <= limit else {
            throw InputError(
                source: "<stdin>", message: "more than 64 MiB on standard input; tlsfit reads inputs up to 64 MiB")
        }
        return bytes
    }

    public static func tooBig(_ name: String, _ size: Int) -> InputError { WindowsConfigReader.tooBig(name, size) }

    public static func readFile(_ path: String) throws(InputError) -> WindowsConfigReader.InputFile {
        let bytes = try FileContents.read(path, limit: WindowsConfigReader.maximumFileSize) { tooBig(path, $0) }
        return .init(name: path, bytes: bytes)
    }

    /// The files of a folder: the machine Registry.pol files of a GPO backup (searched case-insensitively),
    /// or else the exports at the top level of a folder of exports. (A folder that is not a GPO backup
    /// is read as a bundle by `folderBundle`; this stays for the GPO backups.)
    public static func gpoBackupFiles(_ folder: String) throws(InputError) -> [String] {
        let relative = FolderWalk.files(under: folder, limit: 100_000).files
        // The two documented layouts: a GPO backup (its machine Registry.pol files) and a folder of
        // exports (files at the top level). Nothing else is read.
        // A GPO backup also holds Backup.xml and bkupInfo.xml at its top level: they are not exports.
        let policies = GPOBackupLayout.machinePolicyFiles(among: relative)
        let exports = policies.isEmpty ? GPOBackupLayout.exportFiles(among: relative) : []
        guard !policies.isEmpty || !exports.isEmpty else {
            throw InputError(
                source: folder,
                message:
                    "a folder, but neither a GPO backup (no DomainSysvol/GPO/Machine/registry.pol inside) nor a folder of exports (no .\(GPOBackupLayout.exportExtensions.joined(separator: ", .")) file at its top level)"
            )
        }
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        return (exports + policies).map { base + $0 }
    }
}
