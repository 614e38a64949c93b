import Foundation
import TLSFitCore
internal import COpenSSL
internal import COpenSSLShims

#if canImport(Glibc)
    import Glibc
#endif

/// How a local server behaves: what it accepts and in which order, and which certificate it shows.
public struct ServerConfiguration: Sendable, Hashable {
    /// Leaf certificates with their keys (one RSA and one ECDSA may be given together).
    public var credentials: [PEMCredential]
    /// Intermediate certificates (PEM) sent after the leaf.
    public var chainPEM: String?
    public var minVersion: TLSVersion
    public var maxVersion: TLSVersion
    /// OpenSSL cipher string for TLS 1.2 and below.
    public var cipherString: String
    /// OpenSSL TLS 1.3 suites string.
    public var tls13CipherSuites: String
    /// Enforce the server's order (SSL_OP_CIPHER_SERVER_PREFERENCE).
    public var serverPreference: Bool
    /// OpenSSL groups list; nil for OpenSSL's default.
    public var groups: String?
    /// Refuse like sws.update.microsoft.com: a ClientHello with no version and suite in this table
    /// (suite code points per version) gets a TCP reset instead of an alert. nil: OpenSSL's alert.
    public var resetUnlessOffered: [TLSVersion: Set<UInt16>]?

    public init(
        credentials: [PEMCredential], chainPEM: String? = nil, minVersion: TLSVersion = .tls12,
        maxVersion: TLSVersion = .tls13, cipherString: String = "DEFAULT",
        tls13CipherSuites: String = "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
        serverPreference: Bool = true, groups: String? = nil
    ) {
        self.credentials = credentials
        self.chainPEM = chainPEM
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.cipherString = cipherString
        self.tls13CipherSuites = tls13CipherSuites
        self.serverPreference = serverPreference
        self.groups = groups
    }
}

public struct LocalServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// An OpenSSL TLS server on a local port, serving each connection on its own thread.
///
/// Used by `tlsfit serve` and `tlsfit demo`, and by the tests as the in-process peer. After the
/// handshake it answers one HTTP request with a short text, then closes.
public final class LocalTLSServer: @unchecked Sendable {
    public let port: Int
    public let bindAddress: String
    private let listener: Int32
    private let ctx: OpaquePointer
    private let lock = NSLock()
    private var stopped = false
    private var acceptThreadDone = DispatchSemaphore(value: 0)
    private var _handshakes = 0

    /// Number of completed handshakes so far.
    public var handshakes: Int { lock.withLock { _handshakes } }
    private var _resets = 0
    /// Number of ClientHellos answered with a TCP reset (`resetUnlessOffered`).
    public var resets: Int { lock.withLock { _resets } }
    private let configuration: ServerConfiguration

