import Foundation
import Testing

@testable import TLSFitCore
@testable import TLSFitReports

/// One escaping rule for every output (issue 25): C0, DEL, C1 and the bidirectional overrides from
/// hostile files and servers never reach any renderer's output raw.
@Suite("Every renderer escapes hostile text")
struct HostileTextSweepTests {
    /// ESC c (terminal reset), CSI colour, BEL, NUL, BS, DEL, C1 NEL and CSI, the overrides and isolates, CR.
    static let hostile = [
        "\u{1B}c", "\u{1B}[31mred", "\u{7}", "\u{0}", "\u{8}", "\u{7F}", "\u{85}", "\u{9B}2J", "\u{202A}",
        "\u{202E}evil",
        "\u{2066}", "\u{2069}", "x\ry", "\u{1F}",
    ]
    static let text = "host" + hostile.joined()

    /// Scalars a renderer may write itself: the line feed (and CR of CSV's CRLF rows, checked apart).
    static func raw(_ output: String, allowing allowed: Set<Unicode.Scalar> = ["\n"]) -> [String] {
        output.unicodeScalars.filter { HostileCharacters.contains($0) && !allowed.contains($0) }
            .map { "U+" + String($0.value, radix: 16, uppercase: true) }
    }

    static func diagnosis() -> DiagnosisReport {
        let cause = Cause(
            code: .certificateUntrusted, summary: text, explanation: text,
            evidence: [Evidence(file: text, line: 3, key: text, value: text)], rootSubject: text,
            fix: Fix(description: text))
        var host = HostDiagnosis(
            host: text, port: 443, address: text, serverProfileSource: text, outcome: .fails,
            negotiated: .init(tlsProtocol: text, cipher: text, group: text),
            predicted: .init(tlsProtocol: text, cipher: text, group: text),
            predictedFailure: text, agrees: false,
            observedFailure: .init(
                stage: .certificate, kind: .alertReceived, alert: text, detail: text, windowsError: "0x80072F8F"),
            certificateRoot: text, causes: [cause], fixVerified: nil, fixConfirmedOnWire: nil, warnings: [text])
        host.path = text
        host.proxy = ProxyExchange(
            proxy: text, proxyAddress: text, request: text, credentialsSent: false, status: 403, statusLine: text,
            bodyFirstLine: text)
        host.wireNote = text
        return DiagnosisReport(
            windowsRelease: .windows10_22H2, windowsReleaseAssumed: false, inputs: [text], hosts: [host])
    }

    @Test func diagnosisRenderers() throws {
        let report = Self.diagnosis()
        let outputs = [
            // Text goes through Escaping.terminal where the command writes it (as every text output).
            "text": Escaping.terminal(DiagnosisTextRenderer.render(report)),
            "markdown": DiagnosisMarkdownRenderer.render(report),
            "html": DiagnosisHTMLRenderer.render(report),
            "json": try JSONOutput.encode(report),
        ]
        for (format, output) in outputs {
            #expect(Self.raw(output).isEmpty, "\(format): \(Self.raw(output).count)")
            #expect(output.contains("host"), "\(format)")
        }
        // JSON writes them as \u escapes and reads back the same text.
        let json = try #require(outputs["json"])
        #expect(json.contains("\\u202e") && json.contains("\\u0085") && json.contains("\\u007f"))
        let decoded = try JSONDecoder().decode(DiagnosisReport.self, from: Data(json.utf8))
        #expect(decoded.hosts.first?.host == Self.text)
    }

    @Test(arguments: ReportFormat.allCases)
    func compatibilityRenderers(_ format: ReportFormat) throws {
        let cell = MatrixCell(
            candidate: Self.text, windowsRelease: .windows10_22H2, host: Self.text, verdict: .fails,
            causes: [Self.text],
            windowsError: Self.text, summary: Self.text)
        let report = CompatibilityReport(
            candidates: [CandidateInfo(name: Self.text, files: [Self.text])], windowsReleases: [.windows10_22H2],
            hosts: [Self.text], cells: [cell], serverSources: [Self.text: Self.text])
        var output = ""
        try CompatibilityRenderer.render(report, as: format, into: &output)
        if format == .text { output = Escaping.terminal(output) }  // as `report` writes it
        let allowed: Set<Unicode.Scalar> = format == .csv ? ["\n", "\r"] : ["\n"]
        #expect(Self.raw(output, allowing: allowed).isEmpty, "\(format): \(Self.raw(output, allowing: allowed))")
        if format == .csv {
            // CR only in the CRLF that ends each row.
            #expect(!output.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        }
    }

    @Test func probeTextRenderer() {
        let outcome = HandshakeOutcome(
            host: Self.text, port: 443, address: Self.text, sni: Self.text, negotiated: NegotiatedParameters(),
            certificate: nil, failure: HandshakeFailure(stage: .proxy, kind: .proxyForbidden, detail: Self.text),
            timings: HandshakeTimings(totalMs: 1), path: Self.text,
            proxy: ProxyExchange(
                proxy: Self.text, proxyAddress: Self.text, request: Self.text, credentialsSent: false,
                status: 403, statusLine: Self.text, bodyFirstLine: Self.text))
        let offer = ProbeReport.Offer(
            minVersion: .tls12, maxVersion: .tls12, cipherList: Self.text, tls13CipherSuites: nil, groups: Self.text,
            signatureAlgorithms: Self.text, notNegotiable: [Self.text])
        let report = ProbeReport(outcome: outcome, offer: offer, openssl: Self.text)
        var text = ""
        ProbeTextRenderer.render(report, into: &text)
        text = Escaping.terminal(text)  // as `probe` writes it
        #expect(Self.raw(text).isEmpty, "\(Self.raw(text))")
        let json = (try? JSONOutput.encode(report)) ?? ""
        #expect(Self.raw(json).isEmpty, "\(Self.raw(json))")
    }

    @Test func escapingFunctionsFollowTheOneRule() {
        for s in Self.hostile {
            for (name, escaped) in [
                ("terminal", Escaping.terminal(s)), ("markdown", Escaping.markdown(s)), ("html", Escaping.html(s)),
                ("xml", Escaping.xml(s)), ("csv", Escaping.csv(s)),
            ] {
                #expect(Self.raw(escaped, allowing: []).isEmpty, "\(name) of \(s.unicodeScalars.map { $0.value })")
            }
        }
    }
}
