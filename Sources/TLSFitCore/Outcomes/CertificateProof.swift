import FoundationEssentials

/// What an OK rests on: a certificate chain that was received, verified for the host and, for a
/// pinned host, matched to the pin by key; or, when any of these is missing, why it is not confirmed.
/// A verdict is OK only with a proven certificate (see `isProven`).
public struct CertificateProof: Sendable, Hashable, Codable {
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// The Certificate message of the exact hello's own exchange (TLS 1.2 and older: in the clear),
        /// verified with OpenSSL's X509 API.
        case exactHello = "exact-hello"
        /// The confirming OpenSSL handshake, which offers only what the server chose.
        case confirmingHandshake = "confirming-handshake"
    }

    /// Where the chain came from; nil when none came.
    public var source: Source?
    public var certificateReceived: Bool
    public var chainVerified: Bool
    /// True when the host is pinned (a Windows Update service host checked against `UpdatePinSet`).
    public var pinRequired: Bool
    /// The pinned key found on the verified path; nil when the host is not pinned or no key matched.
    public var pinnedKey: VerifiedLink?
    /// Why the certificate is not confirmed; nil when it is proven.
    public var notConfirmed: String?

    public init(
        source: Source? = nil, certificateReceived: Bool = false, chainVerified: Bool = false,
        pinRequired: Bool = false,
        pinnedKey: VerifiedLink? = nil, notConfirmed: String? = nil
    ) {
        self.source = source
        self.certificateReceived = certificateReceived
        self.chainVerified = chainVerified
        self.pinRequired = pinRequired
        self.pinnedKey = pinnedKey
        self.notConfirmed = notConfirmed
    }

    enum CodingKeys: String, CodingKey {
        case source, certificateReceived, chainVerified, pinRequired, pinnedKey, notConfirmed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decodeIfPresent(Source.self, forKey: .source)
        certificateReceived = try c.decode(Bool.self, forKey: .certificateReceived)
        chainVerified = try c.decode(Bool.self, forKey: .chainVerified)
        pinRequired = try c.decode(Bool.self, forKey: .pinRequired)
        pinnedKey = try c.decodeIfPresent(VerifiedLink.self, forKey: .pinnedKey)
        notConfirmed = try c.decodeIfPresent(String.self, forKey: .notConfirmed)
    }

    public var isProven: Bool {
        notConfirmed == nil && certificateReceived && chainVerified && (!pinRequired || pinnedKey != nil)
    }

    /// One line for people: `received, verified, pinned to Microsoft Root Certificate Authority 2011 (02376d09...)`.
    public var summary: String {
        if let notConfirmed { return "not confirmed: \(notConfirmed)" }
        var parts = [certificateReceived ? "received" : "not received", chainVerified ? "verified" : "not verified"]
        if pinRequired {
            parts.append(
                pinnedKey.map {
                    "pinned key \(UpdateCertificatePin.commonName($0.subject)) (SPKI SHA-256 \($0.spkiSHA256.prefix(16))...)"
                } ?? "no pinned key")
        }
        if let source {
            parts.append(
                "from the \(source == .exactHello ? "exact hello's Certificate message" : "confirming OpenSSL handshake")"
            )
        }
        return parts.joined(separator: ", ")
    }
}

extension CertificateProof: JSONDerivedFields {
    public enum DerivedKeys: String, CodingKey { case proven }
    public static var derivedFieldTypes: [(String, any Decodable.Type)] { [("proven", Bool.self)] }

    /// Whether it is proven, beside the facts it rests on.
    public func encodeDerived(into container: inout KeyedEncodingContainer<DerivedKeys>) throws {
        try container.encode(isProven, forKey: .proven)
    }
}
