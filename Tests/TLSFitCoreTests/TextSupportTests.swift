import Foundation
import TLSFitCore
import TLSFitSystem
import Testing

/// The standard-library replacements for Foundation's printf formatting and NSString methods
/// (tlsfit links FoundationEssentials only) agree with Foundation itself, which the tests link.
@Suite("Text support without Foundation")
struct TextSupportTests {
    @Test(arguments: [0, 1, 0x2F, 0xC02B, 0xFFFF, 0x1_0000, 0xDEAD_BEEF])
    func hexMatchesPrintf(value: Int) {
        #expect(value.hex(width: 4) == String(format: "%04X", value))
        #expect(value.hex(width: 2) == String(format: "%02X", value))
        #expect(value.hex(uppercase: false) == String(format: "%x", value))
        #expect(
            UInt8(truncatingIfNeeded: value).hex(width: 2, uppercase: false)
                == String(format: "%02x", UInt8(truncatingIfNeeded: value)))
    }

    // Ties and near-ties (0.25 is exact, 0.15 and 9.95 lie below their halves), signs of zero, large values.
    @Test(arguments: [
        0.0, 0.04, 0.05, 0.15, 0.25, 1.0, 9.95, 12.345, 99.99, 123_456.789, -0.04, -0.05, -3.25, 1e15 + 0.3, 1e300,
    ])
    func fixedMatchesPrintf(value: Double) {
        for decimals in 0...3 {
            #expect(
                value.fixed(decimals) == String(format: "%.\(decimals)f", value), "\(value) with \(decimals) decimals")
        }
    }

    @Test func fixedHandlesWhatPrintfPrintsAsWords() {
        #expect(Double.nan.fixed(1) == "nan")
        #expect(Double.infinity.fixed(1) == "inf")
        #expect((-Double.infinity).fixed(1) == "-inf")
    }

    @Test func paddingNeverTruncates() {
        #expect("ab".padded(to: 4) == "ab".padding(toLength: 4, withPad: " ", startingAt: 0))
        #expect("abcdef".padded(to: 4) == "abcdef")
        #expect("7.5".leftPadded(to: 6) == "   7.5")
        #expect("Schannel".padded(to: 0) == "Schannel")
    }

    @Test func caseInsensitiveSearchAgreesWithFoundation() {
        let lines = [
            "Making request with URL HTTPS://slscr.update.microsoft.com/SLS/x",
            "no scheme here",
            "hTtP://a.example",
            "<html><TITLE>Access Denied</TITLE></html>",
            "ÄÖÜ http://ümlaut.example",
        ]
        for line in lines {
            for needle in ["http", "HTTP", "<title>", "</title>", "ümlaut", "example", "://"] {
                let ours = line.firstOccurrence(of: needle, ignoringASCIICase: true)
                let foundation = line.range(of: needle, options: .caseInsensitive)
                #expect(ours == foundation, "\(needle) in \(line), ignoring case")
                #expect(line.firstOccurrence(of: needle) == line.range(of: needle), "\(needle) in \(line)")
                // In a substring, the range is the parent string's.
                let tail = line.dropFirst(3)
                #expect(tail.firstOccurrence(of: needle) == tail.range(of: needle), "\(needle) in \(tail)")
            }
        }
        #expect("abc".firstOccurrence(of: "") == nil)
        #expect("FAILED* [80072EFE]".firstOccurrence(of: "FAILED [") == nil)
        #expect("ab".firstOccurrence(of: "abc") == nil)
        #expect("SSL Cipher Suite Order".equalsIgnoringCase("ssl cipher suite order"))
        #expect(!"ECC Curve Order".equalsIgnoringCase("ECC Curve"))
    }

    @Test func trimmingCharactersAgreesWithFoundation() {
        for text in ["\"TLS_AES_128_GCM_SHA256\"", "'x'", "\"'both'\"", "none", "\"\"", ""] {
            #expect(text.trimming(["\"", "'"]) == text.trimmingCharacters(in: CharacterSet(charactersIn: "\"'")))
        }
    }
}

/// The JSON reader behind `Get-TlsCipherSuite | ConvertTo-Json` and saved scans: the same values
/// as JSONSerialization, and the line where a malformed document breaks.
@Suite("JSON reader")
struct JSONNodeTests {
    /// Compares a node with what JSONSerialization made of the same text.
    static func same(_ node: JSONNode, _ object: Any) -> Bool {
        switch node.value {
        case .null: return object is NSNull
        case .bool(let b): return object as? Bool == b
        case .number(_, let d): return (object as? NSNumber).map { $0.doubleValue == d } ?? false
        case .string(let s): return object as? String == s
        case .array(let a):
            guard let b = object as? [Any], a.count == b.count else { return false }
            return zip(a, b).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let d = object as? [String: Any], Set(members.map(\.key)).count == d.count else { return false }
            return members.allSatisfy { m in d[m.key].map { same(node[m.key]!, $0) } ?? false }
        }
    }

    @Test(arguments: [
        #"[{"Name": "TLS_AES_256_GCM_SHA384", "CipherSuite": 4866, "Exchange": "", "Certificate": null, "Protocols": [772]}]"#,
        #"{"Name":"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384","BaseCipherSuite":49196,"Cipher":"AES","MaxLength":256}"#,
        #""just a string""#,
        "  -12.5e3 ",
        "true",
        "[]",
        "{}",
        #"{"a": {"b": [1, 2, {"c": "\u00e9\ud83d\ude00\n\t\"\\\/"}]}, "d": false, "e": 0, "f": -0.0}"#,
        "[1, 2.25, 3e-2, 1E+2]",
    ])
    func valuesMatchJSONSerialization(text: String) throws {
        let node = try JSONNode.parse(Array(text.utf8))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(Self.same(node, object), "\(text)")
    }

