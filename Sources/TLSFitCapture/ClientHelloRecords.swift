/// Recognizes a ClientHello at the start of a client's byte stream and finds where it ends.
///
/// Only the framing is read here: record headers, the handshake header, and the server_name
/// extension. Decoding the hello itself belongs to the ClientHello decoder.
enum ClientHelloRecords {
    /// The largest record TLS allows (2^14 plus the expansion TLS 1.2 permits).
    static let maxRecordLength = 16384 + 2048
    /// The shortest ClientHello body: version, random, empty session id, one suite, one compression method.
    static let minimumMessageLength = 2 + 32 + 1 + 2 + 2 + 1 + 1

    enum Scan: Sendable, Hashable {
        /// The stream does not start with a ClientHello (another protocol, or a TLS stream joined late).
        case notHello
        /// A ClientHello so far; more bytes are needed. `messageLength` once the handshake header is in.
        case needMore(messageLength: Int?)
        /// The hello ends `length` bytes into the stream (record headers included).
        case complete(length: Int)
        /// It starts as a ClientHello, then stops making sense.
        case broken(String)
    }

    /// Reads `stream` from byte `start` (0, or past an HTTP proxy's CONNECT request). `limit`
    /// bounds the hello's size in the stream. Lengths in the answer count from `start`.
    static func scan(_ stream: [UInt8], from start: Int = 0, limit: Int) -> Scan {
        // The first record: handshake (22), version 3.x with x <= 4, a non-empty body, and a
        // ClientHello (type 1) as its first handshake message. Decided on as few bytes as possible.
        let prefix: [(Int, (UInt8) -> Bool)] = [
            (0, { $0 == 0x16 }), (1, { $0 == 0x03 }), (2, { $0 <= 0x04 }), (5, { $0 == 0x01 }),
        ]
        for (index, test) in prefix where start + index < stream.count {
            if !test(stream[start + index]) { return .notHello }
        }
        if stream.count >= start + 5, stream[start + 3] == 0, stream[start + 4] == 0 { return .notHello }

        var offset = start
        var header: [UInt8] = []  // the 4-byte handshake header, gathered across records
        var messageBytes = 0  // handshake bytes seen, header included
        var messageLength: Int?
        while true {
            guard stream.count - offset >= 5 else { return .needMore(messageLength: messageLength) }
            let type = stream[offset]
            let length = Int(stream[offset + 3]) << 8 | Int(stream[offset + 4])
            guard type == 0x16 else {
                return .broken("a record of type \(type) inside the ClientHello, after \(messageBytes) bytes of it")
            }
            guard stream[offset + 1] == 0x03 else {
                return .broken(
                    "a record with version \(stream[offset + 1]).\(stream[offset + 2]) inside the ClientHello")
            }
            guard length > 0, length <= maxRecordLength else {
                return .broken("a handshake record of \(length) bytes inside the ClientHello")
            }
            let available = min(length, stream.count - offset - 5)
            var cursor = offset + 5
            while header.count < 4, cursor < offset + 5 + available {
                header.append(stream[cursor])
                cursor += 1
            }
            messageBytes += available
            if messageLength == nil, header.count == 4 {
                let declared = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                guard declared >= minimumMessageLength else {
                    return .broken(
                        "a ClientHello of \(declared) bytes, too short to hold a version, a random and a suite")
                }
                guard declared + 4 <= limit else {
                    return .broken(
                        "a ClientHello of \(declared) bytes, more than the \(limit) bytes the reader follows")
                }
                messageLength = declared
            }
            if let messageLength, messageBytes >= messageLength + 4 {
                // The message ends inside this record.
                let beyond = messageBytes - (messageLength + 4)
                return .complete(length: offset + 5 + available - beyond - start)
            }
            guard available == length else { return .needMore(messageLength: messageLength) }
            offset += 5 + length
        }
    }

    /// What precedes the TLS bytes in a stream.
    enum Tunnel: Sendable, Hashable {
        /// The stream starts with TLS (or with something else): read it from its first byte.
        case none
        /// A CONNECT request whose header is not whole yet.
        case needMore
        /// `length` bytes of CONNECT request(s) to `target` (`host:port`) come before the TLS bytes.
        case connect(length: Int, target: String)
    }

