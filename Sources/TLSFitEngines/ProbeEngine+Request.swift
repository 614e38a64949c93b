import FoundationEssentials
import TLSFitCore
import TLSFitHandshake

extension ProbeEngine {
    /// Turns the plan's options into a request, resolving every name the user typed.
    public static func request(_ plan: ProbePlan) throws(InputError) -> (HandshakeRequest, ProbeReport.Offer) {
        let o = plan.offer
        let (target, connectAddress, connectPort) = try plan.endpoint(defaultPort: plan.http ? 80 : 443)
        var (minVersion, maxVersion) = try versions(o)
        var cipherString: String?
        var tls13Suites: String?
        var notNegotiable: [String] = []
        if let ciphers = o.ciphers {
            switch try CipherListParser.parse(ciphers, source: "--ciphers") {
            case .openssl(let expression):
                cipherString = expression
            case .suites(let suites):
                let usable = suites.filter { $0.openssl != nil && !$0.opensslNameIsLegacy }
                notNegotiable = suites.filter { $0.openssl == nil || $0.opensslNameIsLegacy }.map(\.iana)
                guard !usable.isEmpty else {
                    throw InputError(
                        source: "--ciphers",
                        message:
                            "none of the suites can be negotiated by \(OpenSSLLibrary.versionText): \(notNegotiable.joined(separator: ", "))"
                    )
                }
                let lists = Catalog.shared.opensslLists(usable)
                cipherString = lists.cipherList
                if !lists.ciphersuites.isEmpty { tls13Suites = lists.ciphersuites }
                // The list governs TLS 1.2 and below; without TLS 1.3 names in it, TLS 1.3 (whose
                // suites are separate) is left out unless asked for, so the result reflects the list.
                if lists.ciphersuites.isEmpty && o.ciphersuites == nil && !o.tls13 && o.maxTLS == nil && !o.tls12 {
                    maxVersion = min(maxVersion, .tls12)
                }
                if lists.cipherList.isEmpty && !o.tls12 && o.minTLS == nil { minVersion = .tls13 }
            }
        }
        if let ciphersuites = o.ciphersuites { tls13Suites = try tls13Names(ciphersuites) }
        let groupList = try o.groups.map { text throws(InputError) in try groupNames(text) }
        var request = HandshakeRequest(
            host: target.host, port: target.port, connectAddress: connectAddress, connectPort: connectPort,
            sni: o.noSNI ? nil : (o.sni ?? target.host), minVersion: minVersion, maxVersion: maxVersion,
            cipherString: cipherString, tls13CipherSuites: tls13Suites, groups: groupList,
            signatureAlgorithms: o.sigalgs,
            timeout: plan.timeout, caFile: plan.caFile, verifyCertificate: !plan.noVerify)
        request.path = plan.path.route(host: target.host, port: target.port)
        let offer = ProbeReport.Offer(
            minVersion: minVersion, maxVersion: maxVersion, cipherList: cipherString, tls13CipherSuites: tls13Suites,
            groups: groupList, signatureAlgorithms: o.sigalgs, notNegotiable: notNegotiable)
        try plan.checkCAFile()
        return (request, offer)
    }

    /// The lowest and highest version to offer.
    static func versions(_ o: ProbePlan.Offer) throws(InputError) -> (TLSVersion, TLSVersion) {
        var minVersion = TLSVersion.tls10
        var maxVersion = TLSVersion.tls13
        if o.tls12 { (minVersion, maxVersion) = (.tls12, .tls12) }
        if o.tls13 { (minVersion, maxVersion) = (.tls13, .tls13) }
        if let minTLS = o.minTLS {
            guard let v = TLSVersion(userText: minTLS) else {
                throw InputError(source: "--min-tls", message: "unknown version '\(minTLS)' (1.0, 1.1, 1.2, 1.3)")
            }
            minVersion = v
        }
        if let maxTLS = o.maxTLS {
            guard let v = TLSVersion(userText: maxTLS) else {
                throw InputError(source: "--max-tls", message: "unknown version '\(maxTLS)' (1.0, 1.1, 1.2, 1.3)")
            }
            maxVersion = v
        }
        guard minVersion <= maxVersion else {
            throw InputError(
                source: "--min-tls", message: "\(minVersion.rawValue) is above --max-tls \(maxVersion.rawValue)")
        }
        return (minVersion, maxVersion)
    }

    /// `--ciphersuites`: TLS 1.3 suites by OpenSSL or IANA name, as OpenSSL's colon list.
    static func tls13Names(_ text: String) throws(InputError) -> String {
        var names: [String] = []
        for token in CipherListParser.tokens(text.replacing(":", with: ",")) {
            guard let suite = Catalog.shared.suite(named: token), suite.isTLS13, let name = suite.openssl else {
                let close = Catalog.shared.suggestions(for: token, limit: 3)
                throw InputError(
                    source: "--ciphersuites",
                    message: "'\(token)' is not a TLS 1.3 cipher suite"
                        + (close.isEmpty ? "" : " (closest: \(close.joined(separator: ", ")))"))
            }
            names.append(name)
        }
        return names.joined(separator: ":")
    }

    /// `--groups`: OpenSSL, IANA or Windows names, as OpenSSL's colon list.
    static func groupNames(_ text: String) throws(InputError) -> String {
        var names: [String] = []
        for token in CipherListParser.tokens(text.replacing(":", with: ",")) {
            guard let id = NamedGroup.id(forName: token), let name = NamedGroup.opensslName(forID: id) else {
                throw InputError(
                    source: "--groups",
                    message:
                        "unknown group '\(token)' (x25519, secp256r1/P-256/NistP256, secp384r1, secp521r1, x448, ffdhe2048...)"
                )
            }
            names.append(name)
        }
        return names.joined(separator: ":")
    }
}
