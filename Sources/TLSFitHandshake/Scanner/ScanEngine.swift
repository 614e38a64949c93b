import FoundationEssentials
import Synchronization
import TLSFitCore
import TLSFitSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a probe reads before it drops the connection.
enum ProbeRead {
    /// Up to the ServerHello or HelloRetryRequest (or an alert, a close).
    case serverHello
    /// TLS 1.2 and older: on to the ServerKeyExchange, for its named curve.
    case keyExchange
}

/// What one hand-built ClientHello got back.
enum ProbeAnswer {
    /// A ServerHello (or HelloRetryRequest); `group` is the key share's or the ServerKeyExchange's.
    case chose(RawServerHello, group: UInt16?)
    /// An alert, a close, a reset or bytes that are not a ServerHello: nothing offered is taken.
    case refused(String)
    /// No answer could be had (connection failure, timeout): stop and report.
    case failed(String)
}

/// One ClientHello to send on a fresh connection of a host, and what to do with the answer (run
/// on the loop thread).
struct Probe {
    var hello: [UInt8]
    var read: ProbeRead
    var done: (ProbeAnswer) -> Void
}

/// The scan's one event loop: every socket of a run, non-blocking, in one thread, waited on with
/// poll(2).
///
/// Each host's chains (protocols, groups, order) submit probes; the loop sends each on an open
/// connection of that host and keeps one more connection opened ahead for every probe in flight,
/// so a dependent step costs one round trip, not a connect and a round trip. At most `perHost`
/// connections to a host and `concurrency` in all. Blocking work (the certificate handshake with
/// OpenSSL, a dial through an HTTP proxy, the first dial's DNS) runs on short-lived threads and
/// posts its result back to the loop.
// @unchecked: everything but `inbox` (locked) is read and written on the loop's thread only; other
// threads reach the engine through `inbox.post` and `sslv3Known`, which post to the loop.
final class ScanEngine: @unchecked Sendable {
    let options: ScanOptions
    let isCancelled: @Sendable () -> Bool
    private(set) var hosts: [HostScan] = []
    private var connections: [Int32: Connection] = [:]
    /// Sockets open or opening (and blocking dials and certificate handshakes) across the run.
    private var openCount = 0
    private let inbox = Inbox()

    init(options: ScanOptions, isCancelled: @escaping @Sendable () -> Bool) {
        self.options = options
        self.isCancelled = isCancelled
    }

    func add(_ host: HostScan) { hosts.append(host) }

    private var prepared = false

    /// Once a host answers: the catalog (for the names in the report) and OpenSSL's order (the
    /// first guess of a merge) are read on another thread while the probes go out, at a lower
    /// priority: on a machine with few cores the loop and the certificate handshake come first. A
    /// scan of a closed port never reads them.
    func prepareOnce() {
        guard !prepared else { return }
        prepared = true
        // Without a thread of its own this is skipped: the tables are read on first use anyway, and
        // the priority below must not land on the loop's thread.
        detachThread(runHereIfNoThread: false) {
            // who 0: on Linux, nice is per thread and this call changes only the calling one.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            ScanCandidates.prepare()
        }
    }

    private var sslv3: Bool?
    private var sslv3Waiting: [(Bool) -> Void] = []

    /// Calls `body` on the loop with whether the linked OpenSSL could offer SSLv3. The first
    /// question initialises OpenSSL (milliseconds the probes need not wait for): the certificate
    /// handshake's thread asks it and posts the answer (`sslv3Known`).
    func whenSSLv3Known(_ body: @escaping (Bool) -> Void) {
        if let sslv3 { return body(sslv3) }
        sslv3Waiting.append(body)
    }

    /// From any thread: the answer for `whenSSLv3Known`.
    func sslv3Known(_ canOffer: Bool) {
        inbox.post { [self] in
            guard sslv3 == nil else { return }
            sslv3 = canOffer
            let waiting = sslv3Waiting
            sslv3Waiting = []
            for body in waiting { body(canOffer) }
        }
    }

    // MARK: - Connections

    final class Connection {
        enum State { case connecting, idle, busy }
        let fd: Int32
        unowned let host: HostScan
        var state: State = .connecting
        var probe: Probe?
        var out: [UInt8] = []
        var sent = 0
        var received: [UInt8] = []
        var deadline: UInt64
        var since: UInt64 = Deadline.now

