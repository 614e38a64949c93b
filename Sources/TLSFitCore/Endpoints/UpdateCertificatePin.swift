/// Windows Update pins its service connections to Microsoft's own update intermediates
/// (MicrosoftDocs/windows-itpro-docs `windows/deployment/update/windows-update-security.md`): a chain
/// that verifies against the machine's store but leads elsewhere (a TLS-inspecting proxy that
/// re-signs the connection) still fails. Pure.
public enum UpdateCertificatePin {
    /// The subjects seen: the leaf's issuer (the intermediate) and the root the chain ends at.
    public static func seen(_ certificate: CertificateReport?) -> (intermediate: String?, root: String?) {
        (certificate?.chain.first?.issuer, Diagnoser.rootSubject(certificate))
    }

    /// A `certificate-untrusted` cause when the chain does not lead through the host's known
    /// intermediate to its known root; nil when it does, or when tlsfit knows no chain for the host.
    public static func check(host: String, port: Int, builtIn: BuiltInServerProfile, certificate: CertificateReport?) -> Cause? {
        guard let expectedIntermediate = builtIn.expectedIntermediate, let expectedRoot = builtIn.expectedRoot,
            let certificate, !certificate.chain.isEmpty
        else { return nil }
        let (intermediate, root) = seen(certificate)
        let intermediateOK = intermediate.map { commonName($0).equalsIgnoringCase(expectedIntermediate) } ?? false
        let rootOK = root.map { commonName($0).equalsIgnoringCase(expectedRoot) } ?? false
        if intermediateOK && rootOK { return nil }
        // A chain that still runs through Microsoft's own CAs, just not the ones tlsfit knows, is
        // Microsoft rotating its certificates: drift in tlsfit's knowledge, not interception.
        if isMicrosoft(intermediate), isMicrosoft(root) { return nil }
        let fact = builtIn.fact("certificate")
        let seenText = "\(intermediate ?? "?") -> \(root ?? "?")"
        return Cause(
            code: .certificateUntrusted,
            summary: "the chain of \(host) leads to \"\(root ?? "?")\", not to Microsoft's \"\(expectedRoot)\"",
            explanation: "Windows Update pins \(host) to Microsoft's update chain: \(expectedIntermediate) -> \(expectedRoot). The certificate this machine received was issued by \"\(intermediate ?? "?")\" and its chain ends at \"\(root ?? "?")\". Something between this machine and Microsoft re-signs the connection (a TLS-inspecting proxy or firewall); the update client refuses it even when the machine trusts that CA, and reports 0x80072F8F.",
            evidence: [
                Evidence(file: nil, key: "\(host):\(port) expected chain", value: "\(expectedIntermediate) -> \(expectedRoot) (\(fact.map { "\($0.confidence.rawValue), \($0.date): \($0.source)" } ?? "built-in"))"),
                Evidence(file: nil, key: "\(host):\(port) chain seen", value: seenText),
            ],
            rootSubject: root,
            fix: Fix(description: "Exempt the Windows Update hosts (*.update.microsoft.com, *.delivery.mp.microsoft.com, *.prod.do.dsp.mp.microsoft.com) from TLS inspection on the proxy or firewall."))
    }

    /// The chain differs from the known one (by common name), whatever the verdict: for drift reports.
    public static func differs(builtIn: BuiltInServerProfile, certificate: CertificateReport?) -> String? {
        guard let expectedIntermediate = builtIn.expectedIntermediate, let expectedRoot = builtIn.expectedRoot,
            let certificate, !certificate.chain.isEmpty
        else { return nil }
        let (intermediate, root) = seen(certificate)
        let a = intermediate.map(commonName) ?? "?", b = root.map(commonName) ?? "?"
        guard !a.equalsIgnoringCase(expectedIntermediate) || !b.equalsIgnoringCase(expectedRoot) else { return nil }
        return "certificate chain: built-in \(expectedIntermediate) -> \(expectedRoot), live \(a) -> \(b)"
    }

    static func isMicrosoft(_ subject: String?) -> Bool {
        guard let subject else { return false }
        return commonName(subject).hasPrefix("Microsoft ")
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
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
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
