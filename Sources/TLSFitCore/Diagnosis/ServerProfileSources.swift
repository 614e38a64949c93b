import CipherSuites
import FoundationEssentials

/// A server profile shipped with tlsfit (`CipherSuites/server-profiles.json`): what is publicly
/// known about one Windows Update host (or family of hosts), each fact with its source and confidence.
public struct BuiltInServerProfile: Sendable, Hashable {
    public var name: String
    public var description: String
    /// Host names this profile stands for.
    public var hosts: [String]
    /// Subjects (common names) of the chain above the leaf: the issuing intermediate first, the root last.
    public var certificateChain: [String]
    /// How the host refuses a ClientHello it cannot serve: `alert` (a TLS alert) or `reset` (a TCP reset).
    public var refusal: String
    /// Per fact (`certificate`, `protocols`, `suites`, `refusal`, `groups`): where it comes from and how sure it is.
    public var facts: [EndpointFact]
    /// The profile, with `source` "built-in" and a synthetic certificate of the stated key type and chain.
    public var profile: ServerProfile

    /// The facts tlsfit assumed (not documented by Microsoft, not seen in public material).
    public var assumedFacts: [EndpointFact] { facts.filter { $0.confidence == .assumed } }

    public func fact(_ name: String) -> EndpointFact? { facts.first { $0.name == name } }

    /// The issuing intermediate a genuine certificate of this host chains to, when known.
    public var expectedIntermediate: String? { certificateChain.count >= 2 ? certificateChain.first : nil }
    /// The root a genuine chain ends at, when known.
    public var expectedRoot: String? { certificateChain.last }

    /// Every built-in profile. A malformed embedded file is a programming error.
    public static let all: [BuiltInServerProfile] = {
        do { return try parse(CipherSuitesData.serverProfilesJSON).profiles } catch {
            fatalError("server-profiles.json: \(error)")
        }
    }()

    /// Old profile names kept loadable (`windows-update`) -> the profile they now stand for.
    public static let aliases: [String: String] = {
        do { return try parse(CipherSuitesData.serverProfilesJSON).aliases } catch {
            fatalError("server-profiles.json: \(error)")
        }
    }()

    /// A profile by name, or by an alias (`windows-update` is the older RSA front end, `fe2-sls`).
    public static func named(_ name: String) -> BuiltInServerProfile? {
        let key = name.lowercased()
        if let p = all.first(where: { $0.name.lowercased() == key }) { return p }
        if let target = aliases.first(where: { $0.key.lowercased() == key })?.value {
            return all.first { $0.name == target }
        }
        return nil
    }

    /// Built-in profile names (and aliases) closest to a mistyped one, best first ("slsrc" -> "slscr").
    public static func suggestions(for text: String, limit: Int = 3) -> [String] {
        let names = all.map(\.name) + aliases.keys.sorted()
        return NameDistance.closest(to: text.lowercased(), among: NameDistance.Index(names), limit: limit)
    }

    /// Every name `--server-profile` takes besides files: the profiles, then the aliases.
    public static var allNames: [String] { all.map(\.name) + aliases.keys.sorted() }

    /// True for `windows-update`: given as `--server-profile`, it stands for every update host's own profile.
    public static func isUpdateServiceAlias(_ name: String) -> Bool {
        aliases.keys.contains { $0.lowercased() == name.lowercased() }
    }

    /// The profile of a known update host (`slscr.update.microsoft.com` -> `slscr`), if any.
    public static func forHost(_ host: String) -> BuiltInServerProfile? {
        let h = host.lowercased().trimmingSuffix(".")
        return all.first { $0.hosts.contains { $0.lowercased() == h } }
    }

    struct File: Decodable {
        struct Fact: Decodable {
            var confidence: String
            var date: String
            var source: String
        }
        struct Entry: Decodable {
            var name: String
            var description: String
            var certificateKeyType: String
            var certificateChain: [String]
            var hosts: [String]
            var protocols: [String: [String]]
            var serverPreference: Bool
            var groups: [String]
            var refusal: String
            var facts: [String: Fact]
        }
        var about: String
        var aliases: [String: String]
        var profiles: [Entry]
    }

    static let factNames = ["certificate", "protocols", "suites", "refusal", "groups"]

