/// One TLS extension as it is on the wire.
public struct TLSExtension: Sendable, Hashable {
    public var type: UInt16
    public var data: [UInt8]

    public init(type: UInt16, data: [UInt8]) {
        self.type = type
        self.data = data
    }
}

/// One key_share entry: the group and its public key.
public struct KeyShareEntry: Sendable, Hashable {
    public var group: UInt16
    public var keyExchange: [UInt8]
}

/// A TLS ClientHello as a value: what a client offers, field by field, with typed views of the
/// extensions. `encode()` writes the record; `decode(_:)` reads a record or a bare handshake message.
public struct ClientHello: Sendable, Hashable {
    /// The record layer's version (0x0301 or 0x0303 in practice).
    public var recordVersion: UInt16
    /// `legacy_version` / `client_version`: 0x0303 for TLS 1.2 and TLS 1.3 hellos.
    public var version: UInt16
    /// 32 bytes.
    public var random: [UInt8]
    /// 0 to 32 bytes.
    public var sessionID: [UInt8]
    public var cipherSuites: [UInt16]
    public var compressionMethods: [UInt8]
    /// In wire order. An empty list is written as no extensions block at all (an SSL 3.0 style hello).
    public var extensions: [TLSExtension]

    public init(
        recordVersion: UInt16, version: UInt16, random: [UInt8], sessionID: [UInt8], cipherSuites: [UInt16],
        compressionMethods: [UInt8] = [0], extensions: [TLSExtension]
    ) {
        self.recordVersion = recordVersion
        self.version = version
        self.random = random
        self.sessionID = sessionID
        self.cipherSuites = cipherSuites
        self.compressionMethods = compressionMethods
        self.extensions = extensions
    }

    // MARK: Typed views (nil or empty when the extension is absent)

    public func extensionData(_ type: UInt16) -> [UInt8]? { extensions.first { $0.type == type }?.data }
    public var extensionTypes: [UInt16] { extensions.map(\.type) }

    /// The host_name of server_name.
    public var serverName: String? {
        guard let data = extensionData(0x0000), let list = try? ExtensionCodec.serverNames(data) else { return nil }
        return list.first
    }
    public var supportedGroups: [UInt16] {
        extensionData(0x000A).flatMap { try? ExtensionCodec.u16List(data: $0, lengthBytes: 2) } ?? []
    }
    public var pointFormats: [UInt8]? { extensionData(0x000B).flatMap { try? ExtensionCodec.u8List(data: $0) } }
    public var signatureAlgorithms: [UInt16] {
        extensionData(0x000D).flatMap { try? ExtensionCodec.u16List(data: $0, lengthBytes: 2) } ?? []
    }
    public var supportedVersions: [UInt16] {
        extensionData(0x002B).flatMap { try? ExtensionCodec.u16List(data: $0, lengthBytes: 1) } ?? []
    }
    public var pskKeyExchangeModes: [UInt8] {
        extensionData(0x002D).flatMap { try? ExtensionCodec.u8List(data: $0) } ?? []
    }
    public var keyShares: [KeyShareEntry] { extensionData(0x0033).flatMap { try? ExtensionCodec.keyShares($0) } ?? [] }
    /// ALPN protocol names.
    public var alpn: [String] { extensionData(0x0010).flatMap { try? ExtensionCodec.alpn($0) } ?? [] }

    /// The protocols the hello offers: supported_versions when present (GREASE left out), else every
    /// version from TLS 1.0 (SSL 3.0 for an SSL 3.0 hello) up to `version`.
    public var offeredVersions: [TLSVersion] {
        if extensionData(0x002B) != nil {
            return supportedVersions.compactMap(TLSVersion.init(wireValue:)).sorted()
        }
        guard let max = TLSVersion(wireValue: version) else { return [] }
        return TLSVersion.allCases.filter { $0 <= max && $0 != .tls13 && ($0 != .ssl3 || max == .ssl3) }
    }