        init(fd: Int32, host: HostScan, deadline: UInt64) {
            self.fd = fd
            self.host = host
            self.deadline = deadline
        }
    }

    private var timeoutNanos: UInt64 { UInt64(max(0.05, options.timeout) * 1_000_000_000) }

    /// A blocking job (dial through a proxy, certificate handshake) on its own thread; `result`
    /// runs on the loop. Counts as one open connection of the host until it reports.
    func runBlocking<T: Sendable>(
        for host: HostScan, _ work: @escaping @Sendable () -> T, then result: @escaping (T) -> Void
    ) {
        openCount += 1
        host.blocking += 1
        let inbox = inbox
        // The host and the continuation belong to the loop: the thread only carries them back.
        let box = UncheckedBox((host: host, result: result))
        detachThread {
            let value = work()
            inbox.post { [self] in
                Self.trace("blocking job done")
                openCount -= 1
                box.value.host.blocking -= 1
                box.value.result(value)
            }
        }
    }

    /// Opens one more connection to `host`: a non-blocking connect to the pinned address, or a
    /// blocking dial (through a proxy) on a thread.
    private func openConnection(_ host: HostScan) {
        host.connections += 1
        if let address = host.pinnedAddress {
            let fd = socket(address.family, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else {
                host.connectFailed("socket(): \(String(cString: strerror(errno)))")
                return
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var storage = address.storage
            let rc = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
            }
            if rc != 0, errno != EINPROGRESS {
                let err = errno
                close(fd)
                host.connectFailed(TCPConnector.classify(errno: err, address: address).detail)
                return
            }
            let connection = Connection(fd: fd, host: host, deadline: Deadline.now + timeoutNanos)
            Self.trace("connect fd \(fd)")
            if rc == 0 {
                connection.state = .idle
                host.idle.append(connection)
            } else {
                host.connecting += 1
            }
            connections[fd] = connection
            openCount += 1
        } else {
            host.connecting += 1
            let (dialHost, port, path, timeout) = (host.dialHost, host.dialPort, host.path, options.timeout)
            runBlocking(
                for: host,
                { () -> Result<Int32, HandshakeFailure> in
                    var timings = HandshakeTimings(totalMs: 0)
                    return Dialer.open(
                        dialHost: dialHost, dialPort: port, path: path, deadline: Deadline(seconds: timeout),
                        timings: &timings
                    ).result
                },
                then: { [self] result in
                    host.connecting -= 1
                    switch result {
                    case .success(let fd): adopt(fd, for: host)
                    case .failure(let failure): host.connectFailed(failure.detail)
                    }
                })
        }
    }

    /// Takes an already connected socket (the first dial, a proxy tunnel) as an idle connection.
    func adopt(_ fd: Int32, for host: HostScan) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
        let connection = Connection(fd: fd, host: host, deadline: Deadline.now + timeoutNanos)
        connection.state = .idle
        connections[fd] = connection
        openCount += 1
        host.idle.append(connection)
    }

    private func drop(_ connection: Connection) {
        Self.trace("drop fd \(connection.fd) (\(connection.state))")
        close(connection.fd)
        connections[connection.fd] = nil
        openCount -= 1
        let host = connection.host
        switch connection.state {
        case .connecting: host.connecting -= 1
        case .idle: host.idle.removeAll { $0 === connection }
        case .busy: host.busy -= 1
        }
    }

    /// `TLSFIT_SCAN_TRACE=1`: every connect, send, answer and drop on stderr, with the time.
    static let traceStart = Deadline.now
    /// getenv, not ProcessInfo's environment: that builds a dictionary of every variable, and
    /// this is read on every run, closed ports included.
    static let tracing = getenv("TLSFIT_SCAN_TRACE") != nil
    static func trace(_ text: @autoclosure () -> String) {
        guard tracing else { return }
        StandardError.write(
            ((Double(Deadline.now) - Double(traceStart)) / 1e6).fixed(1).leftPadded(to: 8) + " ms  " + text() + "\n")
    }

