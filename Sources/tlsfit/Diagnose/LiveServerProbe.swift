import Foundation
import TLSFitCore
import TLSFitHandshake

/// Where to dial for one host (`--connect`, `--resolve`).
struct DiagnoseTarget: Sendable, Hashable {
    var host: String
    var port: Int
    var connectAddress: String?
    var connectPort: Int?
}

/// A minimal live measurement of a server for `diagnose`: accepted protocols, accepted suites by
/// elimination (the server's choice, removed, offered again), order preference, groups and the
/// certificate. Small on purpose: `tlsfit scan`'s engine replaces it.
enum LiveServerProbe {
    /// Nil when the server cannot be reached at all (the real handshake then explains why).
    static func measure(_ t: DiagnoseTarget, timeout: Double, caFile: String?) -> ServerProfile? {
        let started = Date()
        var connections = 0
        func shake(_ min: TLSVersion, _ max: TLSVersion, ciphers: String? = nil, tls13: String? = nil, groups: String? = nil,
                   full: Bool = false) -> HandshakeOutcome {
            connections += 1
            return TLSClient.handshake(HandshakeRequest(
                host: t.host, port: t.port, connectAddress: t.connectAddress, connectPort: t.connectPort, sni: t.host,
                minVersion: min, maxVersion: max, cipherString: ciphers, tls13CipherSuites: tls13, groups: groups,
                timeout: timeout, caFile: caFile, verifyCertificate: full, stopAfterServerHello: !full))
        }
        let catalog = Catalog.shared
        let legacyCiphers = "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
        let tls13All = catalog.suites.filter { $0.isTLS13 && !$0.opensslNameIsLegacy }.compactMap(\.openssl)
        var protocols: [String: ProtocolSupport] = [:]
        var preference: [String: Bool] = [:]
        var errors: [String] = []
        for v in TLSVersion.allCases.reversed() where v != .ssl3 {
            let o = shake(v, v, ciphers: legacyCiphers, tls13: tls13All.joined(separator: ":"))
            if let f = o.failure, f.stage == .dns || f.stage == .tcp || f.kind == .timeout {
                if protocols.isEmpty && v == .tls13 { return nil }
                errors.append("\(v.rawValue): \(f.detail)")
            }
            guard o.failure == nil, o.negotiated.version == v else { continue }
            // Elimination: what the server picks, removed from the offer, until it accepts nothing more.
            var remaining = v == .tls13 ? tls13All
                : catalog.suites.filter { !$0.isTLS13 && !$0.opensslNameIsLegacy && $0.minVersion <= v && v <= $0.maxVersion }.compactMap(\.openssl)
            var found: [CipherSuite] = []
            while !remaining.isEmpty, found.count < 64 {
                let list = remaining.joined(separator: ":")
                let pick = v == .tls13 ? shake(v, v, ciphers: "", tls13: list) : shake(v, v, ciphers: list + ":@SECLEVEL=0", tls13: "")
                guard pick.failure == nil, let code = pick.negotiated.cipherCode, let suite = catalog.suite(code: code),
                    let name = suite.openssl, remaining.contains(name) else { break }
                found.append(suite)
                remaining.removeAll { $0 == name }
            }
            // Offer the last found first: a server that still picks its first enforces its own order.
            var serverOrder = true
            if found.count >= 2, let first = found.first?.openssl, let last = found.last?.openssl {
                let list = "\(last):\(first)"
                let o = v == .tls13 ? shake(v, v, ciphers: "", tls13: list) : shake(v, v, ciphers: list + ":@SECLEVEL=0", tls13: "")
                serverOrder = o.negotiated.cipherCode == found.first?.code
            }
            protocols[v.rawValue] = ProtocolSupport(accepted: true, cipherSuites: found.map(\.iana))
            preference[v.rawValue] = serverOrder
        }
        for v in TLSVersion.allCases where protocols[v.rawValue] == nil { protocols[v.rawValue] = ProtocolSupport(accepted: false) }
        // Groups: one at a time, at the highest version that uses them.
        var groups: [String] = []
        let top = TLSVersion.allCases.reversed().first { protocols[$0.rawValue]?.accepted == true }
        if let top {
            for g in ["X25519", "P-256", "P-384", "P-521"] {
                let o = top == .tls13 ? shake(.tls13, .tls13, ciphers: "", tls13: tls13All.joined(separator: ":"), groups: g)
                    : shake(top, top, ciphers: "kECDHE:@SECLEVEL=0", tls13: "", groups: g)
                if o.failure == nil, let id = NamedGroup.id(forName: g) { groups.append(NamedGroup.name(forID: id)) }
            }
        }
        // The certificate, from one full handshake.
        var certificate: CertificateReport?
        if let top { certificate = shake(top, top, ciphers: legacyCiphers, full: true).certificate }
        return ServerProfile(
            host: t.host, port: t.port, address: t.connectAddress.map { "\($0):\(t.connectPort ?? t.port)" }, scannedAt: started,
            scannedFrom: ProcessInfo.processInfo.hostName, source: "scan",
            sourceDetail: "tlsfit diagnose minimal probe (OpenSSL)", protocols: protocols, serverPreference: preference,
            groups: groups, certificate: certificate, connections: connections,
            durationMs: Date().timeIntervalSince(started) * 1000, errors: errors)
    }
}

/// Turns a server profile into a local OpenSSL server configuration (for `serve` and `demo`).
enum ServerProfileServer {
    static func configuration(_ profile: ServerProfile, credentials: [PEMCredential]) -> ServerConfiguration {
        let catalog = Catalog.shared
        let versions = profile.acceptedVersions
        let tls12 = TLSVersion.allCases.filter { $0 < .tls13 }.reversed().flatMap { profile.cipherSuites(for: $0) }
        var seen = Set<String>()
        let cipherList = tls12.compactMap { catalog.suite(named: $0)?.openssl }.filter { seen.insert($0).inserted }
        let tls13 = profile.cipherSuites(for: .tls13).compactMap { catalog.suite(named: $0)?.openssl }
        let groups = profile.groups.compactMap { NamedGroup.id(forName: $0).flatMap(NamedGroup.opensslName(forID:)) }
        return ServerConfiguration(
            credentials: credentials, minVersion: versions.last ?? .tls12, maxVersion: versions.first ?? .tls12,
            cipherString: cipherList.isEmpty ? "" : cipherList.joined(separator: ":") + ":@SECLEVEL=0",
            tls13CipherSuites: tls13.joined(separator: ":"),
            serverPreference: profile.enforcesOrder(versions.first(where: { $0 < .tls13 }) ?? .tls12),
            groups: groups.isEmpty ? nil : groups.joined(separator: ":"))
    }

    /// A CA and a leaf for the profile's host (and localhost / the bind address), of the profile's key type.
    static func credentials(for profile: ServerProfile, extraNames: [String], bindAddress: String) throws -> (ca: PEMCredential, leaf: PEMCredential) {
        let ca = try CertificateFactory.makeCA(commonName: "tlsfit Lab Root CA")
        let keyType: CertificateKeyType = (profile.certificateKeyType?.uppercased() == "EC") ? .ecdsaP256 : .rsa2048
        var names = [profile.host, "localhost"] + extraNames
        var seen = Set<String>()
        names = names.filter { seen.insert($0.lowercased()).inserted }
        let ips = ["127.0.0.1", bindAddress].filter { $0 != "0.0.0.0" }
        let leaf = try CertificateFactory.issue(
            CertificateSpec(commonName: profile.host, dnsNames: names, ipAddresses: Array(Set(ips)), keyType: keyType), issuer: ca)
        return (ca, leaf)
    }
}
