import Foundation
import TLSFitCapture
import TLSFitCore
import TLSFitSystem

/// The fuzz targets: each takes libFuzzer's bytes, feeds them to one parser and, when the parser
/// accepts them, to what consumes its result. A target may see `InputError`; anything else
/// (a trap, a hang, unbounded memory) is a bug the fuzzer reports.
public enum FuzzTargets {
    /// `.reg` files written by regedit (REGEDIT4 and version 5, UTF-8 or UTF-16).
    public static func regedit(_ bytes: [UInt8]) {
        evaluate { () throws(InputError) in try RegFileParser.parse(bytes, source: "fuzz.reg") }
        // Depth and size: the input as a key-name component repeated to hundreds of levels, and
        // as a long value name, around Windows' limits (255 characters, 512 levels, 16,383).
        let (key, name) = deepKeyAndName(bytes)
        let text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\\(key)]\r\n\"\(name)\"=dword:00000001\r\n"
        evaluate { () throws(InputError) in try RegFileParser.parse(Array(text.utf8), source: "deep.reg") }
    }

    /// Registry.pol files from a GPO backup.
    public static func pol(_ bytes: [UInt8]) {
        evaluate { () throws(InputError) in try RegistryPolParser.parse(bytes, source: "fuzz.pol") }
        // Depth and size, as for regedit: one record with a deep key and a long value name.
        let (key, name) = deepKeyAndName(bytes)
        func utf16z(_ s: String) -> [UInt8] { (Array(s.utf16) + [0]).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        let record: [UInt8] = [0x5B, 0] + utf16z(key) + [0x3B, 0] + utf16z(name) + [0x3B, 0] + [4, 0, 0, 0] + [0x3B, 0]
            + [4, 0, 0, 0] + [0x3B, 0] + [1, 0, 0, 0] + [0x5D, 0]
        evaluate { () throws(InputError) in try RegistryPolParser.parse(Array("PReg".utf8) + [1, 0, 0, 0] + record, source: "deep.pol") }
    }

    /// A key of 1 to 1,024 levels whose components are made from the input (up to 300
    /// characters), and a value name of up to 20,000 characters.
    static func deepKeyAndName(_ bytes: [UInt8]) -> (key: String, name: String) {
        let first = Int(bytes.first ?? 0), second = Int(bytes.dropFirst().first ?? 0)
        let text = String(decoding: bytes.dropFirst(2).filter { $0 != 0x5C && $0 != 0x5D && $0 != 0x22 && $0 >= 0x20 }, as: UTF8.self)
        let component = text.isEmpty ? "k" : String(text.prefix(300))
        let levels = 1 + first * 4
        let key = Array(repeating: component, count: levels).joined(separator: "\\")
        let name = String(repeating: component, count: max(1, min(20_000, second * 80) / max(1, component.count)))
        return (key, name)
    }

    /// `gpresult /x` XML reports.
    public static func gpresult(_ bytes: [UInt8]) {
        evaluate { () throws(InputError) in try GPResultParser.parse(bytes, source: "fuzz.xml", xml: LibXML2Reader()) }
    }

    /// `Get-TlsCipherSuite` as a table, as `Format-List`, and a plain list of names (one a line or
    /// comma-separated, as in the GPO field): the same bytes go to each of the three.
    public static func suitesText(_ bytes: [UInt8]) {
        evaluate { () throws(InputError) in try SuiteListParser.parseTable(bytes, source: "fuzz.txt") }
        evaluate { () throws(InputError) in try SuiteListParser.parseListFormat(bytes, source: "fuzz.txt") }
        evaluate { () throws(InputError) in try SuiteListParser.parsePlainList(bytes, source: "fuzz.txt") }
    }

    /// `Get-TlsCipherSuite | ConvertTo-Json`.
    public static func suitesJSON(_ bytes: [UInt8]) {
        evaluate { () throws(InputError) in try SuiteListParser.parseJSON(bytes, source: "fuzz.json") }
    }

    /// A cipher list in any syntax tlsfit accepts (`--ciphers`).
    public static func cipherList(_ bytes: [UInt8]) {
        _ = try? CipherListParser.parse(String(decoding: bytes, as: UTF8.self), source: "--ciphers")
    }

    /// `host`, `host:port`, `[v6]:port` as typed on the command line.
    public static func hostPort(_ bytes: [UInt8]) {
        if let parsed = try? HostPort(parsing: String(decoding: bytes, as: UTF8.self)) {
            _ = parsed.description
        }
    }

    /// A saved server profile, loaded and validated as `--server-profile` loads it, then saved again.
    public static func serverProfile(_ bytes: [UInt8]) {
        guard let profiles = try? ServerProfileStore.load(bytes: bytes, source: "fuzz") else { return }
        _ = try? ServerProfileStore.encode(profiles)
    }

    /// Any Windows configuration file, format detected from content, as `tlsfit config` reads it.
    public static func windowsConfig(_ bytes: [UInt8]) {
        _ = try? WindowsConfigReader.read([.init(name: "fuzz", bytes: bytes)], release: nil, xml: LibXML2Reader())
    }

    /// A capture file (pcap or pcapng), read as `tlsfit hello --pcap` reads it. libpcap reads
    /// files, so the bytes go through one file per process (in /dev/shm when it exists).
    public static func capture(_ bytes: [UInt8]) {
        let path = captureScratchPath
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let contents = try? CaptureReader.read(path: path) else { return }
        for hello in contents.clientHellos where hello.bytes.count > CaptureReader.streamLimit || hello.bytes.first != 0x16 {
            fatalError("a ClientHello the reader should not have returned: \(hello.bytes.count) bytes")
        }
    }

    private static let captureScratchPath: String = {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(directory)/tlsfit-fuzz-capture-\(ProcessInfo.processInfo.processIdentifier).pcap"
    }()

    /// Parses, then evaluates what parsed, so the evaluator sees every shape the parser lets through.
    private static func evaluate(_ parse: () throws(InputError) -> WindowsConfigDocument) {
        guard let document = try? parse() else { return }
        _ = WindowsTLSConfig.evaluate(registry: RegistrySnapshot(documents: [document]), release: .windows7,
                                      suggestNames: false)
    }
}