    /// The most CONNECT requests read before the hello (a 407 answer makes the client ask again
    /// with credentials, on the same connection), and the longest request header.
    static let maxConnectRequests = 4
    static let maxConnectHeader = 16384
    private static let connectMethod = Array("CONNECT ".utf8)

    /// A client behind an HTTP proxy (as WinHTTP is, for Windows Update, when a proxy is set)
    /// sends `CONNECT host:443 HTTP/1.1` and its headers, then its ClientHello in the same stream.
    static func tunnel(_ stream: [UInt8]) -> Tunnel {
        var offset = 0
        var target = ""
        for _ in 0..<maxConnectRequests {
            let available = min(stream.count - offset, connectMethod.count)
            guard available > 0, stream[offset..<(offset + available)].elementsEqual(connectMethod[..<available]) else {
                break
            }
            guard available == connectMethod.count else { return .needMore }
            // The request line's target, then the end of the header (an empty line).
            let searchEnd = min(stream.count, offset + maxConnectHeader)
            var end: Int?
            var index = offset
            while index + 3 < searchEnd {
                if stream[index] == 0x0D, stream[index + 1] == 0x0A, stream[index + 2] == 0x0D,
                    stream[index + 3] == 0x0A
                {
                    end = index + 4
                    break
                }
                index += 1
            }
            guard let end else {
                return searchEnd - offset >= maxConnectHeader
                    ? (offset == 0 ? .none : .connect(length: offset, target: target)) : .needMore
            }
            let line = stream[(offset + connectMethod.count)..<end].prefix { $0 != 0x20 && $0 != 0x0D }
            if line.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { target = String(decoding: line, as: UTF8.self) }
            offset = end
        }
        return offset == 0 ? .none : .connect(length: offset, target: target)
    }

    /// The handshake message (header included) carried by the records of a complete hello.
    static func handshakeMessage(_ records: [UInt8]) -> [UInt8] {
        var message: [UInt8] = []
        var offset = 0
        while records.count - offset >= 5 {
            let length = Int(records[offset + 3]) << 8 | Int(records[offset + 4])
            let end = min(offset + 5 + length, records.count)
            message += records[(offset + 5)..<end]
            offset = end
        }
        return message
    }

    /// The host_name of the server_name extension, if the hello has one that parses.
    static func serverName(inHandshake message: [UInt8]) -> String? {
        var reader = Cursor(message)
        guard reader.u8() == 1, reader.skip(3),  // type, length
            reader.skip(2 + 32),  // legacy_version, random
            let sessionLength = reader.u8(), reader.skip(Int(sessionLength)),
            let suitesLength = reader.u16(), reader.skip(Int(suitesLength)),
            let compressionLength = reader.u8(), reader.skip(Int(compressionLength)),
            let extensionsLength = reader.u16()
        else { return nil }
        let extensionsEnd = min(reader.offset + Int(extensionsLength), message.count)
        while reader.offset + 4 <= extensionsEnd {
            guard let type = reader.u16(), let length = reader.u16() else { return nil }
            let end = reader.offset + Int(length)
            guard end <= extensionsEnd else { return nil }
            if type == 0 {
                // server_name_list: (name_type, opaque host_name<1..2^16-1>)...
                guard let listLength = reader.u16() else { return nil }
                let listEnd = min(reader.offset + Int(listLength), end)
                while reader.offset + 3 <= listEnd {
                    guard let nameType = reader.u8(), let nameLength = reader.u16(),
                        reader.offset + Int(nameLength) <= listEnd
                    else { return nil }
                    let name = Array(message[reader.offset..<(reader.offset + Int(nameLength))])
                    if nameType == 0 {
                        // Printable ASCII only: a host name is no place for control characters.
                        guard !name.isEmpty, name.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
                        return String(decoding: name, as: UTF8.self)
                    }
                    _ = reader.skip(Int(nameLength))
                }
                return nil
            }
            _ = reader.skip(Int(length))
        }
        return nil
    }
}

/// A forward-only reader over a byte array; every read is bounds-checked.
private struct Cursor {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func u8() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() -> UInt16? {
        guard offset + 2 <= bytes.count else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, offset + count <= bytes.count else { return false }
        offset += count
        return true
    }
}