    @Test func linesOfValues() throws {
        let text = "[\n  {\n    \"Name\": \"A\"\n  },\n  {\"Name\":\n\"B\"}\n]"
        let node = try JSONNode.parse(Array(text.utf8))
        guard case .array(let elements) = node.value else {
            Issue.record("not an array")
            return
        }
        #expect(elements.map(\.line) == [2, 5])
        #expect(elements.map { $0["Name"]?.line } == [3, 6])
        #expect(elements[1]["Name"]?.string == "B")
    }

    @Test(arguments: [
        ("[1,\n2,\n}", 3),
        ("{\"Name\": \"x\",\n \"Other\" 1}", 2),
        ("[\"unterminated\n\"]", 1),
        ("\n\n", 3),
        ("[1] [2]", 1),
        ("[01]", 1),
        ("[1.]", 1),
        ("[\"\\q\"]", 1),
        ("[tru]", 1),
        ("\n\n\n{\"a\": [1, 2, -]}", 4),
    ])
    func malformedDocumentsNameTheLine(text: String, line: Int) {
        #expect(throws: JSONNode.SyntaxError.self) { try JSONNode.parse(Array(text.utf8)) }
        do {
            _ = try JSONNode.parse(Array(text.utf8))
        } catch {
            #expect(error.line == line, "\(text.debugDescription): \(error.message)")
        }
        // JSONSerialization refuses each of them too.
        #expect(throws: (any Error).self) {
            try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        }
    }

    /// Stricter than JSONSerialization, which takes a trailing comma: RFC 8259 has none, and
    /// PowerShell's ConvertTo-Json and tlsfit never write one.
    @Test func aTrailingCommaIsMalformed() {
        for text in ["{\"a\":1,}", "[1,]"] {
            #expect(
                throws: JSONNode.SyntaxError(
                    line: 1, message: text.hasPrefix("{") ? "expected a quoted member name" : "unexpected character ']'"
                )
            ) {
                try JSONNode.parse(Array(text.utf8))
            }
        }
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        do {
            _ = try JSONNode.parse(Array(deep.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("nested more than"))
        }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect((try? JSONNode.parse(Array(fine.utf8))) != nil)
    }

    @Test func byteOrderMarkAndLoneSurrogates() throws {
        #expect(
            try JSONNode.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)).value
                == .array([JSONNode(value: .number("1", 1), line: 1)]))
        #expect(try JSONNode.parse(Array(#""\ud800x""#.utf8)).string == "\u{FFFD}x")
        #expect(try JSONNode.parse(Array("4866".utf8)).integer == 4866)
        #expect(try JSONNode.parse(Array("4866.5".utf8)).integer == nil)
    }
}

/// Reading input files with one open, fstat and read.
@Suite("Input files")
struct FileContentsTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func tooBig(_ size: Int) -> InputError { InputError(source: "t", message: "too big: \(size)") }

    @Test func readsUpToTheLimitAndRefusesMore() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.reg").path
        try Data(repeating: 0x41, count: 200_000).write(to: URL(fileURLWithPath: path))
        #expect(try FileContents.read(path, limit: 200_000, tooBig: Self.tooBig).count == 200_000)
        #expect(throws: InputError(source: "t", message: "too big: 200000")) {
            try FileContents.read(path, limit: 199_999, tooBig: Self.tooBig)
        }
        let empty = dir.appendingPathComponent("empty.reg").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try FileContents.read(empty, limit: 10, tooBig: Self.tooBig).isEmpty)
    }

    @Test func problemsAreNamedInWords() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: InputError(source: dir.path + "/none.reg", message: "no such file")) {
            try FileContents.read(dir.path + "/none.reg", limit: 10, tooBig: Self.tooBig)
        }
        #expect(throws: InputError(source: dir.path, message: "is a folder, not a file")) {
            try FileContents.read(dir.path, limit: 10, tooBig: Self.tooBig)
        }
        // A device without a size: read up to the limit, then refused.
        #expect(throws: InputError(source: "t", message: "too big: 11")) {
            try FileContents.read("/dev/zero", limit: 10, tooBig: Self.tooBig)
        }
        if getuid() != 0 {
            let locked = dir.appendingPathComponent("locked.reg").path
            FileManager.default.createFile(
                atPath: locked, contents: Data("x".utf8), attributes: [.posixPermissions: 0o000])
            #expect(throws: InputError(source: locked, message: "cannot open the file: permission denied")) {
                try FileContents.read(locked, limit: 10, tooBig: Self.tooBig)
            }
        }
    }

    @Test func folderWalkListsFilesSortedAndSaysWhatItCannotRead() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["b.reg", "a/x.pol", "a/deeper/y.xml", "c.json"] {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        // A link to a file is read; a link to a folder (here, a loop) is not followed.
        try FileManager.default.createSymbolicLink(
            atPath: dir.path + "/link.reg", withDestinationPath: dir.path + "/b.reg")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/a/loop", withDestinationPath: dir.path)
        let listing = FolderWalk.files(under: dir.path + "/")
        #expect(Set(listing.files) == ["b.reg", "c.json", "link.reg", "a/x.pol", "a/deeper/y.xml"])
        #expect(listing.unreadable.isEmpty && !listing.truncated)
        let limited = FolderWalk.files(under: dir.path, limit: 2)
        #expect(limited.files.count == 2 && limited.truncated)
        let missing = FolderWalk.files(under: dir.path + "/nothing")
        #expect(missing.files.isEmpty && missing.unreadable.map(\.reason) == ["No such file or directory"])
    }
}
