/// The predicted result of a handshake between a client profile and a server profile.
public struct SimulatedHandshake: Sendable, Hashable {
    /// Why the simulated handshake fails: a fixed vocabulary.
    public enum Failure: String, Sendable, Hashable, Codable, CaseIterable {
        /// The client offers no protocol at all.
        case noClientProtocol = "no-client-protocol"
        /// Client and server have no protocol version in common.
        case noCommonProtocol = "no-common-protocol"
        /// At the agreed version, no suite both offer (and the certificate can serve).
        case noSharedCipher = "no-shared-cipher"
        /// Suites in common exist, but each needs an elliptic curve group they do not share.
        case noSharedGroup = "no-shared-group"
    }

    public var version: TLSVersion?
    public var suite: CipherSuite?
    public var group: String?
    public var failure: Failure?

    public var succeeded: Bool { failure == nil }
}

/// Predicts a TLS negotiation the way the server does it: the highest common protocol, then the
/// first suite by the server's order (when it enforces one) or the client's, restricted by the
/// certificate's key type and, for ECDHE and TLS 1.3, by the groups both sides have. Pure.
public enum NegotiationSimulator {
    public static func simulate(client: ClientProfile, server: ServerProfile) -> SimulatedHandshake {
        guard !client.protocols.isEmpty else { return SimulatedHandshake(failure: .noClientProtocol) }
        guard let version = client.protocols.reversed().first(where: { server.accepts($0) }) else {
            return SimulatedHandshake(failure: .noCommonProtocol)
        }
        let keyType = server.certificateKeyType
        let serverSuites = server.cipherSuites(for: version).compactMap { Catalog.shared.suite(named: $0) }
            .filter { suiteUsable($0, version: version, certificateKeyType: keyType) }
        let clientSuites = client.suites.map(\.suite).filter {
            suiteUsable($0, version: version, certificateKeyType: keyType)
        }
        let clientCodes = Set(clientSuites.map(\.code))
        let serverCodes = Set(serverSuites.map(\.code))
        let ordered: [CipherSuite] =
            server.enforcesOrder(version)
            ? serverSuites.filter { clientCodes.contains($0.code) }
            : clientSuites.filter { serverCodes.contains($0.code) }
        guard !ordered.isEmpty else { return SimulatedHandshake(version: version, failure: .noSharedCipher) }
        let group = sharedGroup(client: client, server: server, version: version)
        for suite in ordered {
            if needsCurve(suite, version: version) {
                guard let group else { continue }
                return SimulatedHandshake(version: version, suite: suite, group: group)
            }
            return SimulatedHandshake(version: version, suite: suite, group: suite.keyExchange == "DHE" ? "ffdhe" : nil)
        }
        return SimulatedHandshake(version: version, failure: .noSharedGroup)
    }

    /// True when the suite works at `version` with a certificate of `certificateKeyType` (`RSA`, `EC`; nil: unknown).
    public static func suiteUsable(_ suite: CipherSuite, version: TLSVersion, certificateKeyType: String?) -> Bool {
        guard suite.minVersion <= version, version <= suite.maxVersion else { return false }
        if version == .tls13 { return suite.isTLS13 }
        guard let keyType = certificateKeyType?.uppercased() else { return true }
        switch suite.authentication {
        case "RSA": return keyType == "RSA" || keyType == "RSA-PSS"
        case "ECDSA": return keyType == "EC" || keyType == "ECDSA"
        case "DSS": return keyType == "DSA"
        default: return true
        }
    }

    static func needsCurve(_ suite: CipherSuite, version: TLSVersion) -> Bool {
        version == .tls13 || suite.keyExchange == "ECDHE"
    }

    /// The group the server would choose; with an unmeasured server group list, the client's first.
    static func sharedGroup(client: ClientProfile, server: ServerProfile, version: TLSVersion) -> String? {
        let clientIDs = client.groups.compactMap { NamedGroup.id(forName: $0) }
        guard !server.groups.isEmpty else { return clientIDs.first.map(NamedGroup.name(forID:)) }
        let serverIDs = server.groups.compactMap { NamedGroup.id(forName: $0) }
        let order =
            server.enforcesOrder(version) ? serverIDs.filter(clientIDs.contains) : clientIDs.filter(serverIDs.contains)
        return order.first.map(NamedGroup.name(forID:))
    }
}
