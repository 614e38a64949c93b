import Foundation
import Testing

@testable import TLSFitCore

/// Windows' own registry limits, enforced by every parser with the file and line or record, and
/// work that stays linear in the input (files generated here, not committed).
@Suite("Registry limits")
struct RegistryLimitsTests {
    static let header = "Windows Registry Editor Version 5.00\r\n\r\n"

    /// A Registry.pol record `[key;value;type;size;data]`.
    static func polRecord(key: String, value: String, type: UInt32 = 4, data: [UInt8] = [1, 0, 0, 0]) -> [UInt8] {
        func utf16z(_ s: String) -> [UInt8] { (Array(s.utf16) + [0]).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        func u32(_ v: UInt32) -> [UInt8] {
            [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        }
        let semi: [UInt8] = [0x3B, 0]
        return [0x5B, 0] + utf16z(key) + semi + utf16z(value) + semi + u32(type) + semi + u32(UInt32(data.count)) + semi
            + data + [0x5D, 0]
    }

    static let polHeader: [UInt8] = [0x50, 0x52, 0x65, 0x67, 1, 0, 0, 0]

    @Test func regKeyOf100kComponentsIsRefusedQuickly() throws {
        let key = "HKEY_LOCAL_MACHINE\\" + Array(repeating: "a", count: 100_000).joined(separator: "\\")
        let text = Self.header + "[\(key)]\r\n\"Enabled\"=dword:00000001\r\n"
        #expect(text.utf8.count > 190_000)
        let start = Date()
        #expect {
            try RegFileParser.parse(Array(text.utf8), source: "deep.reg")
        } throws: { error in
            let e = error as? InputError
            return e?.source == "deep.reg" && e?.line == 3 && e?.message.contains("512 levels") == true
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func regKeyComponentOver255CharactersIsRefused() {
        let text = Self.header + "[HKEY_LOCAL_MACHINE\\SOFTWARE\\\(String(repeating: "k", count: 256))]\r\n"
        #expect {
            try RegFileParser.parse(Array(text.utf8), source: "long.reg")
        } throws: { error in
            let e = error as? InputError
            return e?.line == 3 && e?.message.contains("255 characters") == true
        }
        // 255 is fine.
        let ok = Self.header + "[HKEY_LOCAL_MACHINE\\SOFTWARE\\\(String(repeating: "k", count: 255))]\r\n"
        #expect(throws: Never.self) { try RegFileParser.parse(Array(ok.utf8), source: "ok.reg") }
    }

    @Test func regValueNameOver16383CharactersIsRefused() {
        let text =
            Self.header
            + "[HKEY_LOCAL_MACHINE\\SOFTWARE\\A]\r\n\"\(String(repeating: "v", count: 16_384))\"=dword:1\r\n"
        #expect {
            try RegFileParser.parse(Array(text.utf8), source: "name.reg")
        } throws: { error in
            let e = error as? InputError
            return e?.line == 4 && e?.message.contains("16,383") == true
        }
    }

    /// 3.6 MB of deep keys (each just past the depth limit): refused at the first record.
    @Test func registryPolOfDeepKeysIsRefusedQuickly() {
        let deep = Array(repeating: "abcdefgh", count: 600).joined(separator: "\\")
        var bytes = Self.polHeader
        while bytes.count < 3_600_000 { bytes += Self.polRecord(key: "SOFTWARE\\" + deep, value: "Enabled") }
        let start = Date()
        #expect {
            try RegistryPolParser.parse(bytes, source: "Registry.pol")
        } throws: { error in
            let e = error as? InputError
            return e?.source == "Registry.pol" && e?.byteOffset == 8 && e?.message.contains("record 1") == true
                && e?.message.contains("512 levels") == true
        }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    /// Keys at the limits (255-character names, as deep as a Registry.pol string of 32,767
    /// characters allows) in bulk: accepted, and parsed and merged
    /// in time linear in the input.
    @Test func registryPolOfKeysAtTheLimitsStaysLinear() throws {
        let component = String(repeating: "k", count: 255)
        var bytes = Self.polHeader
        var records = 0
        while bytes.count < 3_600_000 {
            // Distinct at the root, so no key shares its ancestors with another.
            let key = "R\(records)\\" + Array(repeating: component, count: 127).joined(separator: "\\")
            bytes += Self.polRecord(key: key, value: "Enabled")
            records += 1
        }
        let start = Date()
        let document = try RegistryPolParser.parse(bytes, source: "Registry.pol")
        let snapshot = RegistrySnapshot(documents: [document])
        #expect(snapshot.allKeys.count == records)
        #expect(Date().timeIntervalSince(start) < 20)
        // Deleting them walks each subtree once.
        var copy = snapshot
        for i in 0..<records {
            copy.apply(
                RegistryOperation(
                    key: "R\(i)", action: .deleteKey,
                    provenance: Provenance(file: "x", key: "R\(i)", value: "(key deleted)"), format: .registryPol))
        }
        #expect(copy.allKeys.isEmpty)
    }

    @Test func registryPolValueNameOverTheLimitNamesTheRecord() {
        var bytes = Self.polHeader + Self.polRecord(key: "SOFTWARE\\A", value: "ok")
        bytes += Self.polRecord(key: "SOFTWARE\\A", value: String(repeating: "v", count: 16_384))
        #expect {
            try RegistryPolParser.parse(bytes, source: "Registry.pol")
        } throws: { error in
            (error as? InputError)?.message.contains("record 2") == true
        }
    }

