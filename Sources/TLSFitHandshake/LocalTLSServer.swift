internal import COpenSSL
internal import COpenSSLShims
import Dispatch
import FoundationEssentials
import Synchronization
import TLSFitCore

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

/// One host a local server plays: the names that select it by SNI, and how it behaves.
public struct VirtualHost: Sendable {
    /// Host names (SNI) that select this host, compared without case. The first host also serves
    /// clients that send no SNI or a name no host has.
    public var names: [String]
    public var configuration: ServerConfiguration

    public init(names: [String], configuration: ServerConfiguration) {
        self.names = names
        self.configuration = configuration
    }
}

/// Bounds on what clients may cost a local server.
public struct ServerLimits: Sendable {
    /// Connections served at once (one thread each); more are closed at once and logged.
    public var maxConnections: Int
    /// Seconds from accept to the end of the handshake; a client that drips bytes is cut off.
    public var handshakeTimeout: Double
    /// Seconds from accept to the client's first byte: an honest client sends its ClientHello at
    /// once, an idle connection is closed after this.
    public var firstByteTimeout: Double

    public init(maxConnections: Int = 256, handshakeTimeout: Double = 10, firstByteTimeout: Double = 2) {
        self.maxConnections = maxConnections
        self.handshakeTimeout = handshakeTimeout
        self.firstByteTimeout = firstByteTimeout
    }
}

/// An OpenSSL TLS server on a local port, serving each connection on its own thread.
///
/// Used by `tlsfit serve` and `tlsfit demo`, and by the tests as the in-process peer. After the
/// handshake it answers one HTTP request with a short text, then closes. Connections are bounded
/// (`ServerLimits`), every handshake has a deadline checked on every read, and several hosts can
/// be served on one port, chosen by the SNI of the ClientHello.
// @unchecked: the SSL_CTX pointers in `contexts` are set up in init and then only read (OpenSSL
// allows SSL_new from many threads on one context); everything that changes is in `state`.
public final class LocalTLSServer: @unchecked Sendable {
    public let port: Int
    public let bindAddress: String
    public let limits: ServerLimits
    private let listener: Int32
    /// One context per virtual host, the default first.
    private let contexts: [(names: Set<String>, first: String?, ctx: OpaquePointer, reset: [TLSVersion: Set<UInt16>]?)]
    private let log: (@Sendable (ServerConnectionEvent) -> Void)?
    private let acceptThreadDone = DispatchSemaphore(value: 0)
    private struct State {
        var stopped = false
        var handshakes = 0
        var open = 0
        var peakOpen = 0
        /// Connections whose ClientHello has not come whole yet (idle, or dripping it), by id, oldest
        /// first: the ones given up when every slot is taken (an idle or slow client cannot hold every slot).
        var idle: [(id: Int, fd: Int32)] = []
        var evicted = Set<Int>()
        var nextID = 0
        var evictions = 0
        var resets = 0
    }
    private let state = Mutex(State())

    /// Idle connections closed to admit newer ones.
    public var evictions: Int { state.withLock { $0.evictions } }

    /// Number of completed handshakes so far.
    public var handshakes: Int { state.withLock { $0.handshakes } }
    /// Number of ClientHellos answered with a TCP reset (`resetUnlessOffered`).
    public var resets: Int { state.withLock { $0.resets } }

    /// Connections being served now, and the most at once so far.
    public var openConnections: Int { state.withLock { $0.open } }
    public var peakOpenConnections: Int { state.withLock { $0.peakOpen } }

    public convenience init(configuration: ServerConfiguration, bindAddress: String = "127.0.0.1", port: Int = 0)
        throws(LocalServerError)
    {
        try self.init(
            hosts: [VirtualHost(names: [], configuration: configuration)], bindAddress: bindAddress, port: port)
    }

