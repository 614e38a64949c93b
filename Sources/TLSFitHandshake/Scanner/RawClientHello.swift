import FoundationEssentials
import TLSFitCore

/// A ClientHello built byte by byte (SSLv3 to TLS 1.3), and the parsing of the server's first answer.
///
/// Every scan probe is one of these: it offers any suite (the linked OpenSSL cannot offer RC4, DES,
/// 3DES, IDEA or export suites; a server's ServerHello still says whether it would), costs the
/// server no key exchange, and is read only up to the ServerHello (TLS 1.3: the HelloRetryRequest
/// an empty key_share asks for) or, for a TLS 1.2 group, the ServerKeyExchange. Pure functions on
/// byte arrays: no sockets here (see `ScanEngine` for the connections).
public enum RawClientHello {
    /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV: stands for an empty renegotiation_info extension.
    public static let renegotiationSCSV: UInt16 = 0x00FF
    /// x25519, secp256r1, secp384r1, secp521r1.
    public static let groups: [UInt16] = [0x001D, 0x0017, 0x0018, 0x0019]
    /// What a suite probe offers: every elliptic curve a server may need for its certificate or
    /// its ECDHE (x25519, P-256, x448, P-521, P-384, brainpool, P-224) and, with TLS 1.3, the
    /// finite-field groups too (a TLS 1.2 hello leaves them out, as OpenSSL does, so DHE suites
    /// keep the server's own parameters).
    public static func suiteProbeGroups(_ version: TLSVersion) -> [UInt16] {
        let curves: [UInt16] = [0x001D, 0x0017, 0x001E, 0x0019, 0x0018, 0x001A, 0x001B, 0x001C, 0x0015]
        return version == .tls13 ? curves + [0x0100, 0x0101, 0x0102, 0x0103, 0x0104] : curves
    }
    /// TLS 1.3 adds EdDSA and RSA-PSS with PSS keys.
    public static let tls13SignatureSchemes: [UInt16] = [
        0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080A, 0x080B, 0x0401, 0x0501, 0x0601,
    ]
    /// rsa_pkcs1 and ecdsa with SHA-256/384/512, rsa_pss_rsae, then the SHA-1 and DSA schemes old servers need.
    public static let signatureSchemes: [UInt16] = [
        0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0201, 0x0203, 0x0402, 0x0202,
    ]

    public enum Extension {
        public static let serverName: UInt16 = 0x0000
        public static let supportedGroups: UInt16 = 0x000A
        public static let ecPointFormats: UInt16 = 0x000B
        public static let signatureAlgorithms: UInt16 = 0x000D
        public static let extendedMasterSecret: UInt16 = 0x0017
        public static let supportedVersions: UInt16 = 0x002B
        public static let keyShare: UInt16 = 0x0033
    }

    /// The random of a HelloRetryRequest (RFC 8446 4.1.3): SHA-256 of "HelloRetryRequest".
    public static let helloRetryRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    /// The wire version: 0x0301 for TLS 1.0 ... 0x0303 for TLS 1.2; SSLv3 is 0x0300.
    public static func wireVersion(_ version: TLSVersion) -> UInt16 { version.wireValue }

