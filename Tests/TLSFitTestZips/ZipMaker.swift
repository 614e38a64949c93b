import Foundation

/// Zips made by Python's zipfile (as a real zip writer would), for the bundle reader's tests.
public enum ZipMaker {
    /// Writes `entries` (name in the zip, bytes) into a deflated zip and returns its bytes.
    public static func make(_ entries: [(String, [UInt8])], stored: Bool = false) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var spec: [[String]] = []
        for (i, entry) in entries.enumerated() {
            let file = dir.appendingPathComponent("entry-\(i)")
            try Data(entry.1).write(to: file)
            spec.append([entry.0, file.path])
        }
        let out = dir.appendingPathComponent("out.zip")
        let script = """
            import json, sys, zipfile
            spec = json.load(sys.stdin)
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED if sys.argv[2] == "stored" else zipfile.ZIP_DEFLATED) as z:
                for name, path in spec:
                    z.writestr(zipfile.ZipInfo(name, (2026, 12, 1, 9, 21, 2)), open(path, "rb").read(), compress_type=z.compression)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, out.path, stored ? "stored" : "deflated"]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: spec))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return [UInt8](try Data(contentsOf: out))
    }
}

/// The demo's collect bundle (CipherSuites/examples/server-2019-hardening), read from the source tree.
public enum DemoBundleFiles {
    public static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("CipherSuites/examples/server-2019-hardening")
    }

    public static func files(under prefix: String = "tlsfit-WS2019-APP01-20261201T092102Z/") throws -> [(
        String, [UInt8]
    )] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (prefix + name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}
