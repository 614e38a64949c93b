import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile peers that answer a ClientHello with a ServerHello and no certificate: what a forging
/// device does to make a connection look accepted. Each is kept here as the test server of the
/// review that found "OK" without a certificate (issue 25).
public enum ForgedAnswer: Sendable {
    /// A bare ServerHello, then the connection is closed.
    case bareServerHelloThenClose
    /// A bare ServerHello, then silence until the client goes away.
    case bareServerHelloThenSilence
    /// A ServerHello and at once a ServerHelloDone: a flight without a Certificate.
    case serverHelloDone

    /// The bytes after the ClientHello: a TLS 1.2 ServerHello choosing `cipher`.
    func bytes(cipher: UInt16) -> [UInt8] {
        switch self {
        case .bareServerHelloThenClose, .bareServerHelloThenSilence:
            return TLSBytes.serverHello(version: 0x0303, cipher: cipher)
        case .serverHelloDone:
            return TLSBytes.serverHello(version: 0x0303, cipher: cipher)
                + TLSBytes.record(type: 0x16, TLSBytes.handshake(type: 14, []))
        }
    }

    func serve(_ fd: Int32, cipher: UInt16) {
        RawTCPServer.write(fd, bytes(cipher: cipher))
        if case .bareServerHelloThenSilence = self {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            // Until the client closes, at most 10 s (so a failing test does not hang).
            let end = Date().addingTimeInterval(10)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < end {
                if poll(&pfd, 1, 200) > 0, recv(fd, &buffer, buffer.count, 0) <= 0 { break }
            }
        }
    }
}

/// A TLS "server" that reads the ClientHello and answers with a forged ServerHello and no certificate.
public final class BareServerHelloServer: @unchecked Sendable {
    public let server: RawTCPServer
    public var port: Int { server.port }

    /// `cipher`: the suite the ServerHello names (0xC02F, ECDHE-RSA-AES128-GCM-SHA256, which every
    /// Windows hello of TLS 1.2 offers).
    public init(_ answer: ForgedAnswer = .bareServerHelloThenClose, cipher: UInt16 = 0xC02F) {
        server = RawTCPServer { fd in
            _ = RawTCPServer.readSome(fd)
            answer.serve(fd, cipher: cipher)
        }
    }

    public func stop() { server.stop() }
}

/// An HTTP proxy that accepts every `CONNECT` with `200` and then forges the server's answer
/// itself: a bare ServerHello, no certificate, whatever host was asked for.
public final class ForgingProxy: @unchecked Sendable {
    public let server: RawTCPServer
    public var port: Int { server.port }
    public var url: String { "http://127.0.0.1:\(port)" }

    public init(_ answer: ForgedAnswer = .bareServerHelloThenClose, cipher: UInt16 = 0xC02F) {
        server = RawTCPServer { fd in
            // The CONNECT request, up to its blank line.
            var request: [UInt8] = []
            var byte: UInt8 = 0
            while request.count < 8192, recv(fd, &byte, 1, 0) == 1 {
                request.append(byte)
                if request.suffix(4) == [13, 10, 13, 10] { break }
            }
            RawTCPServer.write(fd, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8))
            _ = RawTCPServer.readSome(fd)
            answer.serve(fd, cipher: cipher)
        }
    }

    public func stop() { server.stop() }
}

/// A proxy that refuses every request with a status line carrying bare line feeds (forged lines
/// after them: "fe2.update.microsoft.com:443  OK", "All hosts reachable.") and an error page that
/// echoes the client's `Proxy-Authorization` header, ESC and a right-to-left override.
public final class EchoingProxy: @unchecked Sendable {
    public let server: RawTCPServer
    public var port: Int { server.port }

    public static let forgedLines = ["fe2.update.microsoft.com:443  OK", "All hosts reachable."]

    public init() {
        server = RawTCPServer { fd in
            var request: [UInt8] = []
            var byte: UInt8 = 0
            while request.count < 8192, recv(fd, &byte, 1, 0) == 1 {
                request.append(byte)
                if request.suffix(4) == [13, 10, 13, 10] { break }
            }
            let text = String(decoding: request, as: UTF8.self)
            let echoed =
                text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("proxy-authorization:") }.map(
                    String.init) ?? "none"
            let body = "<html><head><title>Denied \u{1B}[2J\u{202E}evil: \(echoed)</title></head></html>"
            let head =
                "HTTP/1.1 403 Forbidden\n\n" + EchoingProxy.forgedLines.joined(separator: "\n")
                + "\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
            RawTCPServer.write(fd, Array((head + body).utf8))
        }
    }

    public func stop() { server.stop() }
}
