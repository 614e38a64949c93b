import Foundation
import TLSFitCore
import TLSFitReports
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Renderers fed hostile strings (a certificate subject or policy string is attacker-controlled):
/// nothing may come out unescaped, and the HTML must still work in a real browser.
@Suite("Compatibility renderers")
struct CompatibilityRendererTests {
    static let hostile = "<script>alert('x')</script>\"onmouseover=alert(1) & =cmd|' /C calc'!A0"

    static var report: CompatibilityReport {
        let cells = [
            MatrixCell(
                candidate: "gpo-2026", windowsRelease: .windows11, host: "fe2.update.microsoft.com:443", verdict: .ok,
                protocol: .tls12, cipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", summary: "works", confirmed: true),
            MatrixCell(
                candidate: "gpo-2026", windowsRelease: .windows7, host: "fe2.update.microsoft.com:443", verdict: .fails,
                causes: ["unsupported-by-release"], windowsError: "0x80072EFE", summary: hostile, confirmed: true),
            MatrixCell(
                candidate: hostile, windowsRelease: .windows11, host: "fe2.update.microsoft.com:443", verdict: .fails,
                causes: ["no-shared-cipher"], windowsError: "0x80072EFE", summary: "no suite in common"),
            MatrixCell(
                candidate: hostile, windowsRelease: .windows7, host: "fe2.update.microsoft.com:443", verdict: .ok,
                protocol: .tls12, cipher: "TLS_RSA_WITH_AES_256_GCM_SHA384", summary: "works"),
        ]
        return CompatibilityReport(
            generatedAt: Date(timeIntervalSince1970: 1_800_000_000),
            candidates: [
                CandidateInfo(name: "gpo-2026", files: ["gpo.reg"]), CandidateInfo(name: hostile, files: [hostile]),
            ],
            windowsReleases: [.windows11, .windows7], hosts: ["fe2.update.microsoft.com:443"], cells: cells)
    }

    func render(_ format: ReportFormat) throws -> String {
        var out = ""
        try CompatibilityRenderer.render(Self.report, as: format, into: &out)
        return out
    }

    @Test func summarySaysWhichCandidatesAreSafe() {
        let summary = Self.report.summary
        #expect(summary.count == 2)
        #expect(summary.allSatisfy { !$0.safe })
        #expect(summary[0].failingCells == 1 && summary[0].okCells == 1)
    }

    @Test func htmlEscapesEverything() throws {
        let html = try render(.html)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("\"onmouseover"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        // Exactly one script element: ours.
        #expect(html.components(separatedBy: "<script>").count == 2)
        #expect(!html.contains("http://") && !html.contains("https://"), "no external assets")
        #expect(html.contains("FAILS") && html.contains("OK"), "verdicts in text, not colour alone")
    }

    @Test func junitHasOneCasePerCellAndEscapes() throws {
        let xml = try render(.junit)
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 4)
        #expect(xml.contains("tests=\"4\" failures=\"2\""))
        #expect(!xml.contains("<script>"))
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "JUnit output must be well-formed XML")
    }

    @Test func csvQuotesAndDefusesFormulas() throws {
        let csv = try render(.csv)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("candidate,windows_release,host,verdict"))
        #expect(!csv.contains(",=cmd"))
        #expect(csv.contains("\"\"onmouseover"))
    }

    @Test func markdownKeepsTablesIntact() throws {
        let md = try render(.markdown)
        #expect(md.contains("| gpo-2026 | **not safe** | 1 | 1 |"))
        #expect(!md.contains("<script>"))
        #expect(md.contains("\\|"))
    }

    @Test func jsonRoundTrips() throws {
        let json = try render(.json)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let back = try decoder.decode(CompatibilityReport.self, from: Data(json.utf8))
        #expect(back.cells == Self.report.cells)
        #expect(back.summary == Self.report.summary)
    }

    /// Renders the HTML in headless Chromium: the page script runs without error (it fills the row
    /// counter) and a screenshot is produced. Runs where Chromium is installed (.ci/run installs it).
    @Test(.enabled(if: Chromium.path != nil, "chromium is not installed"))
    func htmlRendersInChromium() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let page = dir.appendingPathComponent("report.html")
        try render(.html).write(to: page, atomically: true, encoding: .utf8)
        let dom = try Chromium.run(["--dump-dom", page.absoluteString])
        #expect(dom.stdout.contains("4 of 4 rows"), "the page script did not run: \(dom.stderr.suffix(500))")
        #expect(!dom.stderr.contains("Uncaught"), "script error: \(dom.stderr.suffix(500))")
        let shot = dir.appendingPathComponent("report.png")
        _ = try Chromium.run(["--screenshot=\(shot.path)", "--window-size=1280,900", page.absoluteString])
        let size = (try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "screenshot missing or empty")
    }
}

enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ arguments: [String]) throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--enable-logging=stderr", "--v=0",
            ] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

/// `probe --format json`: every stored property of the report and its parts is written.
@Suite("Probe JSON fields")
struct ProbeJSONFieldsTests {
    static func keys<T: Encodable>(_ value: T) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(value).utf8))
        return Set((object as? [String: Any] ?? [:]).keys)
    }

    static func properties(_ value: Any) -> Set<String> {
        Set(
            Mirror(reflecting: value).children.compactMap {
                $0.label.map { $0.hasPrefix("`") ? String($0.dropFirst().dropLast()) : $0 }
            })
    }

    @Test func everyFieldIsWritten() throws {
        let outcome = HandshakeOutcome(
            host: "h", port: 443, address: nil, sni: nil,
            negotiated: NegotiatedParameters(version: .tls12, cipherCode: 0xC030),
            certificate: nil,
            failure: HandshakeFailure(stage: .tls, kind: .alertReceived, alert: .handshakeFailure, detail: "d"),
            timings: HandshakeTimings(totalMs: 1))
        let offer = ProbeReport.Offer(
            minVersion: .tls12, maxVersion: .tls12, cipherList: nil, tls13CipherSuites: nil,
            groups: nil, signatureAlgorithms: nil, notNegotiable: [])
        let report = ProbeReport(outcome: outcome, offer: offer, openssl: "OpenSSL")
        #expect(try Self.keys(report) == Self.properties(report))
        #expect(try Self.keys(offer) == Self.properties(offer))
        let cipher = try #require(report.cipher)
        #expect(try Self.keys(cipher) == Self.properties(cipher))
        let failure = try #require(report.failure)
        #expect(try Self.keys(failure) == Self.properties(failure))
    }
}