    public init(
        hosts: [VirtualHost], bindAddress: String = "127.0.0.1", port: Int = 0, limits: ServerLimits = ServerLimits(),
        log: (@Sendable (ServerConnectionEvent) -> Void)? = nil
    ) throws(LocalServerError) {
        _ = ignoreSIGPIPE
        guard !hosts.isEmpty else { throw LocalServerError(description: "no host to serve") }
        self.bindAddress = bindAddress
        self.limits = limits
        self.log = log
        var contexts: [(names: Set<String>, first: String?, ctx: OpaquePointer, reset: [TLSVersion: Set<UInt16>]?)] = []
        func freeAll() { contexts.forEach { SSL_CTX_free($0.ctx) } }
        for host in hosts {
            do {
                let ctx = try Self.makeContext(host.configuration)
                contexts.append(
                    (
                        Set(host.names.map { $0.lowercased() }), host.names.first, ctx,
                        host.configuration.resetUnlessOffered
                    ))
            } catch {
                freeAll()
                throw LocalServerError(
                    description: host.names.first.map { "\($0): \(error.description)" } ?? error.description)
            }
        }
        self.contexts = contexts
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, bindAddress, &address.sin_addr) == 1 else {
            freeAll()
            throw LocalServerError(description: "\(bindAddress) is not an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 128) == 0 else {
            let text = String(cString: strerror(errno))
            if fd >= 0 { close(fd) }
            freeAll()
            throw LocalServerError(description: "cannot listen on \(bindAddress):\(port): \(text)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        guard detachThread(runHereIfNoThread: false, { [self] in acceptLoop() }) else {
            close(fd)
            freeAll()
            throw LocalServerError(
                description: "cannot start a thread to accept connections on \(bindAddress):\(self.port)")
        }
    }

    deinit {
        stop()
        contexts.forEach { SSL_CTX_free($0.ctx) }
    }

    /// Stops accepting connections; connections in progress finish on their own.
    public func stop() {
        let wasRunning = state.withLock { state in
            let running = !state.stopped
            state.stopped = true
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
            var peerAddress = sockaddr_in()
            var peerLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let client = withUnsafeMutablePointer(to: &peerAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &peerLength) }
            }
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    // Out of descriptors: wait for connections to end instead of spinning or stopping.
                    usleep(100_000)
                    continue
                }
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &peerAddress.sin_addr, &text, socklen_t(text.count))
            let peer =
                "\(text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }):\(UInt16(bigEndian: peerAddress.sin_port))"
            let limits = self.limits
            let (isStopped, admitted, open, id) = state.withLock { s -> (Bool, Bool, Int, Int) in
                if s.stopped { return (true, false, s.open, 0) }
                if s.open >= limits.maxConnections {
                    // Every slot taken: the oldest connection whose ClientHello is not whole yet gives its slot up,
                    // a few at a time (the evicted threads are still counted until they end).
                    let full = min(s.open, limits.maxConnections)
                    guard s.evicted.count < Self.maxPendingEvictions(limits.maxConnections),
                        let oldest = s.idle.first(where: { !s.evicted.contains($0.id) })
                    else { return (false, false, full, 0) }
                    s.evicted.insert(oldest.id)
                    s.evictions += 1
                    shutdown(oldest.fd, Int32(SHUT_RDWR))
                }
                s.open += 1
                s.peakOpen = max(s.peakOpen, s.open)
                s.nextID += 1
                s.idle.append((s.nextID, client))
                return (false, true, s.open, s.nextID)
            }
            if isStopped {
                close(client)
                return
            }
            guard admitted else {
                close(client)
                log?(
                    ServerConnectionEvent(peer: peer, offered: nil, servedHost: nil, result: .overCapacity(open: open)))
                continue
            }
            detachThread { [self] in
                serve(client, peer: peer, id: id)
            }
        }
    }

    /// Reads the first record without consuming it (MSG_PEEK), to choose the host by SNI and log
    /// what was offered before OpenSSL reads it.
    /// Evictions in flight at most: bounds the threads beyond `maxConnections`.
    static func maxPendingEvictions(_ maxConnections: Int) -> Int { max(1, min(8, maxConnections / 8)) }

    private func peekHello(_ fd: Int32, deadline: Deadline, id: Int) -> (
        OfferedClientHello?, ServerConnectionEvent.Result?
    ) {
        var buffer = [UInt8](repeating: 0, count: 5 + 16384 + 2048)
        var lastCount = -1
        let firstByte = Deadline(seconds: min(limits.firstByteTimeout, limits.handshakeTimeout))
        var sawByte = false
        /// The ClientHello is whole (or is not one): the connection no longer gives its slot up.
        func settled() { state.withLock { $0.idle.removeAll { $0.id == id } } }
        while true {
            if let open = state.withLock({ $0.evicted.contains(id) ? $0.open : nil }) {
                return (nil, .evicted(open: open))
            }
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_PEEK))
            if n > 0 { sawByte = true }
            if n == 0 { return (nil, .refused("the client closed the connection before sending a ClientHello")) }
            if n < 0 {
                guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                    return (nil, .refused("reading the ClientHello: \(String(cString: strerror(errno)))"))
                }
            } else {
                switch OfferedClientHello.parse(Array(buffer[0..<n])) {
                case .hello(let hello):
                    settled()
                    return (hello, nil)
                case .notAClientHello:
                    settled()
                    return (nil, nil)  // OpenSSL reads it and says why it is not TLS
                case .incomplete:
                    if n == lastCount {
                        // Part of the record is there: poll would return at once, so wait a little.
                        if deadline.expired {
                            return (
                                nil,
                                .timedOut("the ClientHello did not arrive before the handshake deadline (\(n) bytes)")
                            )
                        }
                        usleep(20_000)
                        continue
                    }
                    lastCount = n
                    continue
                }
            }
            let waitFor = sawByte ? deadline : firstByte
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, waitFor.remainingMilliseconds)
            if ready == 0 || waitFor.expired {
                if !sawByte { return (nil, .timedOut("no byte within \(limits.firstByteTimeout) s of connecting")) }
                return (nil, .timedOut("no ClientHello before the handshake deadline"))
            }
        }
    }

    private func serve(_ fd: Int32, peer: String, id: Int) {
        defer {
            // Out of the idle list (under the lock) before the descriptor is closed: an eviction
            // never shuts down a number another connection reuses. The slot and the pending eviction
            // end together, so an eviction cannot be counted as over while its slot is still taken.
            state.withLock { state in
                state.idle.removeAll { $0.id == id }
                state.evicted.remove(id)
                state.open -= 1
            }
            close(fd)
        }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let deadline = Deadline(seconds: limits.handshakeTimeout)
        let (offered, early) = peekHello(fd, deadline: deadline, id: id)
        let host =
            offered?.serverName.flatMap { name in contexts.first { $0.names.contains(name.lowercased()) } }
            ?? contexts[0]
        func report(_ result: ServerConnectionEvent.Result) {
            log?(ServerConnectionEvent(peer: peer, offered: offered, servedHost: host.first, result: result))
        }
        if let early { return report(early) }
        // The hello already peeked decides (not TLS at all: OpenSSL answers it, as any server would).
        if let accepted = host.reset, let offered, offered.negotiable(accepted) == nil {
            // SO_LINGER 0: close() sends a TCP reset, not a FIN (the deferred close does it), as the host refuses.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            state.withLock { $0.resets += 1 }
            return report(.refused("answered with a TCP reset: nothing offered is accepted"))
        }
        guard let ssl = SSL_new(host.ctx) else { return report(.refused("SSL_new failed")) }
        defer {
            SSL_free(ssl)
            ERR_clear_error()
        }
        let guardState = UnsafeMutablePointer<tlsfit_guard>.allocate(capacity: 1)
        defer { guardState.deallocate() }
        tlsfit_guard_init(guardState, nil, Int(deadline.remainingMilliseconds), TLSClient.handshakeByteBudget, 0)
        guard let bio = tlsfit_guarded_socket_bio(fd, guardState) else { return report(.refused("cannot make a BIO")) }
        SSL_set_bio(ssl, bio, bio)
        SSL_set_accept_state(ssl)
        if let failed = Self.acceptHandshake(ssl, fd: fd, guard: guardState, deadline: deadline) {
            return report(failed)
        }
        state.withLock { $0.handshakes += 1 }
        let version = cString(SSL_get_version(ssl)) ?? "?"
        let cipher = SSL_get_current_cipher(ssl).flatMap { cString(SSL_CIPHER_standard_name($0)) } ?? "?"
        report(.negotiated(version: version, cipher: cipher))
        Self.answerOneRequest(ssl, fd: fd, guard: guardState)
        SSL_shutdown(ssl)
    }

    /// Runs SSL_accept to its end before the deadline: nil once the handshake is done, else why it is not.
    /// The caller owns `ssl`, its BIO and the socket.
    private static func acceptHandshake(
        _ ssl: OpaquePointer, fd: Int32, guard guardState: UnsafeMutablePointer<tlsfit_guard>, deadline: Deadline
    ) -> ServerConnectionEvent.Result? {
        while true {
            OpenSSLErrorQueue.clear()
            let rc = SSL_accept(ssl)
            if rc == 1 { return nil }
            let code = SSL_get_error(ssl, rc)
            let errors = OpenSSLErrorQueue.drain().map(\.text).joined(separator: "; ")
            if guardState.pointee.stop_reason == 1 {
                return .timedOut("the handshake did not end before the deadline")
            }
            guard code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE else {
                return .refused(errors.isEmpty ? "the client ended the handshake" : errors)
            }
            var pfd = pollfd(fd: fd, events: Int16(code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), revents: 0)
            if poll(&pfd, 1, deadline.remainingMilliseconds) == 0 || deadline.expired {
                return .timedOut("the handshake did not end before the deadline")
            }
        }
    }

    /// Answers one request, if the client sends one quickly (within 0.3 s). The caller owns `ssl` and the socket.
    private static func answerOneRequest(
        _ ssl: OpaquePointer, fd: Int32, guard guardState: UnsafeMutablePointer<tlsfit_guard>
    ) {
        let answerBy = Deadline(seconds: 0.3)
        tlsfit_guard_init(guardState, nil, Int(answerBy.remainingMilliseconds), 64 * 1024, 0)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = SSL_read(ssl, &buffer, Int32(buffer.count))
            if n > 0 {
                let body = "tlsfit test server\n"
                let response =
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                _ = Array(response.utf8).withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
                break
            }
            guard SSL_get_error(ssl, n) == SSL_ERROR_WANT_READ else { break }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, answerBy.remainingMilliseconds) <= 0 || answerBy.expired { break }
        }
    }

    static func makeContext(_ configuration: ServerConfiguration) throws(LocalServerError) -> OpaquePointer {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw LocalServerError(description: "SSL_CTX_new failed")
        }
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
