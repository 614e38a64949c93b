import Foundation
import TLSFitCore
import Testing

/// The output types list their JSON keys by hand (to write `null` instead of leaving keys out):
/// these tests fail when a stored property is added and its key is forgotten.
@Suite("Every stored property is written to JSON")
struct JSONFieldsTests {
    static func keys<T: Encodable>(_ value: T) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: Data(try JSONOutput.encode(value).utf8))
        return Set((object as? [String: Any] ?? [:]).keys)
    }

    static func properties(_ value: Any) -> Set<String> {
        Set(Mirror(reflecting: value).children.compactMap(\.label))
    }

    static func check<T: Encodable>(_ value: T) throws {
        #expect(try keys(value) == properties(value), "\(T.self)")
    }

    @Test func handshakeTypes() throws {
        let cert = CertificateInfo(
            subject: "CN=a", issuer: "CN=b", subjectAlternativeNames: [], keyType: "RSA", keyBits: 2048, keyCurve: nil,
            signatureAlgorithm: "sha256WithRSAEncryption", notBefore: nil, notAfter: nil, serialNumber: "01",
            sha256Fingerprint: "00", isSelfSigned: false)
        try Self.check(cert)
        let report = CertificateReport(
            chain: [cert], verified: false, verifyError: nil, verifyCode: 0, verifiedName: nil)
        try Self.check(report)
        try Self.check(HandshakeTimings(totalMs: 1))
        try Self.check(ServerProfile(host: "h", port: 443))
    }

    @Test func configurationTypes() throws {
        try Self.check(Provenance(file: "f.reg", key: "k", value: "v"))
        try Self.check(ConfigWarning(.duplicateSuite, "m", evidence: []))
    }

    @Test func nilFieldsAreNullNotMissing() throws {
        let object = try JSONSerialization.jsonObject(
            with: Data(try JSONOutput.encode(ServerProfile(host: "h", port: 1)).utf8))
        let dict = try #require(object as? [String: Any])
        #expect(dict["certificate"] is NSNull)
        #expect(dict["address"] is NSNull)
    }
}