    /// RFC 8701 GREASE values (0x0A0A, 0x1A1A ... 0xFAFA).
    public static func isGREASE(_ value: UInt16) -> Bool { value & 0x0F0F == 0x0A0A && value >> 8 == value & 0xFF }

    // MARK: Encoding

    /// The handshake message: type 1, 24-bit length, body.
    public func handshakeMessage() -> [UInt8] {
        var body: [UInt8] = []
        body.append(u16: version)
        body += random
        body.append(UInt8(sessionID.count))
        body += sessionID
        body.append(u16: UInt16(cipherSuites.count * 2))
        for suite in cipherSuites { body.append(u16: suite) }
        body.append(UInt8(compressionMethods.count))
        body += compressionMethods
        if !extensions.isEmpty {
            var block: [UInt8] = []
            for e in extensions {
                block.append(u16: e.type)
                block.append(u16: UInt16(e.data.count))
                block += e.data
            }
            body.append(u16: UInt16(block.count))
            body += block
        }
        return [1, UInt8((body.count >> 16) & 0xFF), UInt8((body.count >> 8) & 0xFF), UInt8(body.count & 0xFF)] + body
    }

    /// The bytes on the wire: the handshake message in handshake records of at most 2^14 bytes.
    public func encode() -> [UInt8] {
        let message = handshakeMessage()
        var out: [UInt8] = []
        var offset = 0
        repeat {
            let end = min(offset + 16384, message.count)
            out.append(0x16)
            out.append(u16: recordVersion)
            out.append(u16: UInt16(end - offset))
            out += message[offset..<end]
            offset = end
        } while offset < message.count
        return out
    }

    // MARK: Decoding

    /// Reads a ClientHello from TLS records (`16 03 0x ...`, joined across records) or from a bare
    /// handshake message (`01 ...`). Strict: every length must agree and every extension tlsfit
    /// knows must be well formed; bytes after the last record are ignored. Never traps.
    public static func decode(_ bytes: [UInt8]) throws(ClientHelloDecodingError) -> ClientHello {
        guard let first = bytes.first else { throw ClientHelloDecodingError(offset: 0, "no bytes") }
        var recordVersion: UInt16?
        var message: [UInt8]
        var messageOffset = 0
        switch first {
        case 0x16:
            (message, recordVersion) = try joinedRecords(bytes)
            messageOffset = 5
        case 0x01:
            message = bytes
        default:
            throw ClientHelloDecodingError(
                offset: 0,
                "starts with 0x\(hex2(first)): neither a handshake record (0x16) nor a ClientHello message (0x01)")
        }
        var reader = ByteReader(message, base: messageOffset)
        let type = try reader.u8("handshake type")
        guard type == 1 else {
            throw ClientHelloDecodingError(offset: messageOffset, "handshake type \(type) is not ClientHello (1)")
        }
        let length = try reader.u24("handshake length")
        guard reader.remaining >= length else {
            throw ClientHelloDecodingError(
                offset: messageOffset + 1, "the ClientHello says \(length) bytes, \(reader.remaining) follow")
        }
        guard reader.remaining == length || first == 0x16 else {
            throw ClientHelloDecodingError(
                offset: messageOffset + 4 + length, "\(reader.remaining - length) bytes after the ClientHello")
        }
        var body = try reader.sub(length, "ClientHello body")
        let version = try body.u16("client_version")
        let random = try body.bytes(32, "random")
        let sessionLength = try body.u8("session id length")
        guard sessionLength <= 32 else {
            throw ClientHelloDecodingError(
                offset: body.position - 1, "a session id of \(sessionLength) bytes (at most 32)")
        }
        let sessionID = try body.bytes(Int(sessionLength), "session id")
        let suitesLength = try body.u16("cipher suites length")
        guard suitesLength % 2 == 0, suitesLength > 0 else {
            throw ClientHelloDecodingError(
                offset: body.position - 2,
                "a cipher suite list of \(suitesLength) bytes (a positive even number is needed)")
        }
        var suitesReader = try body.sub(Int(suitesLength), "cipher suites")
        var suites: [UInt16] = []
        while suitesReader.remaining > 0 { suites.append(try suitesReader.u16("cipher suite")) }
        let compressionLength = try body.u8("compression methods length")
        guard compressionLength > 0 else {
            throw ClientHelloDecodingError(offset: body.position - 1, "no compression method")
        }
        let compression = try body.bytes(Int(compressionLength), "compression methods")
        let extensions = try decodeExtensions(&body)
        return ClientHello(
            recordVersion: recordVersion ?? version, version: version, random: random, sessionID: sessionID,
            cipherSuites: suites, compressionMethods: compression, extensions: extensions)
    }