    /// One handshake record holding a ClientHello: `client_version` is `version`, the record
    /// layer says TLS 1.0 (as OpenSSL and browsers do, for old servers). `serverName` is sent only
    /// when it is a name, not a numeric address. `random` must be 32 bytes. `groups` is the
    /// supported_groups list (nil: `groups`). Written by `ClientHello.encode()`, the one encoder
    /// (the Windows client's hello uses it too).
    ///
    /// TLS 1.3: `client_version` 0x0303 with supported_versions naming only TLS 1.3, and an empty
    /// key_share, so the server names its group in a HelloRetryRequest and computes nothing.
    /// SSLv3: no extensions, record layer 3.0.
    public static func build(
        version: TLSVersion, suites: [UInt16], serverName: String?, random: [UInt8], groups: [UInt16]? = nil
    ) -> [UInt8] {
        precondition(random.count == 32, "the random is 32 bytes")
        let offered = suites.filter { $0 != renegotiationSCSV } + [renegotiationSCSV]
        let legacyVersion: UInt16 = version == .tls13 ? 0x0303 : wireVersion(version)
        if version == .ssl3 {
            return ClientHello(
                recordVersion: 0x0300, version: legacyVersion, random: random, sessionID: [], cipherSuites: offered,
                compressionMethods: [0], extensions: []
            ).encode()
        }
        let groups = groups ?? Self.groups
        var extensions: [TLSExtension] = []
        if let name = serverName, !name.isEmpty, !TCPConnector.isNumericAddress(name) {
            let host = Array(name.utf8)
            var entry: [UInt8] = [0]  // host_name
            entry.append(u16: UInt16(host.count))
            entry += host
            var list: [UInt8] = []
            list.append(u16: UInt16(entry.count))
            list += entry
            extensions.append(TLSExtension(type: Extension.serverName, data: list))
        }
        var groupList: [UInt8] = []
        groupList.append(u16: UInt16(groups.count * 2))
        for group in groups { groupList.append(u16: group) }
        extensions.append(TLSExtension(type: Extension.supportedGroups, data: groupList))
        extensions.append(TLSExtension(type: Extension.ecPointFormats, data: [1, 0]))  // uncompressed
        if version >= .tls12 {
            // RFC 5246 7.4.1.4.1: only a TLS 1.2 (or later) client sends signature_algorithms.
            let list = version == .tls13 ? tls13SignatureSchemes : signatureSchemes
            var schemes: [UInt8] = []
            schemes.append(u16: UInt16(list.count * 2))
            for scheme in list { schemes.append(u16: scheme) }
            extensions.append(TLSExtension(type: Extension.signatureAlgorithms, data: schemes))
        }
        extensions.append(TLSExtension(type: Extension.extendedMasterSecret, data: []))
        if version == .tls13 {
            extensions.append(TLSExtension(type: Extension.supportedVersions, data: [2, 0x03, 0x04]))
            // no share: the server says which group it wants
            extensions.append(TLSExtension(type: Extension.keyShare, data: [0, 0]))
        }
        return ClientHello(
            recordVersion: 0x0301, version: legacyVersion, random: random, sessionID: [], cipherSuites: offered,
            compressionMethods: [0], extensions: extensions
        ).encode()
    }
}

/// What the server's first bytes said.
public enum RawServerAnswer: Sendable, Hashable {
    case serverHello(RawServerHello)
    /// level (1 warning, 2 fatal) and description (40 handshake_failure, 70 protocol_version...).
    case alert(level: UInt8, description: UInt8)
}

public struct RawServerHello: Sendable, Hashable {
    public var version: UInt16
    public var random: [UInt8]
    public var sessionID: [UInt8]
    public var cipherSuite: UInt16
    public var compression: UInt8
    /// The extensions, when they parse (empty otherwise: a scan reads only the fields above).
    public var extensions: [TLSExtension] = []

    /// The supported_versions extension's version (TLS 1.3), nil when absent.
    public var selectedVersion: UInt16? {
        guard let data = extensions.first(where: { $0.type == RawClientHello.Extension.supportedVersions })?.data,
            data.count == 2
        else {
            return nil
        }
        return UInt16(data[0]) << 8 | UInt16(data[1])
    }

    /// The version the server chose: supported_versions when present (TLS 1.3), else `version`.
    public var negotiatedVersion: UInt16 { selectedVersion ?? version }

    /// RFC 8446 4.1.3: a HelloRetryRequest is a ServerHello with this random.
    public var isHelloRetryRequest: Bool { random == RawClientHello.helloRetryRandom }

    /// The key_share group a TLS 1.3 ServerHello (or the HelloRetryRequest) names.
    public var keyShareGroup: UInt16? {
        guard let data = extensions.first(where: { $0.type == RawClientHello.Extension.keyShare })?.data,
            data.count >= 2
        else { return nil }
        return UInt16(data[0]) << 8 | UInt16(data[1])
    }
}

