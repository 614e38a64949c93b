/// Windows Update pins its service connections to Microsoft's own update intermediates
/// (MicrosoftDocs/windows-itpro-docs `windows/deployment/update/windows-update-security.md`): a chain
/// that verifies against the machine's store but leads elsewhere (a TLS-inspecting proxy that
/// re-signs the connection) still fails. The pin compares public keys (`UpdatePinSet`), never names. Pure.
public enum UpdateCertificatePin {
    /// The subjects seen: the leaf's issuer (the intermediate) and the root the chain ends at.
    public static func seen(_ certificate: CertificateReport?) -> (intermediate: String?, root: String?) {
        (certificate?.chain.first?.issuer, Diagnoser.rootSubject(certificate))
    }

    /// A `certificate-untrusted` cause when the verified path holds none of the update chains' public
    /// keys (`pins`, SPKI SHA-256): names prove nothing, an inspecting CA can copy them. nil when a
    /// pinned key is on the path (or one of Microsoft's other roots: a rotation, reported as drift),
    /// or when tlsfit knows no chain for the host. `pins` is the built-in set; tests pass their own.
    public static func check(
        host: String, port: Int, builtIn: BuiltInServerProfile, certificate: CertificateReport?,
        pins: UpdatePinSet = .builtIn
    ) -> Cause? {
        guard let expectedIntermediate = builtIn.expectedIntermediate, let expectedRoot = builtIn.expectedRoot,
            let certificate, !certificate.chain.isEmpty
        else { return nil }
        if pins.match(certificate.verifiedPath, group: .update) != nil { return nil }
        // A path through another of Microsoft's roots (by key) is Microsoft rotating its certificates:
        // drift in tlsfit's knowledge, not interception.
        if pins.match(certificate.verifiedPath, group: .microsoft) != nil { return nil }
        let (intermediate, root) = seen(certificate)
        let namesMatch = intermediate.map { commonName($0).equalsIgnoringCase(expectedIntermediate) } ?? false
        let seenRoot = certificate.verifiedPath?.last?.subject ?? root
        let fact = builtIn.fact("certificate")
        let seenText = "\(intermediate ?? "?") -> \(seenRoot ?? "?")"
        let seenKeys = (certificate.verifiedPath ?? []).dropFirst().map { "\(commonName($0.subject)) \($0.spkiSHA256)" }
        let expectedKeys = pins.keys.filter { $0.group == .update }.map {
            "\($0.subject) \($0.spkiSHA256) (\($0.confidence.rawValue))"
        }
        let summary =
            namesMatch
            ? "the chain of \(host) carries Microsoft's names but not Microsoft's keys: a copy made by TLS inspection"
            : "the chain of \(host) leads to \"\(seenRoot ?? "?")\", not to Microsoft's \"\(expectedRoot)\""
        return Cause(
            code: .certificateUntrusted,
            summary: summary,
            explanation:
                "Windows Update pins \(host) to Microsoft's update chain: \(expectedIntermediate) -> \(expectedRoot), by the certificates' public keys. The certificate this machine received was issued by \"\(intermediate ?? "?")\" and its verified chain ends at \"\(seenRoot ?? "?")\"\(namesMatch ? ", with the right names but other keys" : ""). Something between this machine and Microsoft re-signs the connection (a TLS-inspecting proxy or firewall); the update client refuses it even when the machine trusts that CA, and reports 0x80072F8F.",
            evidence: [
                Evidence(
                    file: nil, key: "\(host):\(port) expected chain",
                    value:
                        "\(expectedIntermediate) -> \(expectedRoot) (\(fact.map { "\($0.confidence.rawValue), \($0.date): \($0.source)" } ?? "built-in"))"
                ),
                Evidence(
                    file: nil, key: "\(host):\(port) pinned keys (\(pins.origin))",
                    value: expectedKeys.joined(separator: "; ")),
                Evidence(file: nil, key: "\(host):\(port) chain seen", value: seenText),
                Evidence(
                    file: nil, key: "\(host):\(port) keys seen",
                    value: seenKeys.isEmpty ? "none verified" : seenKeys.joined(separator: "; ")),
            ],
            rootSubject: seenRoot,
            fix: Fix(
                description:
                    "Exempt the Windows Update hosts (*.update.microsoft.com, *.delivery.mp.microsoft.com, *.prod.do.dsp.mp.microsoft.com) from TLS inspection on the proxy or firewall."
            ))
    }

    /// The chain differs from the known one (by common name), whatever the verdict: for drift reports.
    public static func differs(builtIn: BuiltInServerProfile, certificate: CertificateReport?) -> String? {
        guard let expectedIntermediate = builtIn.expectedIntermediate, let expectedRoot = builtIn.expectedRoot,
            let certificate, !certificate.chain.isEmpty
        else { return nil }
        let (intermediate, root) = seen(certificate)
        let a = intermediate.map(commonName) ?? "?"
        let b = root.map(commonName) ?? "?"
        guard !a.equalsIgnoringCase(expectedIntermediate) || !b.equalsIgnoringCase(expectedRoot) else { return nil }
        return "certificate chain: built-in \(expectedIntermediate) -> \(expectedRoot), live \(a) -> \(b)"
    }

    /// `Microsoft ECC Update Secure Server CA 2.1` from `CN=Microsoft ECC Update Secure Server CA 2.1,O=Microsoft Corporation,...`.
    public static func commonName(_ subject: String) -> String {
        for part in splitRDNs(subject) {
            let trimmed = part.trimmingASCIIWhitespace()
            if trimmed.uppercased().hasPrefix("CN=") { return String(trimmed.dropFirst(3)) }
        }
        return subject
    }

    static func splitRDNs(_ subject: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for ch in subject {
            if escaped {
                current.append(ch)
                escaped = false
                continue
            }
            if ch == "\\" {
                escaped = true
                continue
            }
            if ch == "," || ch == "/" || ch == "+" {
                parts.append(current)
                current = ""
                continue
            }
            current.append(ch)
        }
        parts.append(current)
        return parts
    }
}