    /// The extensions block at the end of a ClientHello body (none when the body ends): each extension once,
    /// and each one tlsfit knows well formed.
    private static func decodeExtensions(_ body: inout ByteReader) throws(ClientHelloDecodingError) -> [TLSExtension] {
        var extensions: [TLSExtension] = []
        guard body.remaining > 0 else { return extensions }
        let total = try body.u16("extensions length")
        guard Int(total) == body.remaining else {
            throw ClientHelloDecodingError(
                offset: body.position - 2, "the extensions block says \(total) bytes, \(body.remaining) follow")
        }
        var seen = Set<UInt16>()
        while body.remaining > 0 {
            let start = body.position
            let extType = try body.u16("extension type")
            let extLength = try body.u16("extension length")
            let data = try body.bytes(Int(extLength), "extension 0x\(hex4(extType)) data")
            guard seen.insert(extType).inserted else {
                throw ClientHelloDecodingError(offset: start, "extension 0x\(hex4(extType)) appears twice")
            }
            do {
                try ExtensionCodec.validate(type: extType, data: data)
            } catch {
                throw ClientHelloDecodingError(
                    offset: start,
                    "extension 0x\(hex4(extType)) (\(TLSExtensionNames.name(extType))): \(error.message)")
            }
            extensions.append(TLSExtension(type: extType, data: data))
        }
        return extensions
    }

    /// The handshake message carried by the TLS records at the start of `bytes`, and the first record's version.
    static func joinedRecords(_ bytes: [UInt8]) throws(ClientHelloDecodingError) -> (
        message: [UInt8], recordVersion: UInt16?
    ) {
        var recordVersion: UInt16?
        var message: [UInt8] = []
        var offset = 0
        var needed: Int?
        while needed.map({ message.count < $0 }) ?? true {
            guard bytes.count - offset >= 5 else {
                throw ClientHelloDecodingError(
                    offset: offset,
                    offset == bytes.count
                        ? "the ClientHello continues past the end of the input" : "a truncated record header")
            }
            guard bytes[offset] == 0x16 else {
                throw ClientHelloDecodingError(
                    offset: offset, "record type 0x\(hex2(bytes[offset])) where a handshake record (0x16) is needed")
            }
            guard bytes[offset + 1] == 3 else {
                throw ClientHelloDecodingError(
                    offset: offset + 1, "record version \(bytes[offset + 1]).\(bytes[offset + 2]) is not TLS")
            }
            let version = UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset + 2])
            if recordVersion == nil { recordVersion = version }
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            guard length > 0 else { throw ClientHelloDecodingError(offset: offset + 3, "an empty handshake record") }
            guard length <= 16384 + 2048 else {
                throw ClientHelloDecodingError(offset: offset + 3, "a record of \(length) bytes (TLS allows 16384)")
            }
            guard bytes.count - offset - 5 >= length else {
                throw ClientHelloDecodingError(
                    offset: offset + 3, "the record says \(length) bytes, \(bytes.count - offset - 5) follow")
            }
            message += bytes[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            if needed == nil, message.count >= 4 {
                needed = 4 + (Int(message[1]) << 16 | Int(message[2]) << 8 | Int(message[3]))
            }
        }
        if let needed, message.count > needed {
            throw ClientHelloDecodingError(
                offset: 5 + needed, "\(message.count - needed) bytes after the ClientHello in its record")
        }
        return (message, recordVersion)
    }
}