/// A TLS 1.2 (or older) first flight read as far as the ServerKeyExchange.
public enum RawKeyExchangeResult: Sendable, Hashable {
    /// The ServerHello and the named curve of an ECDHE ServerKeyExchange (nil: the flight ended
    /// with ServerHelloDone before one, or the key exchange names no curve).
    case complete(RawServerHello, group: UInt16?)
    case alert(level: UInt8, description: UInt8)
    case needMore
    case invalid(String)
}

/// The Certificate message after a TLS 1.2 (or older) ServerHello.
public enum RawCertificateResult: Sendable, Hashable {
    /// The DER certificates, leaf first, as sent.
    case certificates([[UInt8]])
    /// The server sent something else where the Certificate belongs (why).
    case absent(String)
    case needMore
    case invalid(String)
}

/// The parse of the bytes received so far.
public enum RawParseResult: Sendable, Hashable {
    case complete(RawServerAnswer)
    /// Nothing wrong yet; more bytes are needed.
    case needMore
    /// Not a TLS answer to a ClientHello (HTTP, SSLv2, another handshake message, bad lengths).
    case invalid(String)
}

public enum RawServerHelloParser {
    /// The largest record TLS allows (2^14 plus expansion); a longer length is not TLS.
    static let maxRecordLength = 16384 + 2048
    /// A ServerHello far longer than any real one is not believed.
    static let maxServerHelloLength = 65536

    /// Reads records from the start of `bytes`: handshake records are joined until the first
    /// handshake message (it must be a ServerHello) is whole; an alert record before that is the
    /// answer. Never reads past `bytes.count`; trailing bytes (a Certificate in the same record,
    /// further records) are ignored.
    public static func parse(_ bytes: [UInt8]) -> RawParseResult {
        var offset = 0
        var handshake: [UInt8] = []
        /// The answer once the joined handshake bytes hold a whole ServerHello or cannot be one.
        func whole() -> RawParseResult? {
            guard let type = handshake.first else { return nil }
            guard type == 2 else { return .invalid("the first handshake message is type \(type), not ServerHello") }
            guard handshake.count >= 4 else { return nil }
            let length = Int(handshake[1]) << 16 | Int(handshake[2]) << 8 | Int(handshake[3])
            guard length <= maxServerHelloLength else { return .invalid("a ServerHello of \(length) bytes") }
            guard handshake.count >= 4 + length else { return nil }
            return parseServerHello(Array(handshake[4..<(4 + length)]))
        }
        while true {
            if let answer = whole() { return answer }
            guard bytes.count - offset >= 5 else { return .needMore }
            let type = bytes[offset]
            let major = bytes[offset + 1]
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            guard type == 0x15 || type == 0x16 else {
                return .invalid("record type 0x\(type.hex(width: 2)) is not a handshake or an alert")
            }
            guard major == 3 else { return .invalid("record version \(major).\(bytes[offset + 2]) is not TLS") }
            guard length <= maxRecordLength else { return .invalid("a record of \(length) bytes") }
            if type == 0x15 {
                guard handshake.isEmpty else { return .invalid("an alert inside a split ServerHello") }
                guard length >= 2 else { return .invalid("an alert record of \(length) bytes") }
                guard bytes.count - offset >= 7 else { return .needMore }
                return .complete(.alert(level: bytes[offset + 5], description: bytes[offset + 6]))
            }
            guard length > 0 else { return .invalid("an empty handshake record") }
            let available = min(length, bytes.count - offset - 5)
            handshake += bytes[(offset + 5)..<(offset + 5 + available)]
            // A partial record: its first bytes may already hold the whole ServerHello.
            guard available == length else { return whole() ?? .needMore }
            offset += 5 + length
        }
    }

