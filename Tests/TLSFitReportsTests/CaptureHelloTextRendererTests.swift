import TLSFitCore
import Testing

@testable import TLSFitReports

/// `hello --pcap` text: each distinct hello body rendered once, and wrapping on bytes for plain text, with the
/// same output as rendering every hello on its own.
@Suite struct CaptureHelloTextRendererTests {
    /// The original `TextLayout.wrap` (characters): the reference the byte path must equal.
    static func referenceWrap(_ text: String, width: Int, first: String, indent: String) -> String {
        var out = ""
        var line = first
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) where !word.isEmpty {
            if lineHasWord, line.count + 1 + word.count > width {
                out += line + "\n"
                line = indent
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord || line != indent { out += line + "\n" }
        return out
    }

    @Test func wrappingPlainTextOnBytesGivesTheLinesOfCharacters() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "a", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "0x0303", "", " ", "  ", "key-shares:", "x",
            "1234567890123",
        ]
        for _ in 0..<500 {
            let count = Int.random(in: 0...30, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: " ")
            for width in [40, 57, 80, 120] {
                let layout = TextLayout(width: width)
                for (first, indent) in [("", ""), ("  - ", "    "), ("", "  "), ("       ", "         ")] {
                    #expect(
                        layout.wrap(text, first: first, indent: indent)
                            == Self.referenceWrap(text, width: width, first: first, indent: indent))
                    let atoms = text.split(separator: " ").map(String.init)
                    #expect(
                        layout.wrap(atoms: atoms, first: first, indent: indent)
                            == Self.referenceWrap(text, width: width, first: first, indent: indent))
                }
            }
        }
        // Not plain: characters counted as before (a combining accent, a CR LF).
        let accents = "caf\u{E9} cafe\u{301} " + String(repeating: "w ", count: 40)
        for text in [accents, "a\r\nb " + String(repeating: "long ", count: 30)] {
            #expect(
                TextLayout(width: 40).wrap(text, first: "", indent: "  ")
                    == Self.referenceWrap(text, width: 40, first: "", indent: "  "))
        }
        #expect(!TextLayout.isPlain("a\r\nb") && !TextLayout.isPlain("\u{E9}") && TextLayout.isPlain("a b\tc"))
    }

    /// The same hello on several connections (random, session id and key shares new each time), and another one.
    static func capture(serverName: String) throws -> CaptureHelloReport {
        func hello(_ release: WindowsRelease) throws -> ClientHello {
            let config = try WindowsConfigReader.read([], release: release)
            return try WindowsClientHelloBuilder.build(config: config, serverName: serverName).hello
        }
        let windows11 = try hello(.windows11_23H2)
        let windows7 = try hello(.windows7)
        var hellos: [ClientHello] = []
        for seed in 0..<4 {
            var copy = seed == 2 ? windows7 : windows11
            copy.random = (0..<32).map { UInt8(truncatingIfNeeded: $0 * 3 + seed) }
            copy.sessionID = copy.sessionID.map { _ in UInt8(seed) }
            for i in copy.extensions.indices where copy.extensions[i].type == 0x0033 {
                copy.extensions[i].data = copy.extensions[i].data.enumerated().map {
                    $0 < 6 ? $1 : UInt8(truncatingIfNeeded: $0 + seed)
                }
            }
            hellos.append(copy)
        }
        #expect(hellos[0] != hellos[1])
        let entries = hellos.enumerated().map { i, hello in
            let report = ClientHelloReport(
                hello: hello, source: "decoded", release: nil, releaseAssumed: nil,
                assumptions: [], matches: WindowsHelloMatcher.rank(hello, limit: 2))
            return CaptureHelloReport.Entry(
                packetNumber: 2 * i + 2, timestamp: 1_700_000_000 + Double(i),
                source: "10.0.0.5:5000\(i)", destination: "192.0.2.1:443",
                proxyConnectTarget: nil, hello: report, error: nil)
        }
        return CaptureHelloReport(
            file: "test.pcap", packetCount: 8, linkType: "EN10MB", warnings: [],
            clientHellos: entries)
    }

    @Test(arguments: ["a.example", "b\u{FC}cher.example"])
    func aRepeatedHelloRendersAsEachHelloOnItsOwn(serverName: String) throws {
        let report = try Self.capture(serverName: serverName)
        for width in [40, 80, 132] {
            let layout = TextLayout(width: width)
            var text = ""
            CaptureHelloTextRenderer.render(report, layout: layout, into: &text)
            var alone: [String] = []
            for entry in report.clientHellos {
                var one = ""
                ClientHelloTextRenderer.render(try #require(entry.hello), layout: layout, into: &one)
                alone.append(one)
                #expect(text.contains(one))
            }
            // The hex (random, session id, key shares) differs; the rest of the body is the same.
            #expect(alone[0] != alone[1])
            #expect(
                CaptureHelloTextRenderer.bodyKey(try #require(report.clientHellos[0].hello))
                    == CaptureHelloTextRenderer.bodyKey(try #require(report.clientHellos[1].hello)))
            #expect(
                CaptureHelloTextRenderer.bodyKey(try #require(report.clientHellos[0].hello))
                    != CaptureHelloTextRenderer.bodyKey(try #require(report.clientHellos[2].hello)))
        }
    }
}
