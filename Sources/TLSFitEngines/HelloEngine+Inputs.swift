import FoundationEssentials
import TLSFitCore
import TLSFitSystem

extension HelloEngine {
    /// The capture file to read: `file` itself, or the capture inside a `tlsfit collect` bundle (a folder,
    /// or a zip, whose capture is written to a temporary file for libpcap). Bad input is an `OptionError`.
    public static func captureFile(_ file: String) throws -> (path: String, temporary: String?) {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { return (file, nil) }
        let bundle: CollectedBundle
        do throws(InputError) {
            if isDirectory {
                guard let folder = try CollectedBundle.readFolder(file) else {
                    throw InputError(source: file, message: "a GPO backup, not a capture or a tlsfit collect bundle")
                }
                bundle = folder
            } else {
                let head = try FileContents.read(file, limit: WindowsConfigReader.maximumFileSize) {
                    WindowsConfigReader.tooBig(file, $0)
                }
                guard ZipArchiveReader.looksLikeZip(head) else { return (file, nil) }
                bundle = try CollectedBundle.readZip(head, source: file)
            }
        } catch {
            throw OptionError("--pcap: \(error.description)")
        }
        guard let capture = bundle.capture else {
            throw OptionError(
                "--pcap: \(file) holds no capture (pcap or pcapng): run tlsfit collect's script with -Capture")
        }
        if isDirectory { return (capture.name, nil) }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tlsfit-capture-\(UUID().uuidString).pcapng"
        ).path
        try Interruption.shared.creatingTemporaryFiles {
            Interruption.shared.registerTemporaryFile(temporary)
            try Data(capture.bytes).write(to: URL(fileURLWithPath: temporary))
        }
        return (temporary, temporary)
    }

    /// `--decode`: hex (spaces, colons, newlines and a 0x prefix allowed) or @FILE holding hex text or raw bytes.
    public static func decodeArgument(_ argument: String) throws(InputError) -> [UInt8] {
        var text = argument
        var source = "--decode"
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            source = path
            // A ClientHello is at most a few records; a megabyte is far past any.
            let bytes = try FileContents.read(path, limit: 1 << 20) {
                InputError(source: path, message: "\($0) bytes; a captured ClientHello is far smaller")
            }
            if let first = bytes.first, first == 0x16 || first == 0x01 { return bytes }  // raw bytes
            text = String(decoding: bytes, as: UTF8.self)
        }
        return try bytes(hex: text, source: source)
    }
}
