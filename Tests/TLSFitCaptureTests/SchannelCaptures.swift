import TLSFitCore

/// Public Schannel ClientHellos found as text (JA3 strings, JA4_ro dumps, Wireshark decodes), with what
/// each must be named by `hello --pcap`. The binary captures are not at hand: each hello is rebuilt
/// from the fields its text gives, and a field the text does not give is filled as the fixture says
/// (`reconstructed`). Provenance: Tests/TLSFitCaptureTests/SchannelCaptures.md.
struct SchannelCapture: CustomStringConvertible, Sendable {
    var name: String
    /// When it was captured (seconds since 1970), as the pcap record carries it.
    var timestamp: Double
    var recordVersion: UInt16 = 0x0303
    var serverName: String?
    var suites: [UInt16]
    /// Extension types in wire order; their bodies are built from the fields below.
    var extensions: [UInt16]
    var groups: [UInt16] = [0x001D, 0x0017, 0x0018]
    var signatureAlgorithms: [UInt16]
    var versions: [UInt16] = []
    var keyShares: [UInt16] = []
    var sessionIDLength = 0
    var alpn: [String] = []
    /// Fields the text does not give, filled in (said in the README).
    var reconstructed: [String]
    /// The fingerprints the source prints: the rebuilt hello must have them (nil: the source gives none).
    var publishedJA3: String? = nil
    var publishedJA4: String? = nil

    // What `hello --pcap` must say of it.
    var release: String
    var stack: String
    var patchLevel: String?
    /// Difference kinds the best match may show (what the application, not Schannel, adds); empty: identical.
    var allowedDifferences: Set<String> = []
    /// Releases that must not be in the best match (made after the capture, or another family).
    var notReleases: [String] = []
    /// A note the ranking must carry ("left out, made after the capture").
    var note: String?

    var description: String { name }

    var hello: ClientHello {
        var exts: [TLSExtension] = []
        func u16s(_ values: [UInt16], lengthBytes: Int = 2) -> [UInt8] {
            var out: [UInt8] =
                lengthBytes == 2
                ? [UInt8((values.count * 2) >> 8), UInt8((values.count * 2) & 0xFF)] : [UInt8(values.count * 2)]
            for v in values { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }
            return out
        }
        for type in extensions {
            var data: [UInt8] = []
            switch type {
            case 0x0000:
                let host = Array((serverName ?? "").utf8)
                let entry: [UInt8] = [0, UInt8(host.count >> 8), UInt8(host.count & 0xFF)] + host
                data = [UInt8(entry.count >> 8), UInt8(entry.count & 0xFF)] + entry
            case 0x0005: data = [1, 0, 0, 0, 0]
            case 0x000A: data = u16s(groups)
            case 0x000B: data = [1, 0]
            case 0x000D: data = u16s(signatureAlgorithms)
            case 0x0010:
                var list: [UInt8] = []
                for p in alpn { list += [UInt8(p.utf8.count)] + Array(p.utf8) }
                data = [UInt8(list.count >> 8), UInt8(list.count & 0xFF)] + list
            case 0x002B: data = u16s(versions, lengthBytes: 1)
            case 0x002D: data = [1, 1]
            case 0x0033:
                var entries: [UInt8] = []
                for g in keyShares {
                    let n = WindowsClientHelloBuilder.keyLength(g)
                    entries +=
                        [UInt8(g >> 8), UInt8(g & 0xFF), UInt8(n >> 8), UInt8(n & 0xFF)]
                        + [UInt8](repeating: 0x5A, count: n)
                }
                data = [UInt8(entries.count >> 8), UInt8(entries.count & 0xFF)] + entries
            case 0xFF01: data = [0]
            default: data = []
            }
            exts.append(TLSExtension(type: type, data: data))
        }
        return ClientHello(
            recordVersion: recordVersion, version: 0x0303, random: (0..<32).map { UInt8($0 &* 5) },
            sessionID: [UInt8](repeating: 0x11, count: sessionIDLength), cipherSuites: suites,
            compressionMethods: [0], extensions: exts)
    }

    /// 2019-01-15, 2019-05-23, 2022-06-15, 2023-06-15, 2026-09-15 (UTC noon).
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Double {
        // Days from 1970-01-01 (proleptic Gregorian), then noon.
        let a = (14 - m) / 12
        let yy = y + 4800 - a
        let mm = m + 12 * a - 3
        let jdn = d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045
        return Double(jdn - 2_440_588) * 86_400 + 43_200
    }

    static let windows10SignatureAlgorithms: [UInt16] = [
        0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603,
    ]
    static let pssFirst: [UInt16] = [
        0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603,
    ]
    /// The Windows 10 1809-22H2 list without DHE (WinINet), 3DES last.
    static let win10NineteenSuites: [UInt16] = [
        0xC02C, 0xC02B, 0xC030, 0xC02F, 0xC024, 0xC023, 0xC028, 0xC027, 0xC00A, 0xC009,
        0xC014, 0xC013, 0x009D, 0x009C, 0x003D, 0x003C, 0x0035, 0x002F, 0x000A,
    ]

