import FoundationEssentials

/// The JSON shape of `tlsfit probe --format json`: a public interface, documented in the README.
public struct ProbeReport: Sendable, Codable, Hashable {
    public struct Cipher: Sendable, Codable, Hashable {
        public var iana: String?
        public var openssl: String?
        /// `"0xC030"`.
        public var code: String
    }

    public struct Certificate: Sendable, Codable, Hashable {
        public var chain: [CertificateInfo]
        public var verified: Bool
        public var verifyError: String?
    }

    public struct Failure: Sendable, Codable, Hashable {
        public var stage: FailureStage
        public var kind: FailureKind
        /// `handshake_failure`.
        public var alert: String?
        /// `40`.
        public var alertCode: Int?
        public var detail: String
    }

    /// A plain HTTP check (`--http`): the request sent and the answer's status.
    public struct HTTPCheck: Sendable, Codable, Hashable {
        public var request: String
        public var status: Int?
        public var statusLine: String?

        public init(request: String, status: Int?, statusLine: String?) {
            self.request = request
            self.status = status
            self.statusLine = statusLine
        }
    }

    /// What the client offered.
    public struct Offer: Sendable, Codable, Hashable {
        public var minVersion: TLSVersion
        public var maxVersion: TLSVersion
        public var cipherList: String?
        public var tls13CipherSuites: String?
        public var groups: String?
        public var signatureAlgorithms: String?
        /// Suites the user named that this OpenSSL cannot negotiate (RC4, 3DES, export...): not offered.
        public var notNegotiable: [String]

        public init(
            minVersion: TLSVersion, maxVersion: TLSVersion, cipherList: String?, tls13CipherSuites: String?,
            groups: String?, signatureAlgorithms: String?, notNegotiable: [String]
        ) {
            self.minVersion = minVersion
            self.maxVersion = maxVersion
            self.cipherList = cipherList
            self.tls13CipherSuites = tls13CipherSuites
            self.groups = groups
            self.signatureAlgorithms = signatureAlgorithms
            self.notNegotiable = notNegotiable
        }
    }

    /// `probe --windows`: the exact Windows ClientHello that was sent and how its answer was read.
    public struct WindowsClient: Sendable, Codable, Hashable {
        public var release: String
        public var releaseAssumed: Bool
        /// The ClientHello sent, hex; null when the configuration sends none.
        public var helloHex: String?
        public var ja3: String?
        public var ja4: String?
        /// The server answered with a HelloRetryRequest (it wants another key share): its choice of version and suite stands.
        public var helloRetryRequest: Bool
        /// True when the confirming OpenSSL handshake (for the certificate) ran.
        public var confirmingHandshake: Bool
        /// Why the certificate was not checked, when it was not (OpenSSL cannot speak the chosen suite...); null otherwise.
        public var confirmationNote: String?
        /// Facts the hello rests on that are assumed (CipherSuites/windows-hello.tsv).
        public var assumptions: [String]
        /// What an OK rests on: the certificate received, verified and pinned, or why it is not confirmed.
        public var certificateProof: CertificateProof?

        public init(
            release: String, releaseAssumed: Bool, helloHex: String?, ja3: String?, ja4: String?,
            helloRetryRequest: Bool,
            confirmingHandshake: Bool, confirmationNote: String?, assumptions: [String],
            certificateProof: CertificateProof? = nil
        ) {
            self.certificateProof = certificateProof
            self.release = release
            self.releaseAssumed = releaseAssumed
            self.helloHex = helloHex
            self.ja3 = ja3
            self.ja4 = ja4
            self.helloRetryRequest = helloRetryRequest
            self.confirmingHandshake = confirmingHandshake
            self.confirmationNote = confirmationNote
            self.assumptions = assumptions
        }
    }

    public var schemaVersion: Int
    public var host: String
    public var port: Int
    public var address: String?
    public var sni: String?
    /// `success` or `failure`.
    public var outcome: String
    public var `protocol`: TLSVersion?
    public var cipher: Cipher?
    public var group: String?
    public var certificate: Certificate?
    public var failure: Failure?
    public var windowsError: String?
    public var timings: HandshakeTimings
    public var offered: Offer
    public var openssl: String
    /// `direct`, or the proxy the connection went through (`http://10.0.0.8:3128`, no credentials).
    public var path: String
    /// The `CONNECT` exchange with the proxy; null when direct.
    public var proxy: ProxyExchange?
    /// The plain HTTP check (`--http`); null for a TLS probe.
    public var http: HTTPCheck?
    /// Set by `probe --windows`; null otherwise.
    public var windowsClient: WindowsClient?

    public init(
        outcome o: HandshakeOutcome, offer: Offer, catalog: Catalog = .shared, openssl: String,
        windowsClient: WindowsClient? = nil
    ) {
        self.windowsClient = windowsClient
        schemaVersion = JSONOutput.schemaVersion
        host = o.host
        port = o.port
        address = o.address
        sni = o.sni
        outcome = o.succeeded ? "success" : "failure"
        `protocol` = o.negotiated.version
        if let code = o.negotiated.cipherCode {
            let known = catalog.suite(code: code)
            cipher = Cipher(
                iana: known?.iana ?? o.negotiated.cipherIANAName,
                openssl: known?.openssl ?? o.negotiated.cipherOpenSSLName,
                code: CipherSuite.codeString(code))
        }
        group = o.negotiated.group
        if let c = o.certificate {
            certificate = Certificate(chain: c.chain, verified: c.verified, verifyError: c.verifyError)
        }
        if let f = o.failure {
            failure = Failure(
                stage: f.stage, kind: f.kind, alert: f.alert?.name, alertCode: f.alert?.code, detail: f.detail)
            windowsError = f.windowsError
        }
        timings = o.timings
        offered = offer
        self.openssl = openssl
        path = o.path
        proxy = o.proxy
    }
}
