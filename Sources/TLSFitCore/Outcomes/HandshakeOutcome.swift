import FoundationEssentials

/// Where a connection attempt stopped.
public enum FailureStage: String, Sendable, Hashable, Codable, CaseIterable {
    case dns
    case tcp
    case tls
    case certificate
    /// The HTTP proxy in the path: reaching it, or its answer to the `CONNECT` request.
    case proxy
}

/// Why a connection attempt stopped: a fixed vocabulary, documented in the README, that only grows.
public enum FailureKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The name did not resolve.
    case nameNotResolved = "name-not-resolved"
    /// The host actively refused the TCP connection (RST to SYN).
    case refused
    /// No route to the host or network.
    case unreachable
    /// Nothing came back before the deadline (connect or handshake).
    case timeout
    /// The peer reset the connection.
    case reset
    /// The peer closed the connection without an alert.
    case unexpectedClose = "unexpected-close"
    /// The peer sent a TLS alert.
    case alertReceived = "alert-received"
    /// OpenSSL aborted the handshake and sent an alert because of something the server did.
    case alertSent = "alert-sent"
    /// The client had nothing to offer that the server could take: detected locally, before or
    /// after the ServerHello (no cipher or protocol in common with the requested list).
    case noSharedCipher = "no-shared-cipher"
    /// The configuration offers no protocol version at all.
    case noProtocolOffered = "no-protocol-offered"
    /// The peer answered with something that is not TLS (HTTP, SSH banner, garbage).
    case notTLS = "not-tls"
    /// The peer spoke TLS but broke the protocol.
    case protocolError = "protocol-error"
    /// The peer streamed warning alerts (with or without HelloRequests between them) instead of
    /// finishing the handshake; the client gave up at its deadline or record budget.
    case alertStorm = "alert-storm"
    /// The peer streamed HelloRequests instead of finishing the handshake.
    case helloRequestStorm = "hello-request-storm"
    /// The certificate chain does not lead to a trusted root.
    case untrusted
    /// The certificate does not name the host.
    case hostnameMismatch = "hostname-mismatch"
    /// The certificate has expired or is not yet valid.
    case expired
    case notYetValid = "not-yet-valid"
    /// A key too small for the verification security level (RSA under 2048 bits).
    case weakKey = "weak-key"
    /// A signature with a digest too weak for the verification security level (SHA-1, MD5).
    case weakSignature = "weak-signature"
    /// Any other verification failure (bad signature, bad extension...).
    case certificateInvalid = "certificate-invalid"
    /// An OS-level error without a better name.
    case other
    /// The proxy refused the `CONNECT` (403, or another 4xx): its policy or allow-list.
    case proxyForbidden = "proxy-forbidden"
    /// The proxy asks for authentication (407).
    case proxyAuthRequired = "proxy-auth-required"
    /// The certificate chain was not received and verified (no Certificate message after the
    /// ServerHello, or the confirming handshake failed for another reason): no proof, so no OK.
    case notConfirmed = "not-confirmed"
    /// The proxy could not reach the server itself (5xx: connection refused upstream, a timeout).
    case proxyUpstreamError = "proxy-upstream-error"
    /// The proxy could not resolve the server's name (squid's `X-Squid-Error: ERR_DNS_FAIL`, or an
    /// error page that says so).
    case proxyNameNotResolved = "proxy-name-not-resolved"
    /// The proxy's answer is not an HTTP response, or too large.
    case proxyBadResponse = "proxy-bad-response"
}

/// A failed connection attempt, as data.
public struct HandshakeFailure: Error, Sendable, Hashable, Codable {
    public var stage: FailureStage
    public var kind: FailureKind
    /// The alert received or sent, when there was one.
    public var alert: TLSAlert?
    /// OpenSSL's own error text, or the OS error.
    public var detail: String

    public init(stage: FailureStage, kind: FailureKind, alert: TLSAlert? = nil, detail: String) {
        self.stage = stage
        self.kind = kind
        self.alert = alert
        self.detail = detail
    }

    /// The Windows Update client error this failure surfaces as.
    public var windowsError: String { WindowsErrorMapping.code(for: self) }
}

