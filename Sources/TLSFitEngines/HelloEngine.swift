import TLSFitCapture
import TLSFitCore

/// `hello`: the exact ClientHello a Windows client sends, the decode of a captured one, or every
/// hello of a capture file, each as a report value.
public enum HelloEngine {
    /// The hello the configuration's release and stack send to `serverName` at the patch level.
    public static func emulated(_ configuration: WindowsTLSConfig, serverName: String, patch: String?)
        throws(WindowsClientHelloBuilder.NoHello) -> ClientHelloReport
    {
        let built = try WindowsClientHelloBuilder.build(config: configuration, serverName: serverName, patch: patch)
        var report = ClientHelloReport(
            hello: built.hello, source: "emulated", release: configuration.release,
            releaseAssumed: configuration.releaseAssumed, assumptions: built.assumptions, matches: nil,
            offered: built.profile.protocols, stack: configuration.stack, patchLevel: built.patchLevel,
            notes: patch == nil ? built.patchLevelNote.map { [$0] } ?? [] : [])
        // Every warning that changes this hello, with its file and line (no host here: nothing it leads to).
        report.configurationFindings = ConfigurationFinding.make(configuration.warnings, hosts: [])
        return report
    }

    /// The decode, fingerprints and closest releases of a captured hello.
    public static func decodedReport(
        _ hello: ClientHello, session: WindowsHelloMatcher.Session = .init(),
        capturedAt: Double? = nil
    ) -> ClientHelloReport {
        decodedReport(hello, ranking: session.rank(hello, limit: 5, capturedAt: capturedAt))
    }

    /// The report of a decoded hello already ranked.
    static func decodedReport(_ hello: ClientHello, ranking: WindowsHelloMatcher.Ranking) -> ClientHelloReport {
        ClientHelloReport(
            hello: hello, source: "decoded", release: nil, releaseAssumed: nil, assumptions: [],
            matches: ranking.matches, notes: ranking.notes)
    }

    /// Every ClientHello of the capture at `path` (named `file` in the report), each decoded and ranked.
    public static func capture(path: String, file: String) throws -> CaptureHelloReport {
        let contents = try CaptureReader.read(path: path)
        // One session: every candidate hello built once, a hello seen before ranked and reported from memory.
        var reports = CapturedHelloReports()
        let entries = contents.clientHellos.map { captured in
            var entry = CaptureHelloReport.Entry(
                packetNumber: captured.packetNumber, timestamp: captured.timestamp, source: captured.source,
                destination: captured.destination, proxyConnectTarget: captured.proxyConnectTarget,
                hello: nil, error: nil)
            do {
                entry.hello = reports.report(try ClientHello.decode(captured.bytes), capturedAt: captured.timestamp)
            } catch {
                entry.error = "\(error)"
            }
            return entry
        }
        return CaptureHelloReport(
            file: file, packetCount: contents.packetCount, linkType: contents.linkType,
            warnings: contents.warnings.map(\.description), clientHellos: entries)
    }

    /// Hex digits (spaces, colons, newlines and a 0x prefix allowed) as bytes.
    public static func bytes(hex text: String, source: String) throws(InputError) -> [UInt8] {
        var t = text.trimmingWhitespace()
        if t.lowercased().hasPrefix("0x") { t.removeFirst(2) }
        let digits = t.filter { !" \t\r\n:".contains($0) }
        guard !digits.isEmpty, digits.count % 2 == 0 else {
            throw InputError(source: source, message: "give the ClientHello as an even number of hex digits")
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else {
                let position = digits.distance(from: digits.startIndex, to: index) + 1
                throw InputError(
                    source: source, message: "'\(digits[index..<next])' at character \(position) is not hex")
            }
            out.append(byte)
            index = next
        }
        return out
    }
}
