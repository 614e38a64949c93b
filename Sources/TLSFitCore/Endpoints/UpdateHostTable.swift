/// The Windows Update host table: every catalog host with its role, scheme and what tlsfit knows of
/// its TLS side, each fact with source, date and confidence. Shared by `tlsfit suites hosts` and
/// `tlsfit config`. Pure.
public struct UpdateHostEntry: Sendable, Hashable, Codable {
    public var host: String
    public var port: Int
    public var scheme: String
    public var roles: [String]
    public var agents: [String]
    public var purpose: String
    public var source: String
    /// The built-in profile (`slscr`), nil for hosts tlsfit has no TLS knowledge of.
    public var profile: String?
    public var certificateKeyType: String?
    /// Intermediate first, root last.
    public var certificateChain: [String]?
    /// Keyed by `TLSv1.2`...: accepted suites (IANA names) in server order.
    public var protocols: [String: [String]]?
    public var refusal: String?
    public var facts: [EndpointFact]?
    /// The seed article's allow-list pattern that covers it.
    public var allowListPattern: String?

    public static func all(catalog: Catalog = .shared) -> [UpdateHostEntry] {
        catalog.updateHosts.map { h in
            let p = BuiltInServerProfile.forHost(h.host)
            var protocols: [String: [String]]?
            if let p {
                protocols = [:]
                for v in p.profile.acceptedVersions { protocols?[v.rawValue] = p.profile.cipherSuites(for: v) }
            }
            return UpdateHostEntry(
                host: h.host, port: h.port, scheme: h.scheme, roles: h.roles, agents: h.agents, purpose: h.purpose,
                source: h.source,
                profile: p?.name, certificateKeyType: p?.profile.certificateKeyType,
                certificateChain: p?.certificateChain, protocols: protocols,
                refusal: p?.refusal, facts: p?.facts,
                allowListPattern: AllowList.match(h.host, patterns: catalog.updateHostPatterns))
        }
    }

    /// The text table: one block per host.
    public static func text(_ entries: [UpdateHostEntry]) -> String {
        var out = ""
        for e in entries {
            out += "\(e.host):\(e.port) (\(e.scheme))  \(e.roles.joined(separator: ", "))"
            out +=
                e.agents.isEmpty
                ? "; contacted by no agent by default\n" : "; contacted by: \(e.agents.joined(separator: ", "))\n"
            out += "  \(e.purpose)\n"
            out += "  allow-list: \(e.allowListPattern ?? "not covered")\n"
            if e.scheme == "http" {
                out += "  served over plain HTTP: checked with TCP \(e.port) and one request, not TLS\n"
            }
            if let profile = e.profile {
                out +=
                    "  built-in profile '\(profile)': \(e.certificateKeyType == "EC" ? "ECDSA" : (e.certificateKeyType ?? "?")) certificate"
                if let chain = e.certificateChain, !chain.isEmpty { out += ", \(chain.joined(separator: " -> "))" }
                out += "; refuses by \(e.refusal == "reset" ? "TCP reset" : "alert")\n"
                for (version, suites) in (e.protocols ?? [:]).sorted(by: { $0.key > $1.key }) {
                    out += "    \(version): \(suites.joined(separator: ", "))\n"
                }
                for f in e.facts ?? [] {
                    out += "    \(f.name): \(f.confidence.rawValue.uppercased()) (\(f.date)) \(f.source)\n"
                }
            } else if e.scheme == "https" {
                out += "  no built-in TLS profile: measured live (tlsfit scan)\n"
            }
            out += "  source: \(e.source)\n\n"
        }
        return out
    }
}