/// One certificate of a chain, as the server sent it.
public struct CertificateInfo: Sendable, Hashable, Codable {
    public var subject: String
    public var issuer: String
    public var subjectAlternativeNames: [String]
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`.
    public var keyType: String
    public var keyBits: Int
    /// The named curve of an EC key (`prime256v1`).
    public var keyCurve: String?
    public var signatureAlgorithm: String
    public var notBefore: Date?
    public var notAfter: Date?
    public var serialNumber: String
    public var sha256Fingerprint: String
    public var isSelfSigned: Bool

    public init(
        subject: String, issuer: String, subjectAlternativeNames: [String], keyType: String, keyBits: Int,
        keyCurve: String?, signatureAlgorithm: String, notBefore: Date?, notAfter: Date?, serialNumber: String,
        sha256Fingerprint: String, isSelfSigned: Bool
    ) {
        self.subject = subject
        self.issuer = issuer
        self.subjectAlternativeNames = subjectAlternativeNames
        self.keyType = keyType
        self.keyBits = keyBits
        self.keyCurve = keyCurve
        self.signatureAlgorithm = signatureAlgorithm
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.serialNumber = serialNumber
        self.sha256Fingerprint = sha256Fingerprint
        self.isSelfSigned = isSelfSigned
    }
}

/// The server's chain and whether it verified for the host name.
public struct CertificateReport: Sendable, Hashable, Codable {
    /// Leaf first, as sent.
    public var chain: [CertificateInfo]
    public var verified: Bool
    /// OpenSSL's verification error text when `verified` is false.
    public var verifyError: String?
    /// OpenSSL's `X509_V_ERR_*` number, 0 when verified.
    public var verifyCode: Int
    /// The name checked against the certificate (nil when verification was turned off).
    public var verifiedName: String?
    /// The path OpenSSL verified, leaf first and ending at the trust anchor from the store, each link
    /// with its public key's SPKI SHA-256: what a pin is compared with. nil when no path was verified.
    public var verifiedPath: [VerifiedLink]?

    public init(
        chain: [CertificateInfo], verified: Bool, verifyError: String?, verifyCode: Int, verifiedName: String?,
        verifiedPath: [VerifiedLink]? = nil
    ) {
        self.chain = chain
        self.verified = verified
        self.verifyError = verifyError
        self.verifyCode = verifyCode
        self.verifiedName = verifiedName
        self.verifiedPath = verifiedPath
    }
}

/// One certificate of a verified path: its subject and the SHA-256 of its SubjectPublicKeyInfo (hex, lowercase).
public struct VerifiedLink: Sendable, Hashable, Codable {
    public var subject: String
    public var spkiSHA256: String

    public init(subject: String, spkiSHA256: String) {
        self.subject = subject
        self.spkiSHA256 = spkiSHA256
    }
}

/// How long each stage took, in milliseconds.
public struct HandshakeTimings: Sendable, Hashable, Codable {
    public var dnsMs: Double?
    public var connectMs: Double?
    public var handshakeMs: Double?
    public var totalMs: Double

    public init(dnsMs: Double? = nil, connectMs: Double? = nil, handshakeMs: Double? = nil, totalMs: Double) {
        self.dnsMs = dnsMs
        self.connectMs = connectMs
        self.handshakeMs = handshakeMs
        self.totalMs = totalMs
    }
}

/// What was agreed, as far as the handshake got.
public struct NegotiatedParameters: Sendable, Hashable, Codable {
    public var version: TLSVersion?
    /// The suite's code point as the server chose it.
    public var cipherCode: UInt16?
    /// OpenSSL's name for it.
    public var cipherOpenSSLName: String?
    /// IANA name as OpenSSL reports it.
    public var cipherIANAName: String?
    /// The key-exchange group (`x25519`, `secp256r1`, `ffdhe2048`, `DH-2048`).
    public var group: String?

    public init(
        version: TLSVersion? = nil, cipherCode: UInt16? = nil, cipherOpenSSLName: String? = nil,
        cipherIANAName: String? = nil, group: String? = nil
    ) {
        self.version = version
        self.cipherCode = cipherCode
        self.cipherOpenSSLName = cipherOpenSSLName
        self.cipherIANAName = cipherIANAName
        self.group = group
    }
}

/// The `CONNECT` exchange with an HTTP proxy, as seen on the wire (never with credentials).
public struct ProxyExchange: Sendable, Hashable, Codable {
    /// The proxy (`http://10.0.0.8:3128`).
    public var proxy: String
    /// The proxy's address actually dialled (`10.0.0.8:3128`); nil when its name did not resolve.
    public var proxyAddress: String?
    /// The request line sent (`CONNECT fe2.update.microsoft.com:443 HTTP/1.1`).
    public var request: String
    /// Whether Basic credentials were offered (their value is never recorded).
    public var credentialsSent: Bool
    /// The proxy's HTTP status; nil when no answer was read.
    public var status: Int?
    /// The status line as sent (`HTTP/1.1 403 Forbidden`).
    public var statusLine: String?
    /// The schemes of the `Proxy-Authenticate` headers, in order (`NTLM`, `Negotiate`, `Basic`).
    public var authenticateSchemes: [String]
    /// The first non-empty line of the answer's body (an error page's title or message).
    public var bodyFirstLine: String?

    public init(
        proxy: String, proxyAddress: String?, request: String, credentialsSent: Bool, status: Int? = nil,
        statusLine: String? = nil, authenticateSchemes: [String] = [], bodyFirstLine: String? = nil
    ) {
        self.proxy = proxy
        self.proxyAddress = proxyAddress
        self.request = request
        self.credentialsSent = credentialsSent
        self.status = status
        self.statusLine = statusLine
        self.authenticateSchemes = authenticateSchemes
        self.bodyFirstLine = bodyFirstLine
    }
}

/// The result of one handshake attempt.
public struct HandshakeOutcome: Sendable, Hashable, Codable {
    public var host: String
    public var port: Int
    /// The address actually dialled (`127.0.0.1:8443`), nil when DNS failed.
    public var address: String?
    /// The SNI sent, nil when none.
    public var sni: String?
    /// What the server agreed to; set when the ServerHello was read, even if the handshake then failed.
    public var negotiated: NegotiatedParameters
    public var certificate: CertificateReport?
    /// Nil on success.
    public var failure: HandshakeFailure?
    public var timings: HandshakeTimings
    /// The path taken: `direct`, or the proxy (`http://10.0.0.8:3128`).
    public var path: String
    /// The `CONNECT` exchange, when the path is a proxy.
    public var proxy: ProxyExchange?

    public init(
        host: String, port: Int, address: String?, sni: String?, negotiated: NegotiatedParameters,
        certificate: CertificateReport?, failure: HandshakeFailure?, timings: HandshakeTimings, path: String = "direct",
        proxy: ProxyExchange? = nil
    ) {
        self.host = host
        self.port = port
        self.address = address
        self.sni = sni
        self.negotiated = negotiated
        self.certificate = certificate
        self.failure = failure
        self.timings = timings
        self.path = path
        self.proxy = proxy
    }

    public var succeeded: Bool { failure == nil }
    /// True when the TLS handshake itself completed (the certificate may still have failed).
    public var handshakeCompleted: Bool { failure == nil || failure?.stage == .certificate }
}