    /// Reads handshake messages until the ServerKeyExchange (or ServerHelloDone): the ServerHello,
    /// then Certificate and CertificateStatus skipped, then the key exchange's named curve.
    public static func parseKeyExchange(_ bytes: [UInt8]) -> RawKeyExchangeResult {
        var offset = 0
        var handshake: [UInt8] = []
        var hello: RawServerHello?
        var at = 0  // the next message in `handshake`
        while true {
            // Whole messages so far.
            while handshake.count - at >= 4 {
                let type = handshake[at]
                let length = Int(handshake[at + 1]) << 16 | Int(handshake[at + 2]) << 8 | Int(handshake[at + 3])
                guard length <= 1 << 20 else { return .invalid("a handshake message of \(length) bytes") }
                guard handshake.count - at - 4 >= length else { break }
                let body = Array(handshake[(at + 4)..<(at + 4 + length)])
                at += 4 + length
                if hello == nil {
                    guard type == 2 else {
                        return .invalid("the first handshake message is type \(type), not ServerHello")
                    }
                    switch parseServerHello(body) {
                    case .complete(.serverHello(let parsed)): hello = parsed
                    case .invalid(let why): return .invalid(why)
                    default: return .invalid("a ServerHello that could not be read")
                    }
                    continue
                }
                switch type {
                case 12:
                    // ECParameters: curve_type 3 (named_curve) and the curve; anything else is DHE.
                    let group = body.count >= 3 && body[0] == 3 ? UInt16(body[1]) << 8 | UInt16(body[2]) : nil
                    return .complete(hello!, group: group)
                case 14: return .complete(hello!, group: nil)
                case 11, 22: continue
                default: return .invalid("handshake message \(type) before the key exchange")
                }
            }
            guard bytes.count - offset >= 5 else { return .needMore }
            let type = bytes[offset]
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            guard type == 0x15 || type == 0x16 else {
                return .invalid("record type 0x\(type.hex(width: 2)) is not a handshake or an alert")
            }
            guard bytes[offset + 1] == 3 else {
                return .invalid("record version \(bytes[offset + 1]).\(bytes[offset + 2]) is not TLS")
            }
            guard length <= maxRecordLength, length > 0 else { return .invalid("a record of \(length) bytes") }
            if type == 0x15 {
                guard length >= 2 else { return .invalid("an alert record of \(length) bytes") }
                guard bytes.count - offset >= 7 else { return .needMore }
                return .alert(level: bytes[offset + 5], description: bytes[offset + 6])
            }
            guard bytes.count - offset - 5 >= length else { return .needMore }
            handshake += bytes[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
        }
    }

    /// Reads the handshake message after the ServerHello of a TLS 1.2 (or older) flight: the
    /// Certificate, in the clear, as its DER certificates (leaf first). Another message there, or an
    /// alert, is `.absent`: the server sent no certificate.
    public static func parseCertificate(_ bytes: [UInt8]) -> RawCertificateResult {
        var offset = 0
        var handshake: [UInt8] = []
        var at = 0
        var sawHello = false
        while true {
            while handshake.count - at >= 4 {
                let type = handshake[at]
                let length = Int(handshake[at + 1]) << 16 | Int(handshake[at + 2]) << 8 | Int(handshake[at + 3])
                guard length <= maxCertificateMessageLength else {
                    return .invalid("a handshake message of \(length) bytes")
                }
                guard handshake.count - at - 4 >= length else { break }
                let body = Array(handshake[(at + 4)..<(at + 4 + length)])
                at += 4 + length
                if !sawHello {
                    guard type == 2 else {
                        return .invalid("the first handshake message is type \(type), not ServerHello")
                    }
                    sawHello = true
                    continue
                }
                guard type == 11 else {
                    return .absent(
                        "the server sent handshake message \(type) where its Certificate belongs: no certificate")
                }
                return certificateList(body)
            }
            guard bytes.count - offset >= 5 else { return .needMore }
            let type = bytes[offset]
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            guard bytes[offset + 1] == 3 else {
                return .invalid("record version \(bytes[offset + 1]).\(bytes[offset + 2]) is not TLS")
            }
            guard length <= maxRecordLength, length > 0 else { return .invalid("a record of \(length) bytes") }
            if type == 0x15 {
                guard sawHello else { return .invalid("an alert inside the ServerHello") }
                guard bytes.count - offset >= 7 else { return .needMore }
                return .absent(
                    "the server sent the alert \(TLSAlert(code: Int(bytes[offset + 6]))) after its ServerHello, before a Certificate"
                )
            }
            guard type == 0x16 else {
                return .absent(
                    "the server sent a record of type 0x\(type.hex(width: 2)) after its ServerHello, before a Certificate"
                )
            }
            guard bytes.count - offset - 5 >= length else { return .needMore }
            handshake += bytes[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
        }
    }

    /// The longest Certificate message read: real chains are a few KiB; OpenSSL refuses lists over 100 KiB.
    public static let maxCertificateMessageLength = 128 * 1024

    /// `certificate_list`: a 3-byte total, then each certificate as a 3-byte length and its DER.
    static func certificateList(_ body: [UInt8]) -> RawCertificateResult {
        guard body.count >= 3 else { return .invalid("a Certificate message of \(body.count) bytes") }
        let total = Int(body[0]) << 16 | Int(body[1]) << 8 | Int(body[2])
        guard total == body.count - 3 else {
            return .invalid("a Certificate message whose list length (\(total)) is not its size")
        }
        var certificates: [[UInt8]] = []
        var offset = 3
        while offset < body.count {
            guard body.count - offset >= 3 else { return .invalid("a truncated certificate length") }
            let length = Int(body[offset]) << 16 | Int(body[offset + 1]) << 8 | Int(body[offset + 2])
            offset += 3
            guard length > 0, body.count - offset >= length else {
                return .invalid("a certificate of \(length) bytes past the message's end")
            }
            certificates.append(Array(body[offset..<(offset + length)]))
            offset += length
        }
        guard !certificates.isEmpty else { return .absent("the server sent an empty Certificate message") }
        return .certificates(certificates)
    }

    /// The ServerHello body: version, random, session id, suite, compression, and the
    /// supported_versions and key_share extensions (others ignored).
    static func parseServerHello(_ body: [UInt8]) -> RawParseResult {
        guard body.count >= 2 + 32 + 1 else { return .invalid("a ServerHello of \(body.count) bytes") }
        let version = UInt16(body[0]) << 8 | UInt16(body[1])
        let random = Array(body[2..<34])
        let sessionLength = Int(body[34])
        guard sessionLength <= 32, body.count >= 35 + sessionLength + 3 else {
            return .invalid("a ServerHello of \(body.count) bytes with a session id of \(sessionLength)")
        }
        let sessionID = Array(body[35..<(35 + sessionLength)])
        let at = 35 + sessionLength
        let suite = UInt16(body[at]) << 8 | UInt16(body[at + 1])
        var extensions: [TLSExtension] = []
        var offset = at + 3
        if body.count >= offset + 2 {
            let total = Int(body[offset]) << 8 | Int(body[offset + 1])
            offset += 2
            if total == body.count - offset {
                while body.count - offset >= 4 {
                    let type = UInt16(body[offset]) << 8 | UInt16(body[offset + 1])
                    let length = Int(body[offset + 2]) << 8 | Int(body[offset + 3])
                    guard body.count - offset - 4 >= length else {
                        extensions = []
                        break
                    }
                    extensions.append(TLSExtension(type: type, data: Array(body[(offset + 4)..<(offset + 4 + length)])))
                    offset += 4 + length
                }
            }
        }
        return .complete(
            .serverHello(
                RawServerHello(
                    version: version, random: random, sessionID: sessionID, cipherSuite: suite,
                    compression: body[at + 2],
                    extensions: extensions)))
    }
}

extension [UInt8] {
    fileprivate mutating func append(u16 value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }
}
