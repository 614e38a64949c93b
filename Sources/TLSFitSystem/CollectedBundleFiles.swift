import TLSFitCore

// A bundle's bytes from disk or from a zip: the core's `CollectedBundle.read(_:source:looksCollected:)`
// sorts the files; these read them.

extension CollectedBundle {
    /// The files of a zip bundle. The zip's single top folder (the machine's folder) is part of the
    /// names, as in the zip.
    public static func readZip(_ bytes: [UInt8], source: String) throws(InputError) -> CollectedBundle {
        let entries = try ZipArchiveReader.read(bytes, source: source)
        // Only the top level and one folder down: the layout collect writes.
        let files = entries.filter {
            $0.path.split(separator: "/").count <= 2
                && !$0.path.split(separator: "/").contains { $0.hasPrefix("__MACOSX") }
        }
        .map { File(name: source + ":" + $0.path, bytes: $0.bytes) }
        return try read(files, source: source, looksCollected: true)
    }
}

extension CollectedBundle {
    /// A folder that is not a GPO backup, read as a bundle (a `tlsfit collect` folder, or a folder of
    /// exports); nil for a GPO backup.
    public static func readFolder(_ folder: String) throws(InputError) -> CollectedBundle? {
        let listing = FolderWalk.files(under: folder, limit: 100_000)
        guard GPOBackupLayout.machinePolicyFiles(among: listing.files).isEmpty else { return nil }
        let relative = folderFiles(among: listing.files)
        guard !relative.isEmpty else {
            throw InputError(
                source: folder,
                message:
                    "a folder, but neither a GPO backup (no DomainSysvol/GPO/Machine/registry.pol inside) nor a folder of exports or a tlsfit collect bundle (no file at its top level)"
            )
        }
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        var files: [File] = []
        for name in relative {
            let path = base + name
            let bytes = try FileContents.read(path, limit: WindowsConfigReader.maximumFileSize) {
                WindowsConfigReader.tooBig(path, $0)
            }
            files.append(File(name: path, bytes: bytes))
        }
        return try read(files, source: folder, looksCollected: false)
    }

    /// A bundle on disk: a folder (not a GPO backup) or a zip; nil for anything else.
    public static func read(path: String) throws(InputError) -> CollectedBundle? {
        if path.lowercased().hasSuffix(".zip") {
            let bytes = try FileContents.read(path, limit: WindowsConfigReader.maximumFileSize) {
                WindowsConfigReader.tooBig(path, $0)
            }
            return try readZip(bytes, source: path)
        }
        return try readFolder(path)
    }
}
