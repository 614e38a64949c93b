import CipherSuites
import Foundation

/// A server profile shipped with tlsfit (`CipherSuites/server-profiles.json`).
public struct BuiltInServerProfile: Sendable, Hashable {
    public var name: String
    public var description: String
    /// Host names this profile stands for.
    public var hosts: [String]
    /// The profile, with `source` "built-in" and a synthetic certificate of the stated key type.
    public var profile: ServerProfile

    /// Every built-in profile. A malformed embedded file is a programming error.
    public static let all: [BuiltInServerProfile] = {
        do { return try parse(CipherSuitesData.serverProfilesJSON) } catch { fatalError("server-profiles.json: \(error)") }
    }()

    public static func named(_ name: String) -> BuiltInServerProfile? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }

    struct File: Decodable {
        struct Entry: Decodable {
            var name: String
            var description: String
            var certificateKeyType: String
            var hosts: [String]
            var protocols: [String: [String]]
            var serverPreference: Bool
            var groups: [String]
        }
        var about: String
        var profiles: [Entry]
    }

    static func parse(_ text: String) throws -> [BuiltInServerProfile] {
        let file = try JSONDecoder().decode(File.self, from: Data(text.utf8))
        return try file.profiles.map { e in
            var protocols: [String: ProtocolSupport] = [:]
            var preference: [String: Bool] = [:]
            for (version, suites) in e.protocols {
                guard TLSVersion(rawValue: version) != nil else { throw InputError(source: "server-profiles.json", message: "\(e.name): unknown protocol \(version)") }
                for s in suites where Catalog.shared.suite(named: s) == nil {
                    throw InputError(source: "server-profiles.json", message: "\(e.name): unknown suite \(s)")
                }
                protocols[version] = ProtocolSupport(accepted: true, cipherSuites: suites)
                preference[version] = e.serverPreference
            }
            let certificate = CertificateReport(
                chain: [CertificateInfo(subject: "CN=\(e.hosts.first ?? e.name)", issuer: "(built-in profile: not measured)",
                                        subjectAlternativeNames: e.hosts, keyType: e.certificateKeyType, keyBits: e.certificateKeyType == "RSA" ? 2048 : 256,
                                        keyCurve: nil, signatureAlgorithm: "", notBefore: nil, notAfter: nil, serialNumber: "",
                                        sha256Fingerprint: "", isSelfSigned: false)],
                verified: false, verifyError: "built-in profile: not measured", verifyCode: -1, verifiedName: nil)
            let profile = ServerProfile(
                host: e.hosts.first ?? e.name, port: 443, scannedAt: Date(timeIntervalSince1970: 1_795_564_800), source: "built-in",
                sourceDetail: "\(e.description). \(file.about)", protocols: protocols, serverPreference: preference,
                groups: e.groups, certificate: certificate)
            return BuiltInServerProfile(name: e.name, description: e.description, hosts: e.hosts, profile: profile)
        }
    }
}