/// Why bytes are not a ClientHello, with the offset (into the input) where it shows.
public struct ClientHelloDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public init(offset: Int, _ message: String) {
        self.offset = offset
        self.message = message
    }
    public var description: String { "byte \(offset): \(message)" }
}

/// Bounds-checked reads; every failure is a `ClientHelloDecodingError`, never a trap.
struct ByteReader {
    let bytes: [UInt8]
    /// Offset of `bytes[0]` in the caller's input, for messages.
    let base: Int
    var index = 0

    init(_ bytes: [UInt8], base: Int = 0) {
        self.bytes = bytes
        self.base = base
    }
    init(_ slice: ArraySlice<UInt8>, base: Int) {
        self.bytes = Array(slice)
        self.base = base
    }

    var remaining: Int { bytes.count - index }
    var position: Int { base + index }

    mutating func need(_ n: Int, _ what: String) throws(ClientHelloDecodingError) {
        guard n >= 0, remaining >= n else {
            throw ClientHelloDecodingError(offset: position, "\(what): \(n) bytes needed, \(remaining) left")
        }
    }
    mutating func u8(_ what: String) throws(ClientHelloDecodingError) -> UInt8 {
        try need(1, what)
        defer { index += 1 }
        return bytes[index]
    }
    mutating func u16(_ what: String) throws(ClientHelloDecodingError) -> UInt16 {
        try need(2, what)
        defer { index += 2 }
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }
    mutating func u24(_ what: String) throws(ClientHelloDecodingError) -> Int {
        try need(3, what)
        defer { index += 3 }
        return Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
    }
    mutating func bytes(_ n: Int, _ what: String) throws(ClientHelloDecodingError) -> [UInt8] {
        try need(n, what)
        defer { index += n }
        return Array(bytes[index..<(index + n)])
    }
    mutating func sub(_ n: Int, _ what: String) throws(ClientHelloDecodingError) -> ByteReader {
        try need(n, what)
        defer { index += n }
        return ByteReader(bytes[index..<(index + n)], base: position)
    }
}

/// The extensions tlsfit reads, parsed strictly.
enum ExtensionCodec {
    static func u16List(data: [UInt8], lengthBytes: Int) throws(ClientHelloDecodingError) -> [UInt16] {
        var r = ByteReader(data)
        let length = lengthBytes == 1 ? Int(try r.u8("list length")) : Int(try r.u16("list length"))
        guard length == r.remaining, length % 2 == 0 else {
            throw ClientHelloDecodingError(
                offset: 0, "list length \(length) does not match the \(r.remaining) bytes that follow")
        }
        var out: [UInt16] = []
        while r.remaining > 0 { out.append(try r.u16("entry")) }
        return out
    }

    static func u8List(data: [UInt8]) throws(ClientHelloDecodingError) -> [UInt8] {
        var r = ByteReader(data)
        let length = Int(try r.u8("list length"))
        guard length == r.remaining else {
            throw ClientHelloDecodingError(
                offset: 0, "list length \(length) does not match the \(r.remaining) bytes that follow")
        }
        return try r.bytes(length, "list")
    }

    static func serverNames(_ data: [UInt8]) throws(ClientHelloDecodingError) -> [String] {
        var r = ByteReader(data)
        let length = Int(try r.u16("server name list length"))
        guard length == r.remaining else {
            throw ClientHelloDecodingError(
                offset: 0, "list length \(length) does not match the \(r.remaining) bytes that follow")
        }
        var names: [String] = []
        while r.remaining > 0 {
            let type = try r.u8("name type")
            let n = Int(try r.u16("name length"))
            let name = try r.bytes(n, "name")
            if type == 0 { names.append(String(decoding: name, as: UTF8.self)) }
        }
        return names
    }