    /// Many values in one key (200,000 here; a million is measured in the README): parsed and merged in linear time.
    @Test func regWithAMillionValuesIsLinear() throws {
        var text = Self.header + "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Many]\r\n"
        text.reserveCapacity(30_000_000)
        for i in 0..<200_000 { text += "\"v\(i)\"=dword:00000001\r\n" }
        let start = Date()
        let document = try RegFileParser.parse(Array(text.utf8), source: "many.reg")
        #expect(document.operations.count == 200_001)
        let snapshot = RegistrySnapshot(documents: [document])
        #expect(snapshot.value("SOFTWARE\\Many", "v199999") != nil)
        #expect(Date().timeIntervalSince(start) < 60)
    }

    /// REG_DWORD_BIG_ENDIAN (`hex(5)`) and unknown Registry.pol type numbers are not read as
    /// little-endian DWORDs: they are reported as wrong-value-type, as other mistyped values are.
    @Test func bigEndianAndUnknownTypesAreWrongValueTypes() throws {
        let reg =
            Self.header
            + "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client]\r\n\"Enabled\"=hex(5):00,00,00,00\r\n"
        let regConfig = WindowsTLSConfig.evaluate(
            registry: RegistrySnapshot(documents: [try RegFileParser.parse(Array(reg.utf8), source: "be.reg")]),
            release: .server2019)
        #expect(regConfig.warnings.contains { $0.code == .wrongValueType && $0.line == 4 }, "\(regConfig.warnings)")
        #expect(regConfig.protocols[.tls12]?.clientOffered == true, "a value Windows ignores changes nothing")

        let pol =
            Self.polHeader
            + Self.polRecord(
                key: "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client",
                value: "Enabled", type: 99, data: [0, 0, 0, 0])
        let polConfig = WindowsTLSConfig.evaluate(
            registry: RegistrySnapshot(documents: [try RegistryPolParser.parse(pol, source: "Registry.pol")]),
            release: .server2019)
        #expect(polConfig.warnings.contains { $0.code == .wrongValueType }, "\(polConfig.warnings)")
        #expect(polConfig.protocols[.tls12]?.clientOffered == true)
    }

}

/// An incomplete chain (the server did not send its intermediate) has no known root: the
/// intermediate named as the leaf's issuer must not be called the root.
@Suite("Certificate root")
struct CertificateRootTests {
    static func info(subject: String, issuer: String) -> CertificateInfo {
        CertificateInfo(
            subject: subject, issuer: issuer, subjectAlternativeNames: [], keyType: "RSA", keyBits: 2048, keyCurve: nil,
            signatureAlgorithm: "sha256WithRSAEncryption", notBefore: nil, notAfter: nil, serialNumber: "01",
            sha256Fingerprint: "00", isSelfSigned: subject == issuer)
    }

    @Test func anIncompleteChainNamesNoRoot() {
        let leaf = Self.info(subject: "CN=fe2.update.microsoft.com", issuer: "CN=Some Intermediate CA")
        let incomplete = CertificateReport(
            chain: [leaf], verified: false, verifyError: "unable to get local issuer certificate",
            verifyCode: 20, verifiedName: "fe2.update.microsoft.com")
        #expect(Diagnoser.rootSubject(incomplete) == nil)
        let complete = CertificateReport(
            chain: [leaf, Self.info(subject: "CN=Some Intermediate CA", issuer: "CN=Root")], verified: true,
            verifyError: nil, verifyCode: 0, verifiedName: "fe2.update.microsoft.com")
        #expect(Diagnoser.rootSubject(complete) == "CN=Root")
        let selfSigned = CertificateReport(
            chain: [Self.info(subject: "CN=x", issuer: "CN=x")], verified: false,
            verifyError: "self-signed certificate", verifyCode: 18, verifiedName: "x")
        #expect(Diagnoser.rootSubject(selfSigned) == "CN=x")
    }
}
