import Foundation
import TLSFitHandshake

/// A private CA and certificates for the update host names, made fresh for the test run.
public struct TestPKI: Sendable {
    public static let updateHost = "fe2.update.microsoft.com"

    public let ca: PEMCredential
    public let rsaLeaf: PEMCredential
    public let ecdsaLeaf: PEMCredential
    public let directory: URL
    /// PEM file holding the CA certificate, for `--ca-file`.
    public let caFile: String

    public static let shared: TestPKI = {
        do { return try TestPKI() } catch { fatalError("cannot make the test PKI: \(error)") }
    }()

    public init() throws {
        ca = try CertificateFactory.makeCA(commonName: "tlsfit Test Root CA")
        let names = [Self.updateHost, "sls.update.microsoft.com", "localhost"]
        rsaLeaf = try CertificateFactory.issue(
            CertificateSpec(
                commonName: Self.updateHost, dnsNames: names, ipAddresses: ["127.0.0.1"], keyType: .rsa2048), issuer: ca
        )
        ecdsaLeaf = try CertificateFactory.issue(
            CertificateSpec(
                commonName: Self.updateHost, dnsNames: names, ipAddresses: ["127.0.0.1"], keyType: .ecdsaP256),
            issuer: ca)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        caFile = directory.appendingPathComponent("ca.pem").path
        try ca.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
    }

    /// Writes a credential as cert.pem and key.pem files for an external server process.
    public func write(_ credential: PEMCredential, name: String) throws -> (cert: String, key: String) {
        let cert = directory.appendingPathComponent("\(name)-cert.pem").path
        let key = directory.appendingPathComponent("\(name)-key.pem").path
        try credential.certificatePEM.write(toFile: cert, atomically: true, encoding: .utf8)
        try credential.privateKeyPEM.write(toFile: key, atomically: true, encoding: .utf8)
        return (cert, key)
    }
}
