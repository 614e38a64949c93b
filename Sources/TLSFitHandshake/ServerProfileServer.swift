import FoundationEssentials
import TLSFitCore

/// Turns a server profile into a local OpenSSL server that behaves like it (for `serve` and `demo`).
public enum ServerProfileServer {
    /// - Parameter refusal: `reset` to refuse a hello the profile cannot serve with a TCP reset (as
    ///   sws.update.microsoft.com does), `alert` (OpenSSL's handshake_failure or protocol_version alert).
    public static func configuration(
        _ profile: ServerProfile, credentials: [PEMCredential], chainPEM: String? = nil,
        refusal: String = "alert"
    ) -> ServerConfiguration {
        let catalog = Catalog.shared
        let versions = profile.acceptedVersions
        let tls12 = TLSVersion.allCases.filter { $0 < .tls13 }.reversed().flatMap { profile.cipherSuites(for: $0) }
        var seen = Set<String>()
        let cipherList = tls12.compactMap { catalog.suite(named: $0)?.openssl }.filter { seen.insert($0).inserted }
        let tls13 = profile.cipherSuites(for: .tls13).compactMap { catalog.suite(named: $0)?.openssl }
        let groups = profile.groups.compactMap { NamedGroup.id(forName: $0).flatMap(NamedGroup.opensslName(forID:)) }
        var accepted: [TLSVersion: Set<UInt16>] = [:]
        for v in versions {
            accepted[v] = Set(profile.cipherSuites(for: v).compactMap { catalog.suite(named: $0)?.code })
        }
        var configuration = ServerConfiguration(
            credentials: credentials, chainPEM: chainPEM, minVersion: versions.last ?? .tls12,
            maxVersion: versions.first ?? .tls12,
            cipherString: cipherList.isEmpty ? "" : cipherList.joined(separator: ":") + ":@SECLEVEL=0",
            tls13CipherSuites: tls13.joined(separator: ":"),
            serverPreference: profile.enforcesOrder(versions.first(where: { $0 < .tls13 }) ?? .tls12),
            groups: groups.isEmpty ? nil : groups.joined(separator: ":"))
        if refusal == "reset" { configuration.resetUnlessOffered = accepted }
        return configuration
    }

    /// A leaf for the profile's host (and `extraNames`, and localhost and the bind address when
    /// given), of the profile's key type, issued by `ca`.
    public static func leaf(for profile: ServerProfile, extraNames: [String], bindAddress: String?, ca: PEMCredential)
        throws -> PEMCredential
    {
        let keyType: CertificateKeyType = (profile.certificateKeyType?.uppercased() == "EC") ? .ecdsaP256 : .rsa2048
        var names = [profile.host] + (bindAddress == nil ? [] : ["localhost"]) + extraNames
        var seen = Set<String>()
        names = names.filter { seen.insert($0.lowercased()).inserted }
        let ips = bindAddress.map { ["127.0.0.1", $0].filter { $0 != "0.0.0.0" } } ?? []
        return try CertificateFactory.issue(
            CertificateSpec(commonName: profile.host, dnsNames: names, ipAddresses: Array(Set(ips)), keyType: keyType),
            issuer: ca)
    }

    /// A CA and a leaf for the profile's host (and localhost / the bind address), of the profile's key type.
    public static func credentials(for profile: ServerProfile, extraNames: [String], bindAddress: String) throws -> (
        ca: PEMCredential, leaf: PEMCredential
    ) {
        let ca = try CertificateFactory.makeCA(commonName: "tlsfit Lab Root CA")
        let keyType: CertificateKeyType = (profile.certificateKeyType?.uppercased() == "EC") ? .ecdsaP256 : .rsa2048
        var names = [profile.host, "localhost"] + extraNames
        var seen = Set<String>()
        names = names.filter { seen.insert($0.lowercased()).inserted }
        let ips = ["127.0.0.1", bindAddress].filter { $0 != "0.0.0.0" }
        let leaf = try CertificateFactory.issue(
            CertificateSpec(commonName: profile.host, dnsNames: names, ipAddresses: Array(Set(ips)), keyType: keyType),
            issuer: ca)
        return (ca, leaf)
    }
}

/// Certificates for a lab server that plays an update host: a root and an intermediate named as the
/// host's real ones (or as a TLS-inspecting proxy's), and a leaf of the host's key type.
public struct LabChain: Sendable {
    public var root: PEMCredential
    public var intermediate: PEMCredential
    public var leaf: PEMCredential

    /// - Parameters:
    ///   - intermediateName, rootName: common names (`Microsoft ECC Update Secure Server CA 2.1`...).
    ///   - keyType: `EC` or `RSA`, for the leaf and the CAs.
    public static func make(
        host: String, extraNames: [String] = [], intermediateName: String, rootName: String,
        keyType: String
    ) throws -> LabChain {
        let ec = keyType.uppercased() == "EC"
        let root = try CertificateFactory.makeCA(commonName: rootName, keyType: ec ? .ecdsaP384 : .rsa2048)
        let intermediate = try CertificateFactory.issue(
            CertificateSpec(
                commonName: intermediateName, keyType: ec ? .ecdsaP384 : .rsa2048, notAfterDays: 3650, isCA: true),
            issuer: root)
        var seen = Set<String>()
        let names = ([host, "localhost"] + extraNames).filter { seen.insert($0.lowercased()).inserted }
        let leaf = try CertificateFactory.issue(
            CertificateSpec(
                commonName: host, dnsNames: names, ipAddresses: ["127.0.0.1"], keyType: ec ? .ecdsaP256 : .rsa2048),
            issuer: intermediate)
        return LabChain(root: root, intermediate: intermediate, leaf: leaf)
    }

    /// A pin set naming this lab's root key: for a lab that plays Microsoft's chain (the demo, tests),
    /// passed explicitly where the built-in set of Microsoft's real keys would refuse it.
    public func pins(origin: String = "lab") -> UpdatePinSet {
        let key = CertificateFactory.spkiSHA256(certificatePEM: root.certificatePEM) ?? ""
        return UpdatePinSet(
            keys: [
                UpdatePinSet.Key(
                    group: .update, role: "root", subject: "lab root", spkiSHA256: key, confidence: .assumed,
                    source: origin)
            ], origin: origin)
    }

    /// The same set as `update-pins.tsv` text, for `--test-pins FILE`.
    public func pinsTSV() -> String {
        let key = CertificateFactory.spkiSHA256(certificatePEM: root.certificatePEM) ?? ""
        return "update\troot\tlab root\t\(key)\tassumed\ttest lab\n"
    }
}
