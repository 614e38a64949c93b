import Foundation
import TLSFitCore

/// Finds the key-exchange groups a server accepts, by the same elimination as the suites: offer
/// every group, record the one the server picks, remove it, repeat until it refuses.
///
/// Runs with TLS 1.3 when the server has it (every key exchange uses a group) and otherwise with
/// TLS 1.2 and below offering ECDHE suites only (the only ones that carry a named group).
enum GroupElimination {
    /// Groups tried, as OpenSSL names them; those the linked OpenSSL rejects are dropped.
    static let knownGroups: [String] = [
        "X25519", "P-256", "P-384", "P-521", "X448", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
        "brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1", "P-224",
    ].filter { group in
        (try? TLSClient.validate(HandshakeRequest(host: "localhost", groups: group, verifyCertificate: false))) != nil
    }

    static func run(probe: HostProbe, useTLS13: Bool) -> (groups: [String], errors: [String]) {
        var remaining = knownGroups
        var found: [String] = []
        var errors: [String] = []
        while !remaining.isEmpty {
            let outcome = useTLS13
                ? probe.handshake(min: .tls13, max: .tls13, groups: remaining.joined(separator: ":"))
                : probe.handshake(min: .tls10, max: .tls12, cipherString: "kECDHE:@SECLEVEL=0", groups: remaining.joined(separator: ":"))
            switch HostProbe.answer(outcome, version: nil) {
            case .chose(let negotiated):
                guard let name = negotiated.group, let id = NamedGroup.id(forName: name),
                    let index = remaining.firstIndex(where: { NamedGroup.id(forName: $0) == id })
                else {
                    errors.append("groups: the server chose a group that was not offered (\(negotiated.group ?? "none"))")
                    remaining = []
                    continue
                }
                remaining.remove(at: index)
                found.append(NamedGroup.name(forID: id))
            case .refused:
                remaining = []
            case .failed(let detail):
                errors.append("groups: \(detail)")
                remaining = []
            }
        }
        return (found, errors)
    }
}
