import TLSFitCore
import TLSFitHandshake

/// A `serve` job: the server profiles to play, each with the names it answers to (by SNI) and how it
/// refuses a client it cannot serve. `lab(bind:)` makes the CA, the leaf certificates and the hosts.
public struct LabServerPlan: Sendable {
    public struct Entry: Sendable {
        public var profile: ServerProfile
        public var names: [String]
        /// `alert` or `reset`.
        public var refusal: String
    }

    /// The certificates and virtual hosts of a lab server.
    public struct Lab: Sendable {
        public var ca: PEMCredential
        public var hosts: [VirtualHost]
        /// Each profile's host and its leaf certificate, in the plan's order.
        public var leaves: [(host: String, leaf: PEMCredential)]
    }

    public var entries: [Entry]

    /// A built-in profile (`slscr`, `windows-update`...), answering to each of its hosts.
    public static func builtIn(named name: String) -> LabServerPlan? {
        guard let b = BuiltInServerProfile.named(name) else { return nil }
        var seen = Set<String>()
        let names = ([b.profile.host] + b.hosts).filter { seen.insert($0.lowercased()).inserted }
        return LabServerPlan(entries: [Entry(profile: b.profile, names: names, refusal: b.refusal)])
    }

    /// Saved profiles (ServerProfile JSON): every host in them, refusing by alert.
    public static func saved(_ profiles: [ServerProfile]) -> LabServerPlan {
        LabServerPlan(entries: profiles.map { Entry(profile: $0, names: [$0.host], refusal: "alert") })
    }

    /// Every host is served, or none: refuses a plan with a host twice, or a profile that accepts no protocol.
    public func validate(source: String) throws(InputError) {
        var seen: [String: Int] = [:]
        for entry in entries.map(\.profile) {
            if let port = seen[entry.host.lowercased()] {
                throw InputError(
                    source: source,
                    message:
                        "the host \(entry.host) appears twice (ports \(port) and \(entry.port)); serve chooses the host by SNI, so give one profile per host"
                )
            }
            seen[entry.host.lowercased()] = entry.port
            guard !entry.acceptedVersions.isEmpty else {
                throw InputError(
                    source: source, message: "the profile of \(entry.host) accepts no protocol, so it cannot be served")
            }
        }
    }

    /// A private CA made on the fly, a leaf of each profile's key type, a virtual host per profile
    /// (the first also answers for `bind` and without SNI).
    public func lab(bind: String) throws -> Lab {
        let ca = try CertificateFactory.makeCA(commonName: "tlsfit Lab Root CA")
        var hosts: [VirtualHost] = []
        var leaves: [(host: String, leaf: PEMCredential)] = []
        for (index, entry) in entries.enumerated() {
            let leaf = try ServerProfileServer.leaf(
                for: entry.profile, extraNames: Array(entry.names.dropFirst()),
                bindAddress: index == 0 ? bind : nil, ca: ca)
            leaves.append((entry.profile.host, leaf))
            let configuration = ServerProfileServer.configuration(
                entry.profile, credentials: [leaf], refusal: entry.refusal)
            hosts.append(VirtualHost(names: entry.names, configuration: configuration))
        }
        return Lab(ca: ca, hosts: hosts, leaves: leaves)
    }
}
