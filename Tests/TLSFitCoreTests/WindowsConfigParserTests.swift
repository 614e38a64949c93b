import Foundation
import TLSFitSystem
import Testing

@testable import TLSFitCore

@Suite("WindowsConfig parsers")
struct WindowsConfigParserTests {
    static let policy = RegistryPath.policySSL
    static let local = RegistryPath.localSSL

    // MARK: regedit

    @Test(
        "the three regedit 5.00 encodings read the same",
        arguments: [
            "regedit/export-utf16le-bom.reg", "regedit/export-utf8.reg", "regedit/export-utf8-bom.reg",
        ])
    func regeditEncodings(_ file: String) throws {
        let doc = try WindowsFixtures.document(file)
        let reference = try WindowsFixtures.document("regedit/export-utf8.reg")
        #expect(doc.format == .regedit)
        #expect(doc.changes == reference.changes)
        #expect(doc.operations.map(\.provenance.line) == reference.operations.map(\.provenance.line))
    }

    @Test func regeditValueForms() throws {
        let doc = try WindowsFixtures.document("regedit/export-utf16le-bom.reg")
        let snapshot = RegistrySnapshot(documents: [doc])
        let tls12 = RegistryPath.protocolKey(.tls12, client: true)
        #expect(snapshot.value(tls12, "Enabled")?.data == .dword(0xFFFF_FFFF))
        #expect(snapshot.value(tls12, "enabled")?.provenance.line == 9)
        let functions = try #require(snapshot.value(Self.local, "Functions"))
        #expect(
            functions.data
                == .multiString([
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                ]))
        #expect(functions.provenance.line == 16)
        #expect(snapshot.value(Self.local, "EccCurves")?.data == .multiString(["curve25519", "NistP384"]))
        let winhttp = RegistryPath.winHTTP
        #expect(snapshot.value(winhttp, "DefaultSecureProtocols")?.data == .dword(0xA00))
        #expect(snapshot.value(winhttp, "Note")?.data == .string(#"a "quoted" C:\path"#))
        #expect(snapshot.value(winhttp, "Expand")?.data == .expandString("%SystemRoot%"))
        #expect(snapshot.value(winhttp, "Big")?.data == .qword(1))
        #expect(snapshot.value(winhttp, "Blob")?.data == .binary(type: 3, bytes: [0xDE, 0xAD, 0xBE, 0xEF]))
        #expect(snapshot.value(winhttp, "")?.data == .string("default value"))
    }

    @Test func regedit4SingleByteMultiString() throws {
        let doc = try WindowsFixtures.document("regedit/regedit4-win7.reg")
        let snapshot = RegistrySnapshot(documents: [doc])
        let names = snapshot.value(Self.local, "Functions")?.data.stringList
        #expect(names?.first == "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384")
        #expect(names?.count == 5)
        // "HKLM\" spelled short reaches the same key.
        #expect(snapshot.value(RegistryPath.protocolKey(.tls12, client: true), "DisabledByDefault")?.data == .dword(1))
    }

    @Test func concatenatedExportsDeleteValuesAndKeys() throws {
        let doc = try WindowsFixtures.document("regedit/concatenated.reg")
        let snapshot = RegistrySnapshot(documents: [doc])
        #expect(snapshot.value(Self.policy, "Functions") != nil)
        #expect(snapshot.value(Self.policy, "EccCurves") == nil)
        #expect(!snapshot.hasKey(RegistryPath.protocolKey(.tls12, client: false)))
        #expect(doc.operations.contains { $0.action == .deleteKey && $0.provenance.line == 16 })
    }

    @Test(
        "regedit errors name the line",
        arguments: [
            ("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=dword:xyz\n", 3),
            ("Windows Registry Editor Version 5.00\n\"a\"=dword:1\n", 2),
            ("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\X\n", 2),
            ("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=hex:zz\n", 3),
            ("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\X]\n\"a\"=hex:01,\\\n", 3),
            ("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\X]\n\n\"a\"=\"open\n", 4),
            ("Windows Registry Editor Version 5.00\n[HKEY_LOCAL_MACHINE\\X]\nnonsense\n", 3),
            ("[HKEY_LOCAL_MACHINE\\X]\n\"a\"=dword:1\n", 1),
        ])
    func regeditErrors(_ text: String, _ line: Int) {
        #expect(throws: InputError.self) { try RegFileParser.parse(Array(text.utf8), source: "t.reg") }
        do {
            _ = try RegFileParser.parse(Array(text.utf8), source: "t.reg")
        } catch {
            #expect(error.line == line)
            #expect(error.source == "t.reg")
        }
    }

    @Test func brokenFixtureNamesFileAndLine() throws {
        #expect(throws: InputError.self) { try WindowsFixtures.document("broken/bad-dword.reg") }
        let bad = try WindowsFixtures.bytes("broken/bad-dword.reg")
        do { _ = try RegFileParser.parse(bad, source: "bad.reg") } catch {
            #expect(error.description.hasPrefix("bad.reg:5: "))
        }
    }

    @Test func multiLineStringAndComments() throws {
        let text =
            "Windows Registry Editor Version 5.00\r\n; comment\r\n[HKEY_LOCAL_MACHINE\\K]\r\n\"m\"=\"one\r\ntwo\"\r\n\"n\"=-\r\n"
        let doc = try RegFileParser.parse(Array(text.utf8), source: "m.reg")
        #expect(doc.operations.count == 3)
        #expect(doc.operations[1].action == .setValue(name: "m", data: .string("one\ntwo")))
        #expect(doc.operations[2].action == .deleteValue(name: "n"))
        #expect(doc.operations[2].provenance.line == 6)
    }

    // MARK: Registry.pol

    @Test func registryPolRecords() throws {
        let doc = try WindowsFixtures.document("pol/machine-registry.pol")
        #expect(doc.format == .registryPol)
        #expect(doc.operations.count == 7)
        let first = doc.operations[0]
        #expect(first.key == Self.policy)
        #expect(first.provenance.record == 1)
        #expect(first.provenance.byteOffset == 8)
        #expect(doc.operations[3].action == .deleteValue(name: "Enabled"))
        #expect(doc.operations[4].action == .deleteAllValues)
        #expect(doc.operations[1].action == .setValue(name: "EccCurves", data: .multiString(["NistP384", "NistP256"])))
    }

    @Test func registryPolErrorsGiveByteOffsets() throws {
        let bytes = try WindowsFixtures.bytes("broken/truncated.pol")
        do {
            _ = try RegistryPolParser.parse(bytes, source: "t.pol")
            Issue.record("truncated file parsed")
        } catch {
            #expect(error.byteOffset != nil)
            #expect(error.description.contains("t.pol (byte "))
        }
        #expect(throws: InputError.self) { try RegistryPolParser.parse(Array("PRex\u{1}\0\0\0".utf8), source: "x") }
        #expect(throws: InputError.self) {
            try RegistryPolParser.parse([0x50, 0x52, 0x65, 0x67, 2, 0, 0, 0], source: "x")
        }
        #expect(try RegistryPolParser.parse([0x50, 0x52, 0x65, 0x67, 1, 0, 0, 0], source: "x").operations.isEmpty)
    }

    @Test func registryPolSpecialNames() {
        func ops(_ name: String, data: [UInt8] = []) -> [RegistryOperation.Action] {
            RegistryPolParser.operationsFor(
                key: "SOFTWARE\\K", valueName: name, type: 1, data: data, provenance: ("p", 1, 8)
            ).map(\.action)
        }
        var list: [UInt8] = []
        for u in "a;b".utf16 { list += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        list += [0, 0]
        #expect(ops("**DeleteValues", data: list) == [.deleteValue(name: "a"), .deleteValue(name: "b")])
        #expect(ops("**DeleteKeys", data: list).count == 2)
        #expect(ops("**SecureKey").isEmpty)
        #expect(ops("**soft.X", data: [0x41, 0, 0, 0]) == [.setValueIfAbsent(name: "X", data: .string("A"))])
    }

    @Test func gpoBackupLayout() {
        let paths = [
            "Backup.xml", "{ID}/DomainSysvol/GPO/Machine/Registry.pol", "{ID}/DomainSysvol/GPO/User/registry.pol",
            "{B}\\domainsysvol\\gpo\\machine\\REGISTRY.POL",
        ]
        #expect(
            GPOBackupLayout.machinePolicyFiles(among: paths) == [
                "{B}\\domainsysvol\\gpo\\machine\\REGISTRY.POL", "{ID}/DomainSysvol/GPO/Machine/Registry.pol",
            ])
        #expect(GPOBackupLayout.machinePolicyFiles(among: ["x/Machine/registry.pol"]) == ["x/Machine/registry.pol"])
        #expect(GPOBackupLayout.machinePolicyFiles(among: ["x/User/registry.pol"]).isEmpty)
    }

    // MARK: gpresult

    @Test func gpresultReport() throws {
        let doc = try WindowsFixtures.document("gpresult/gpresult-utf16.xml")
        #expect(doc.format == .gpresultXML)
        let snapshot = RegistrySnapshot(documents: [doc])
        let functions = try #require(snapshot.value(Self.policy, "Functions"))
        #expect(functions.data.stringList?.count == 3)
        #expect(functions.provenance.line == 9)
        #expect(snapshot.value(Self.policy, "EccCurves")?.data == .multiString(["NistP384", "curve25519"]))
        #expect(snapshot.value(RegistryPath.protocolKey(.tls11, client: true), "Enabled")?.data == .dword(0))
        #expect(snapshot.value(RegistryPath.winHTTP, "DefaultSecureProtocols")?.data == .dword(0xA00))
        #expect(!(functions.data.stringList ?? []).contains("TLS_USER_SIDE_IS_IGNORED"))
    }

    @Test func gpresultErrors() throws {
        let bad = try WindowsFixtures.bytes("broken/bad.xml")
        do {
            _ = try GPResultParser.parse(bad, source: "bad.xml", xml: LibXML2Reader())
            Issue.record("malformed XML parsed")
        } catch {
            #expect(error.line == 4)
        }
        #expect(throws: InputError.self) {
            try GPResultParser.parse(
                Array("<?xml version=\"1.0\"?><Other/>".utf8), source: "o.xml", xml: LibXML2Reader())
        }
    }

    /// libxml2 itself reads the XML; its error numbers are put in words, with the line.
    @Test(arguments: [
        (
            "<Rsop>\n<A>\n", 2,
            "the document ends before its elements are closed (truncated?), or has content after the root element"
        ),
        ("<Rsop></Rsop>\n<Extra/>\n", 2, "or has content after the root element"),
        ("<Rsop>\n<A>a & b</A>\n</Rsop>", 2, "a bare '&'"),
        ("<Rsop>\n<A>&nbsp;</A>\n</Rsop>", 2, "an entity that is not declared"),
        ("<Rsop>\n<A x=\"1\" x=\"2\"/>\n</Rsop>", 2, "an attribute given twice"),
        ("<Rsop>\n<A>\n</B>\n</Rsop>", 3, "a closing tag does not match the open element"),
        ("<Rsop>\n<!-- open\n</Rsop>", 3, "a comment that is not closed"),
        ("", 1, "the document is empty"),
        ("<!-- nothing else -->\n", 2, "the document is empty"),
        (
            "<Rsop>\n" + String(repeating: "<A>x</A>\n", count: 20_000), 20_001,
            "the document ends before its elements are closed"
        ),
    ])
    func malformedXMLIsNamedInWords(text: String, line: Int, words: String) {
        do {
            _ = try GPResultParser.parse(Array(text.utf8), source: "x.xml", xml: LibXML2Reader())
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.message.contains(words), "\(error.message)")
            #expect(error.line == line, "\(error.message)")
        }
    }

    /// Entities and character references in text and attributes are replaced; CDATA is text;
    /// namespace prefixes are dropped from element names; line numbers are the tags' own.
    @Test func xmlTextAttributesAndLines() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-16"?>
            <q1:Rsop xmlns:q1="http://www.microsoft.com/GroupPolicy/Rsop">
              <q1:ComputerResults>
                <q1:ExtensionData>
                  <q1:Extension>
                    <q1:Policy>
                      <q1:Name>SSL Cipher Suite Order</q1:Name>
                      <q1:State>Enabled</q1:State>
                      <q1:EditText>
                        <q1:Name>SSL Cipher Suites</q1:Name>
                        <q1:Value>TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384&#44;<![CDATA[TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]]></q1:Value>
                      </q1:EditText>
                    </q1:Policy>
                    <q1:Properties hive="HKEY_LOCAL_MACHINE" key="SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client" name="Enabled" type="REG_DWORD" value="00000000" action="U &amp; R"/>
                  </q1:Extension>
                </q1:ExtensionData>
              </q1:ComputerResults>
            </q1:Rsop>
            """
        let root = try XMLTree.parse(Array(xml.utf8), source: "t.xml", xml: LibXML2Reader())
        #expect(root.name == "Rsop")
        #expect(root.line == 2)
        let value = try #require(root.descendants(named: "Value").first)
        #expect(value.text == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(value.line == 11)
        let properties = try #require(root.descendants(named: "Properties").first)
        #expect(properties.attributes["action"] == "U & R")
        #expect(properties.attributes["hive"] == "HKEY_LOCAL_MACHINE")
        #expect(properties.children.isEmpty)
        #expect(properties.line == 14)
    }

    @Test func gpresultDisabledPolicyDeletesValue() throws {
        let xml =
            "<Rsop><ComputerResults><Policy><Name>SSL Cipher Suite Order</Name><State>Disabled</State></Policy></ComputerResults></Rsop>"
        let doc = try GPResultParser.parse(Array(xml.utf8), source: "d.xml", xml: LibXML2Reader())
        #expect(doc.operations.map(\.action) == [.deleteValue(name: "Functions")])
    }

    // MARK: Get-TlsCipherSuite and lists

    @Test(
        "Get-TlsCipherSuite shapes",
        arguments: [
            ("tls/get-tlsciphersuite-list.txt", WindowsConfigFormat.tlsCipherSuiteList),
            ("tls/get-tlsciphersuite-table.txt", .tlsCipherSuiteTable),
            ("tls/get-tlsciphersuite.json", .tlsCipherSuiteJSON),
        ])
    func getTlsCipherSuite(_ file: String, _ format: WindowsConfigFormat) throws {
        let doc = try WindowsFixtures.document(file)
        #expect(doc.format == format)
        let op = try #require(doc.operations.first)
        guard case .setValue("Functions", let data) = op.action else {
            Issue.record("no Functions")
            return
        }
        #expect(
            data.stringList == [
                "TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
            ])
        #expect(op.itemLines?.count == 4)
        #expect(Set(op.itemLines ?? []).count == 4)
    }

    @Test func plainLists() throws {
        let comma = try WindowsFixtures.document("lists/gpo-field.txt")
        #expect(comma.format == .cipherList)
        #expect(comma.operations[0].itemLines == Array(repeating: 1, count: 6))
        let lines = try WindowsFixtures.document("lists/one-per-line.txt")
        #expect(lines.operations[0].itemLines == [2, 3, 4, 5, 6])
        #expect(throws: InputError.self) { try SuiteListParser.parsePlainList(Array("# nothing\n".utf8), source: "e") }
        #expect(throws: InputError.self) { try SuiteListParser.parsePlainList(Array("TLS_A,<b>\n".utf8), source: "e") }
    }

    // MARK: detection, paths, encodings

    @Test(
        "formats are detected from content",
        arguments: [
            ("regedit/export-utf16le-bom.reg", WindowsConfigFormat.regedit),
            ("regedit/regedit4-win7.reg", .regedit),
            ("pol/machine-registry.pol", .registryPol),
            ("gpresult/gpresult-utf16.xml", .gpresultXML),
            ("tls/get-tlsciphersuite.json", .tlsCipherSuiteJSON),
            ("tls/get-tlsciphersuite-table.txt", .tlsCipherSuiteTable),
            ("tls/get-tlsciphersuite-list.txt", .tlsCipherSuiteList),
            ("lists/gpo-field.txt", .cipherList),
        ])
    func detection(_ file: String, _ format: WindowsConfigFormat) throws {
        #expect(try WindowsConfigFormatDetector.detect(try WindowsFixtures.bytes(file), source: file) == format)
    }

    @Test func keyPathsNormalize() {
        let canonical = #"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#
        #expect(
            RegistryPath.normalize(#"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#)
                == canonical)
        #expect(RegistryPath.normalize(#"HKLM\SYSTEM\ControlSet001\Control\SecurityProviders\SCHANNEL\"#) == canonical)
        #expect(
            RegistryPath.normalize(
                #"Computer\HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\\SCHANNEL"#)
                == canonical)
        #expect(RegistryPath.normalize(#"HKEY_CURRENT_USER\Software"#) == #"HKEY_CURRENT_USER\Software"#)
        var s = RegistrySnapshot()
        s.apply(
            RegistryOperation(
                key: #"hklm\software\policies\microsoft\cryptography\configuration\ssl\00010002"#,
                action: .setValue(name: "FUNCTIONS", data: .string("X")),
                provenance: Provenance(file: "f", key: "k", value: "v"), format: .regedit))
        #expect(s.value(RegistryPath.policySSL, "Functions")?.data == .string("X"))
    }

    @Test func refusesHugeInput() {
        let big = [UInt8](repeating: 0x41, count: WindowsConfigReader.maximumFileSize + 1)
        do {
            _ = try WindowsConfigFormatDetector.parse(big, source: "big.reg")
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("64 MiB"))
        }
    }

    @Test func binaryAndMisencodedText() {
        #expect(throws: InputError.self) {
            try RegFileParser.parse([0x57, 0x69, 0x00, 0x6E, 0x00, 0x01, 0x02], source: "b")
        }
        // Latin-1 REGEDIT4 (not valid UTF-8) still reads.
        let latin1: [UInt8] =
            Array("REGEDIT4\r\n[HKEY_LOCAL_MACHINE\\K]\r\n\"n\"=\"caf".utf8) + [0xE9] + Array("\"\r\n".utf8)
        #expect(
            (try? RegFileParser.parse(latin1, source: "l"))?.operations.last?.action
                == .setValue(name: "n", data: .string("café")))
    }

    // MARK: writer round trip

    static let roundTripChanges: [RegFileWriter.Change] = [
        .init(key: RegistryPath.protocolKey(.tls12, client: true), action: .setValue(name: "Enabled", data: .dword(1))),
        .init(
            key: RegistryPath.protocolKey(.tls12, client: true),
            action: .setValue(name: "DisabledByDefault", data: .dword(0))),
        .init(key: RegistryPath.policySSL, action: .setValue(name: "Functions", data: .string("TLS_A,TLS_B"))),
        .init(
            key: RegistryPath.localSSL,
            action: .setValue(name: "Functions", data: .multiString((1...30).map { "TLS_SUITE_NUMBER_\($0)" }))),
        .init(key: RegistryPath.localSSL, action: .setValue(name: "Path", data: .expandString(#"%SystemRoot%\x "q""#))),
        .init(key: RegistryPath.localSSL, action: .setValue(name: "Q", data: .qword(0x0102_0304_0506_0708))),
        .init(key: RegistryPath.localSSL, action: .setValue(name: "", data: .binary(type: 3, bytes: Array(0...60)))),
        .init(key: RegistryPath.localSSL, action: .setValue(name: "N", data: .binary(type: 0, bytes: []))),
        .init(
            key: RegistryPath.localSSL, action: .setValue(name: #"we\"ird"#, data: .string(#"back\slash "and" quotes"#))
        ),
        .init(key: RegistryPath.winHTTP, action: .deleteValue(name: "DefaultSecureProtocols")),
        .init(key: RegistryPath.schannelCiphers + #"\RC4 128/128"#, action: .deleteKey),
    ]

    @Test("RegFileWriter round trips", arguments: [RegFileWriter.Encoding.utf16LE, .utf8, .utf8BOM])
    func writerRoundTrip(_ encoding: RegFileWriter.Encoding) throws {
        let bytes = RegFileWriter.write(Self.roundTripChanges, encoding: encoding, comment: "tlsfit fix")
        let doc = try RegFileParser.parse(bytes, source: "fix.reg")
        let changes = doc.changes.filter { $0.action != .createKey }
        #expect(changes == Self.roundTripChanges)
        #expect(try WindowsConfigFormatDetector.detect(bytes, source: "fix.reg") == .regedit)
    }
}