    /// Peeks at the first record (without consuming it) and tells whether the hello can be served.
    static func helloAcceptable(_ fd: Int32, _ accepted: [TLSVersion: Set<UInt16>]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16_384 + 5)
        for _ in 0..<50 {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_PEEK))
            guard n > 0 else { return false }
            let head = Array(buffer[0..<n])
            guard let total = ClientHelloPeek.recordLength(head) else { return true }  // not TLS: let OpenSSL answer
            if n >= total { return ClientHelloPeek.parse(head)?.negotiable(accepted) != nil }
            usleep(20_000)
        }
        return true
    }

    public init(configuration: ServerConfiguration, bindAddress: String = "127.0.0.1", port: Int = 0) throws(LocalServerError) {
        _ = ignoreSIGPIPE
        self.bindAddress = bindAddress
        self.configuration = configuration
        ctx = try Self.makeContext(configuration)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, bindAddress, &address.sin_addr) == 1 else {
            SSL_CTX_free(ctx)
            throw LocalServerError(description: "\(bindAddress) is not an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 128) == 0 else {
            let text = String(cString: strerror(errno))
            if fd >= 0 { close(fd) }
            SSL_CTX_free(ctx)
            throw LocalServerError(description: "cannot listen on \(bindAddress):\(port): \(text)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "tlsfit-server-\(self.port)"
        thread.start()
    }

    deinit {
        stop()
        SSL_CTX_free(ctx)
    }

    /// Stops accepting connections; connections in progress finish on their own.
    public func stop() {
        let wasRunning = lock.withLock {
            let running = !stopped
            stopped = true
            return running
        }
        guard wasRunning else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        acceptThreadDone.wait()
        close(listener)
    }

    private func acceptLoop() {
        defer { acceptThreadDone.signal() }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            if lock.withLock({ stopped }) {
                close(client)
                return
            }
            Thread.detachNewThread { [self] in serve(client) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let accepted = configuration.resetUnlessOffered, !Self.helloAcceptable(fd, accepted) {
            // SO_LINGER 0: close() sends a TCP reset, not a FIN (the deferred close does it).
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            lock.withLock { _resets += 1 }
            return
        }
        guard let ssl = SSL_new(ctx) else { return }
        defer {
            SSL_free(ssl)
            ERR_clear_error()
        }
        SSL_set_fd(ssl, fd)
        guard SSL_accept(ssl) == 1 else { return }
        lock.withLock { _handshakes += 1 }
        // Answer one request, if the client sends one quickly.
        var shortWait = timeval(tv_sec: 0, tv_usec: 300_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &shortWait, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        if SSL_read(ssl, &buffer, Int32(buffer.count)) > 0 {
            let body = "tlsfit test server\n"
            let response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            _ = Array(response.utf8).withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        }
        SSL_shutdown(ssl)
    }

    static func makeContext(_ configuration: ServerConfiguration) throws(LocalServerError) -> OpaquePointer {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw LocalServerError(description: "SSL_CTX_new failed") }
        func fail(_ what: String) -> LocalServerError {
            let detail = OpenSSLErrorQueue.drain().map(\.text).joined(separator: "; ")
            SSL_CTX_free(ctx)
            return LocalServerError(description: "\(what): \(detail)")
        }
        var options = tlsfit_ssl_op_no_ticket() | tlsfit_ssl_op_no_compression() | tlsfit_ssl_op_ignore_unexpected_eof()
        if configuration.serverPreference { options |= tlsfit_ssl_op_cipher_server_preference() }
        _ = SSL_CTX_set_options(ctx, options)
        _ = tlsfit_ssl_ctx_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
        _ = tlsfit_ssl_ctx_set_tmp_dh_auto(ctx, 1)
        guard SSL_CTX_set_cipher_list(ctx, configuration.cipherString) == 1 || configuration.cipherString.isEmpty else {
            throw fail("cipher list '\(configuration.cipherString)'")
        }
        guard SSL_CTX_set_ciphersuites(ctx, configuration.tls13CipherSuites) == 1 else {
            throw fail("TLS 1.3 suites '\(configuration.tls13CipherSuites)'")
        }
        SSL_CTX_set_security_level(ctx, 0)
        if let groups = configuration.groups, tlsfit_ssl_ctx_set1_groups_list(ctx, groups) != 1 {
            throw fail("groups '\(groups)'")
        }
        _ = tlsfit_ssl_ctx_set_min_proto_version(ctx, Int32(configuration.minVersion.wireValue))
        _ = tlsfit_ssl_ctx_set_max_proto_version(ctx, Int32(configuration.maxVersion.wireValue))
        for credential in configuration.credentials {
            guard let cert = CertificateFactory.readCertificate(credential.certificatePEM),
                let key = CertificateFactory.readKey(credential.privateKeyPEM)
            else { throw fail("cannot read a certificate or key") }
            defer {
                X509_free(cert)
                EVP_PKEY_free(key)
            }
            guard SSL_CTX_use_certificate(ctx, cert) == 1, SSL_CTX_use_PrivateKey(ctx, key) == 1 else {
                throw fail("cannot use the certificate")
            }
        }
        if let chain = configuration.chainPEM {
            for pem in PEMBlocks.split(chain) {
                guard let cert = CertificateFactory.readCertificate(pem) else { throw fail("cannot read the chain") }
                // add_extra_chain_cert takes ownership.
                guard tlsfit_ssl_ctx_add_extra_chain_cert(ctx, cert) == 1 else { throw fail("cannot add the chain") }
            }
        }
        return ctx
    }
}

/// Splits concatenated PEM text into blocks.
enum PEMBlocks {
    static func split(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-----BEGIN") { current = [] }
            current.append(line)
            if line.hasPrefix("-----END") { blocks.append(current.joined(separator: "\n") + "\n") }
        }
        return blocks
    }
}