    static let all: [SchannelCapture] = [
        // FoxIO-LLC/ja4 latest.pcapng, stream 3 (JA4_ro): WinINet on Windows 10, 2023 patch level.
        SchannelCapture(
            name: "ja4-latest-stream3", timestamp: day(2023, 6, 15), serverName: "discovery.cem.cloud.us",
            suites: win10NineteenSuites, extensions: [0x0000, 0x0005, 0x000A, 0x000B, 0x000D, 0x0023, 0x0017, 0xFF01],
            signatureAlgorithms: pssFirst, reconstructed: ["groups", "point formats", "timestamp"],
            publishedJA3: "a0e9f5d64349fb13191bc781f81f42e1", publishedJA4: "t12d190800_d83cc789557e_7af1ed941c26",
            release: "windows-10-22h2", stack: "wininet", patchLevel: "2023", notReleases: ["windows-11"]),
        // curl.exe on Windows 11 (CSC 436 annotated capture, 2026-09-15): TLS 1.3, curl asks for TLS 1.2-1.3 and ALPN.
        SchannelCapture(
            name: "win11-curl-tls13", timestamp: day(2026, 9, 15), recordVersion: 0x0301, serverName: "www.example.com",
            suites: [
                0x1302, 0x1301, 0xC02C, 0xC02B, 0xC030, 0xC02F, 0xC024, 0xC023, 0xC028, 0xC027, 0xC00A, 0xC009, 0xC014,
                0xC013,
                0x009D, 0x009C, 0x003D, 0x003C, 0x0035, 0x002F,
            ],
            extensions: [
                0x0000, 0x0005, 0x002B, 0x000D, 0x0023, 0x000A, 0x000B, 0x0010, 0x0033, 0x0031, 0x0017, 0xFF01, 0x002D,
            ],
            signatureAlgorithms: pssFirst, versions: [0x0304, 0x0303], keyShares: [0x001D, 0x0017, 0x0018],
            sessionIDLength: 32,
            alpn: ["http/1.1"], reconstructed: ["key share bytes", "psk mode value (one mode)"],
            publishedJA3: "fae0e5d973c96ae1888b99538efa0363", publishedJA4: "t13d2013h1_2b729b4bf6f3_e24568c0d440",
            release: "windows-11", stack: "sspi", patchLevel: nil, allowedDifferences: ["extensions-extra"],
            notReleases: ["windows-10-22h2", "windows-11-21h2"]),
        // The RDP client (CredSSP over Schannel) on Windows 10 1607 / Server 2016, 0x4D31/fatt README (2019-05-23).
        SchannelCapture(
            name: "fatt-rdp-1607", timestamp: day(2019, 5, 23), serverName: "192.168.1.20",
            suites: [
                0xC02C, 0xC02B, 0xC030, 0xC02F, 0x009F, 0x009E, 0xC024, 0xC023, 0xC028, 0xC027, 0xC00A, 0xC009, 0xC014,
                0xC013,
                0x0039, 0x0033, 0x009D, 0x009C, 0x003D, 0x003C, 0x0035, 0x002F, 0x000A, 0x006A, 0x0040, 0x0038, 0x0032,
                0x0013,
                0x0005, 0x0004,
            ],
            extensions: [0x0000, 0x0005, 0x000A, 0x000B, 0x000D, 0x0023, 0x0017, 0xFF01],
            signatureAlgorithms: windows10SignatureAlgorithms, reconstructed: ["signature algorithms (JA3 has none)"],
            publishedJA3: "67e3d18fd9dddbbc8eca65f7dedac674",
            release: "windows-10-1607", stack: "sspi", patchLevel: "2015", notReleases: ["windows-10-1511"],
            note: "patch levels left out"),
        // Outlook (WinINet) on Windows 10, January 2019 (tlsfit issue 22's description; no public text of the bytes).
        SchannelCapture(
            name: "outlook-wininet-2019", timestamp: day(2019, 1, 15), serverName: "outlook.office365.com",
            suites: win10NineteenSuites, extensions: [0x0000, 0x0005, 0x000A, 0x000B, 0x000D, 0x0023, 0x0017, 0xFF01],
            signatureAlgorithms: windows10SignatureAlgorithms,
            reconstructed: [
                "every field from the issue's description: the 19-suite list, no PSS, WinINet's extensions"
            ],
            release: "windows-10-1809", stack: "wininet", patchLevel: "2015",
            notReleases: ["windows-10-22h2", "windows-10-1903", "windows-11"], note: "made after the capture"),
        // Server 2022, .NET SslStream with strong crypto (tlsfit issue 22: a public log of 2022): 22 suites, DHE-RSA-GCM kept, no 3DES.
        SchannelCapture(
            name: "server2022-dotnet", timestamp: day(2022, 6, 15), recordVersion: 0x0301,
            serverName: "api.example.net",
            suites: [
                0x1302, 0x1301, 0xC02C, 0xC02B, 0xC030, 0xC02F, 0x009F, 0x009E, 0xC024, 0xC023, 0xC028, 0xC027, 0xC00A,
                0xC009,
                0xC014, 0xC013, 0x009D, 0x009C, 0x003D, 0x003C, 0x0035, 0x002F,
            ],
            extensions: [0x0000, 0x002B, 0x000D, 0x0023, 0x000A, 0x000B, 0x0033, 0x0031, 0x0017, 0xFF01, 0x002D],
            signatureAlgorithms: pssFirst, versions: [0x0304, 0x0303, 0x0302, 0x0301],
            keyShares: [0x001D, 0x0017, 0x0018],
            sessionIDLength: 32,
            reconstructed: [
                "extensions, groups, key shares, record version: Windows 11's captured TLS 1.3 hello without status_request (.NET)"
            ],
            release: "server-2022", stack: "dotnet", patchLevel: nil, notReleases: ["windows-11-21h2", "server-2025"]),
    ]
}