    private func send(_ probe: Probe, on connection: Connection) {
        Self.trace("send fd \(connection.fd) (\(probe.hello.count) bytes), busy \(connection.host.busy + 1)")
        connection.state = .busy
        connection.host.busy += 1
        connection.host.hellos += 1
        connection.probe = probe
        connection.out = probe.hello
        connection.sent = 0
        connection.deadline = Deadline.now + timeoutNanos
        connection.since = Deadline.now
        writeSome(connection)
    }

    private func writeSome(_ connection: Connection) {
        while connection.sent < connection.out.count {
            let n = connection.out.withUnsafeBytes { raw in
                Glibc.send(
                    connection.fd, raw.baseAddress! + connection.sent, connection.out.count - connection.sent,
                    Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                connection.sent += n
                continue
            }
            if n < 0, errno == EINTR { continue }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            complete(
                connection,
                .refused("the connection closed while the ClientHello was sent: \(String(cString: strerror(errno)))"))
            return
        }
    }

    /// The most a probe reads: a ServerHello is far smaller; a certificate chain before the
    /// ServerKeyExchange may be long.
    static func readLimit(_ read: ProbeRead) -> Int { read == .serverHello ? 64 * 1024 : 256 * 1024 }

    private func readSome(_ connection: Connection) {
        guard let probe = connection.probe else { return }
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let want = min(buffer.count, Self.readLimit(probe.read) - connection.received.count)
            let n = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, want, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                complete(connection, .refused("connection reset: \(String(cString: strerror(errno)))"))
                return
            }
            if n == 0 {
                complete(connection, .refused("connection closed after \(connection.received.count) bytes"))
                return
            }
            connection.received += buffer[0..<n]
            if let answer = Self.answer(connection.received, read: probe.read) {
                complete(connection, answer)
                return
            }
            if connection.received.count >= Self.readLimit(probe.read) {
                complete(connection, .refused("no ServerHello in \(connection.received.count) bytes"))
                return
            }
        }
    }

    /// The answer in the bytes so far, or nil when more are needed.
    static func answer(_ bytes: [UInt8], read: ProbeRead) -> ProbeAnswer? {
        func alert(_ level: UInt8, _ description: UInt8) -> ProbeAnswer {
            .refused("alert \(level == 2 ? "fatal" : "warning") \(description)")
        }
        switch read {
        case .serverHello:
            switch RawServerHelloParser.parse(bytes) {
            case .complete(.serverHello(let hello)): return .chose(hello, group: hello.keyShareGroup)
            case .complete(.alert(let level, let description)): return alert(level, description)
            case .invalid(let why): return .refused("not a ServerHello: \(why)")
            case .needMore: return nil
            }
        case .keyExchange:
            switch RawServerHelloParser.parseKeyExchange(bytes) {
            case .complete(let hello, let group): return .chose(hello, group: group)
            case .alert(let level, let description): return alert(level, description)
            case .invalid(let why): return .refused("not a ServerHello: \(why)")
            case .needMore: return nil
            }
        }
    }

    /// The probe's end: the connection is dropped (nothing more is sent) and its chain goes on.
    private func complete(_ connection: Connection, _ answer: ProbeAnswer) {
        let probe = connection.probe
        connection.probe = nil
        Self.trace("answer fd \(connection.fd): \(answer)")
        drop(connection)
        connection.host.answered(after: Deadline.now - connection.since)
        probe?.done(answer)
    }

    // MARK: - Scheduling

    /// Sends waiting probes on idle connections and opens connections ahead: one for each probe
    /// waiting or in flight (its chain's next step), within the limits.
    private func schedule(_ host: HostScan) {
        while !host.pending.isEmpty, !host.idle.isEmpty {
            let connection = host.idle.removeFirst()
            send(host.pending.removeFirst(), on: connection)
        }
        guard host.canOpen else { return }
        let spares = host.serialSuspect ? 0 : host.busy
        let want = host.pending.count + spares
        var have = host.idle.count + host.connecting
        while have < want, host.open < options.perHost, openCount < options.concurrency {
            openConnection(host)
            have += 1
        }
        // Nothing left to wait for: idle connections are of no use. While probes are in flight an
        // idle connection is kept even when fewer are wanted this instant: the answers bring the
        // next steps, and a connection opened earlier is a connection already through its round
        // trip (dropping one and opening another later cost a round trip per step). Unused ones
        // end at the idle limit.
        if want == 0, host.busy == 0 {
            for connection in host.idle { drop(connection) }
        }
    }

    /// An idle connection opened ahead is closed after this long unused (a quarter second, or three
    /// of the slowest round trips seen): a server that serves one connection at a time (openssl
    /// s_server) would otherwise wait on it while our probes wait on the server.
    private func idleLimit(_ host: HostScan) -> UInt64 { max(250_000_000, 3 * host.connectNanos, 3 * host.probeNanos) }

    // MARK: - The loop

    /// Runs every host to its end (or until cancelled).
    func run() {
        _ = ignoreSIGPIPE
        var next = 0
        while true {
            if isCancelled() {
                for connection in Array(connections.values) { drop(connection) }
                return
            }
            // Start hosts while the run has room.
            while next < hosts.count, openCount < options.concurrency {
                hosts[next].start(engine: self)
                next += 1
            }
            for host in hosts where host.started && !host.finished { schedule(host) }
            for host in hosts where host.started && !host.finished { host.finishIfDone() }
            if next == hosts.count, hosts.allSatisfy(\.finished) { return }

            var fds = [pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)]
            var order: [Connection] = []
            var wake = UInt64.max
            let now = Deadline.now
            for connection in connections.values {
                let events: Int32
                switch connection.state {
                case .connecting: events = Int32(POLLOUT)
                case .idle:
                    events = Int32(POLLIN)
                    wake = min(wake, connection.since + idleLimit(connection.host))
                case .busy: events = connection.sent < connection.out.count ? Int32(POLLOUT) : Int32(POLLIN)
                }
                if connection.state != .idle { wake = min(wake, connection.deadline) }
                fds.append(pollfd(fd: connection.fd, events: Int16(events), revents: 0))
                order.append(connection)
            }
            let wait = wake == .max ? 1000 : Int32(min(1000, (wake > now ? wake - now : 0) / 1_000_000 + 1))
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0, errno != EINTR { return }
            if fds[0].revents != 0 { for work in inbox.take() { work() } }
            for (index, connection) in order.enumerated() where connections[connection.fd] === connection {
                let revents = Int32(fds[index + 1].revents)
                guard revents != 0 else { continue }
                handle(connection, revents: revents)
            }
            let later = Deadline.now
            for connection in Array(connections.values) {
                switch connection.state {
                case .idle where later >= connection.since + idleLimit(connection.host):
                    // Unused for a while: if a probe of this host got nothing meanwhile, the server
                    // may be serving one connection at a time: open no more ahead.
                    if connection.host.stalledProbe(since: connection.since) { connection.host.serialSuspect = true }
                    drop(connection)
                case .connecting where later >= connection.deadline:
                    drop(connection)
                    connection.host.connectFailed("no answer to the TCP connection request (SYN) before the timeout")
                case .busy where later >= connection.deadline:
                    complete(
                        connection,
                        .failed("no ServerHello before the timeout (\(connection.received.count) bytes received)"))
                default: break
                }
            }
        }
    }

    private func handle(_ connection: Connection, revents: Int32) {
        switch connection.state {
        case .connecting:
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            let host = connection.host
            if soError != 0 || revents & Int32(POLLERR | POLLHUP) != 0 && soError != 0 {
                drop(connection)
                host.connectFailed("connect: \(String(cString: strerror(soError)))")
                return
            }
            connection.state = .idle
            connection.since = Deadline.now
            Self.trace("connected fd \(connection.fd)")
            host.connecting -= 1
            host.idle.append(connection)
            host.connectOK()
        case .idle:
            // The server closed (or spoke) before our hello: not usable.
            drop(connection)
        case .busy:
            if connection.sent < connection.out.count {
                writeSome(connection)
            } else {
                readSome(connection)
            }
        }
    }

    deinit {
        for connection in connections.values { close(connection.fd) }
    }
}

/// Work posted from other threads to the loop, with a pipe to wake its poll(2).
final class Inbox: Sendable {
    private let items = Mutex<[@Sendable () -> Void]>([])
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    func post(_ work: @escaping @Sendable () -> Void) {
        items.withLock { $0.append(work) }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func take() -> [@Sendable () -> Void] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }
}

/// Carries a loop-only value through a thread that never touches it.
// @unchecked: the value is created on the loop and used again only on the loop (after `inbox.post`).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