    static func parse(_ text: String) throws -> (profiles: [BuiltInServerProfile], aliases: [String: String]) {
        let file = try JSONDecoder().decode(File.self, from: Data(text.utf8))
        func fail(_ message: String) -> InputError { InputError(source: "server-profiles.json", message: message) }
        let profiles = try file.profiles.map { e in
            var protocols: [String: ProtocolSupport] = [:]
            var preference: [String: Bool] = [:]
            for (version, suites) in e.protocols {
                guard TLSVersion(rawValue: version) != nil else { throw fail("\(e.name): unknown protocol \(version)") }
                for s in suites where Catalog.shared.suite(named: s) == nil {
                    throw fail("\(e.name): unknown suite \(s)")
                }
                protocols[version] = ProtocolSupport(accepted: true, cipherSuites: suites)
                preference[version] = e.serverPreference
            }
            guard e.refusal == "alert" || e.refusal == "reset" else {
                throw fail("\(e.name): refusal must be alert or reset, not \(e.refusal)")
            }
            var facts: [EndpointFact] = []
            for name in factNames {
                guard let f = e.facts[name] else {
                    throw fail("\(e.name): fact '\(name)' has no source and confidence")
                }
                guard let confidence = EndpointFact.Confidence(rawValue: f.confidence) else {
                    throw fail(
                        "\(e.name): fact '\(name)': confidence must be documented, observed or assumed, not \(f.confidence)"
                    )
                }
                facts.append(EndpointFact(name: name, confidence: confidence, date: f.date, source: f.source))
            }
            if let extra = e.facts.keys.first(where: { !factNames.contains($0) }) {
                throw fail("\(e.name): unknown fact '\(extra)'")
            }
            let host = e.hosts.first ?? e.name
            // The synthetic chain: the leaf, then the intermediate the host is known to chain to.
            var chain = [
                CertificateInfo(
                    subject: "CN=\(host)",
                    issuer: e.certificateChain.first.map { "CN=\($0)" } ?? "(built-in profile: not measured)",
                    subjectAlternativeNames: e.hosts, keyType: e.certificateKeyType,
                    keyBits: e.certificateKeyType == "RSA" ? 2048 : 256,
                    keyCurve: nil, signatureAlgorithm: "", notBefore: nil, notAfter: nil, serialNumber: "",
                    sha256Fingerprint: "", isSelfSigned: false)
            ]
            if e.certificateChain.count >= 2 {
                chain.append(
                    CertificateInfo(
                        subject: "CN=\(e.certificateChain[0])", issuer: "CN=\(e.certificateChain[1])",
                        subjectAlternativeNames: [],
                        keyType: e.certificateKeyType, keyBits: e.certificateKeyType == "RSA" ? 4096 : 384,
                        keyCurve: nil,
                        signatureAlgorithm: "", notBefore: nil, notAfter: nil, serialNumber: "", sha256Fingerprint: "",
                        isSelfSigned: false))
            }
            let certificate = CertificateReport(
                chain: chain, verified: false, verifyError: "built-in profile: not measured", verifyCode: -1,
                verifiedName: nil)
            let profile = ServerProfile(
                host: host, port: 443, scannedAt: Date(timeIntervalSince1970: 1_795_564_800), source: "built-in",
                sourceDetail: "\(e.name): \(e.description). \(file.about)", protocols: protocols,
                serverPreference: preference,
                groups: e.groups, certificate: certificate)
            return BuiltInServerProfile(
                name: e.name, description: e.description, hosts: e.hosts, certificateChain: e.certificateChain,
                refusal: e.refusal, facts: facts, profile: profile)
        }
        for (alias, target) in file.aliases where !profiles.contains(where: { $0.name == target }) {
            throw fail("alias \(alias) names no profile (\(target))")
        }
        return (profiles, file.aliases)
    }
}

/// One fact about a Windows Update endpoint, with where it comes from and how sure it is.
public struct EndpointFact: Sendable, Hashable, Codable {
    public enum Confidence: String, Sendable, Hashable, Codable, CaseIterable {
        /// Microsoft says so.
        case documented
        /// Seen in public material (a published certificate or scan), not stated by Microsoft.
        case observed
        /// Inferred: nobody has shown it.
        case assumed
    }

    /// `certificate`, `protocols`, `suites`, `refusal`, `groups`.
    public var name: String
    public var confidence: Confidence
    /// When the fact was stated or seen (`2020-08`).
    public var date: String
    public var source: String

    public init(name: String, confidence: Confidence, date: String, source: String) {
        self.name = name
        self.confidence = confidence
        self.date = date
        self.source = source
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