    static func keyShares(_ data: [UInt8]) throws(ClientHelloDecodingError) -> [KeyShareEntry] {
        var r = ByteReader(data)
        let length = Int(try r.u16("client shares length"))
        guard length == r.remaining else {
            throw ClientHelloDecodingError(
                offset: 0, "list length \(length) does not match the \(r.remaining) bytes that follow")
        }
        var out: [KeyShareEntry] = []
        while r.remaining > 0 {
            let group = try r.u16("group")
            let n = Int(try r.u16("key length"))
            out.append(KeyShareEntry(group: group, keyExchange: try r.bytes(n, "key")))
        }
        return out
    }

    static func alpn(_ data: [UInt8]) throws(ClientHelloDecodingError) -> [String] {
        var r = ByteReader(data)
        let length = Int(try r.u16("protocol list length"))
        guard length == r.remaining else {
            throw ClientHelloDecodingError(
                offset: 0, "list length \(length) does not match the \(r.remaining) bytes that follow")
        }
        var out: [String] = []
        while r.remaining > 0 {
            let n = Int(try r.u8("protocol length"))
            guard n > 0 else { throw ClientHelloDecodingError(offset: 0, "an empty protocol name") }
            out.append(String(decoding: try r.bytes(n, "protocol"), as: UTF8.self))
        }
        return out
    }

    /// Checks the extensions tlsfit reads; others are kept as opaque bytes.
    static func validate(type: UInt16, data: [UInt8]) throws(ClientHelloDecodingError) {
        switch type {
        case 0x0000: if !data.isEmpty { _ = try serverNames(data) }
        case 0x000A, 0x000D: _ = try u16List(data: data, lengthBytes: 2)
        case 0x000B, 0x002D: _ = try u8List(data: data)
        case 0x002B: _ = try u16List(data: data, lengthBytes: 1)
        case 0x0033: _ = try keyShares(data)
        case 0x0010: _ = try alpn(data)
        case 0x0017, 0x0016:
            guard data.isEmpty else {
                throw ClientHelloDecodingError(offset: 0, "must be empty, has \(data.count) bytes")
            }
        case 0xFF01:
            guard let first = data.first, Int(first) == data.count - 1 else {
                throw ClientHelloDecodingError(offset: 0, "renegotiated_connection length does not match")
            }
        default: break
        }
    }
}

/// Names of the extensions people meet.
public enum TLSExtensionNames {
    public static func name(_ type: UInt16) -> String {
        if ClientHello.isGREASE(type) { return "GREASE" }
        switch type {
        case 0x0000: return "server_name"
        case 0x0005: return "status_request"
        case 0x000A: return "supported_groups"
        case 0x000B: return "ec_point_formats"
        case 0x000D: return "signature_algorithms"
        case 0x000F: return "heartbeat"
        case 0x0010: return "application_layer_protocol_negotiation"
        case 0x0012: return "signed_certificate_timestamp"
        case 0x0015: return "padding"
        case 0x0016: return "encrypt_then_mac"
        case 0x0017: return "extended_master_secret"
        case 0x0018: return "token_binding"
        case 0x001B: return "compress_certificate"
        case 0x0023: return "session_ticket"
        case 0x0029: return "pre_shared_key"
        case 0x002A: return "early_data"
        case 0x002B: return "supported_versions"
        case 0x002D: return "psk_key_exchange_modes"
        case 0x0031: return "post_handshake_auth"
        case 0x0032: return "signature_algorithms_cert"
        case 0x0033: return "key_share"
        case 0x3374: return "next_protocol_negotiation"
        case 0x4469: return "application_settings"
        case 0x5500: return "token_binding (draft)"
        case 0xFE0D: return "encrypted_client_hello"
        case 0xFF01: return "renegotiation_info"
        default: return "unknown"
        }
    }
}

func hex2(_ v: UInt8) -> String { v.hex(width: 2) }
func hex4(_ v: UInt16) -> String { v.hex(width: 4) }

extension [UInt8] {
    mutating func append(u16 value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }
}
