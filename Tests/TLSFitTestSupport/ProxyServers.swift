import Foundation
import TLSFitHandshake

#if canImport(Glibc)
    import Glibc
#endif

/// A real proxy (tinyproxy, squid) started on 127.0.0.1 the way users run it: a config file in a
/// temporary folder, in the foreground, under `timeout` so it dies even if the test does not stop
/// it, and killed (itself and the `timeout` around it) when stopped or released.
public final class ProxyProcess: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let server: ExternalServer
    private let pidFile: String

    /// `http://127.0.0.1:PORT`, with credentials when given.
    public func url(user: String? = nil, password: String? = nil) -> String {
        guard let user else { return "http://127.0.0.1:\(port)" }
        return "http://\(user):\(password ?? "")@127.0.0.1:\(port)"
    }

    init(executable: String, arguments: [String], port: Int, directory: URL, pidFile: String, lifetime: Int) throws {
        guard let timeout = ExternalServer.find("timeout") else { throw CocoaError(.fileNoSuchFile) }
        self.port = port
        self.directory = directory
        self.pidFile = pidFile
        server = try ExternalServer(
            executable: timeout, arguments: ["-s", "KILL", String(lifetime), executable] + arguments, port: port)
    }

    public func stop() {
        // The proxy's own pid (from its pid file) first: killing `timeout` alone would orphan it.
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1
        {
            kill(pid, SIGKILL)
        }
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    static func makeDirectory(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // squid run as root drops to its own user: the folder must be open to it.
        chmod(dir.path, 0o777)
        return dir
    }

    static func write(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
        chmod(url.path, 0o644)
    }

    /// tinyproxy with an allow-list filter (extended regular expressions, default deny) and
    /// optionally Basic authentication.
    public static func tinyproxy(
        allow: [String]? = nil, basicAuth: (user: String, password: String)? = nil, lifetime: Int = 120
    ) throws -> ProxyProcess {
        guard let exe = ExternalServer.find("tinyproxy") else { throw CocoaError(.fileNoSuchFile) }
        let dir = try makeDirectory("tinyproxy")
        let port = freePort()
        let pid = dir.appendingPathComponent("tinyproxy.pid").path
        var conf = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            MaxClients 50
            LogLevel Info
            PidFile "\(pid)"

            """
        if let allow {
            let filter = dir.appendingPathComponent("filter")
            try write(allow.joined(separator: "\n") + "\n", to: filter)
            conf += "Filter \"\(filter.path)\"\nFilterDefaultDeny Yes\nFilterType ere\n"
        }
        if let basicAuth { conf += "BasicAuth \(basicAuth.user) \(basicAuth.password)\n" }
        let file = dir.appendingPathComponent("tinyproxy.conf")
        try write(conf, to: file)
        return try ProxyProcess(
            executable: exe, arguments: ["-d", "-c", file.path], port: port, directory: dir, pidFile: pid,
            lifetime: lifetime)
    }

    /// How squid treats TLS inside the tunnels.
    public enum SquidTLS {
        /// Plain tunnels.
        case tunnel
        /// TLS inspection: re-sign every server certificate with `ca`, trusting `upstreamCAFile` for the servers.
        case bump(ca: PEMCredential, upstreamCAFile: String)
        /// Read the ClientHello, then close the tunnel (a TLS policy of the proxy's own).
        case terminateAfterClientHello
    }

    /// squid (Debian's squid-openssl) with `ssl_bump` as asked, denying CONNECT to `deny` names.
    /// `hosts` are names squid resolves itself (its `hosts_file`), such as names the client cannot resolve.
    /// `nameserver`: the DNS server squid asks for other names (by default 127.0.0.1, where none
    /// listens, so they fail within two seconds).
    public static func squid(
        tls: SquidTLS = .tunnel, deny: [String] = [], hosts: [String: String] = [:], nameserver: String = "127.0.0.1",
        lifetime: Int = 120
    ) throws -> ProxyProcess {
        guard let exe = ExternalServer.find("squid") else { throw CocoaError(.fileNoSuchFile) }
        let dir = try makeDirectory("squid")
        let port = freePort()
        let p = dir.path
        var conf = ""
        switch tls {
        case .tunnel:
            conf += "http_port 127.0.0.1:\(port)\n"
        case .bump(let ca, let upstream):
            try write(ca.certificatePEM, to: dir.appendingPathComponent("ca.pem"))
            try write(ca.privateKeyPEM, to: dir.appendingPathComponent("ca.key"))
            try FileManager.default.copyItem(atPath: upstream, toPath: "\(p)/upstream-ca.pem")
            chmod("\(p)/upstream-ca.pem", 0o644)
            try initialiseCertificateDatabase("\(p)/ssldb")
            conf += """
                http_port 127.0.0.1:\(port) ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=\(p)/ca.pem tls-key=\(p)/ca.key
                sslcrtd_program /usr/lib/squid/security_file_certgen -s \(p)/ssldb -M 4MB
                sslcrtd_children 2 startup=1 idle=1
                tls_outgoing_options cafile=\(p)/upstream-ca.pem
                acl step1 at_step SslBump1
                ssl_bump peek step1
                ssl_bump bump all

                """
        case .terminateAfterClientHello:
            // Peeking at the ClientHello needs the bump machinery (and its CA) even though nothing is re-signed.
            let ca = try CertificateFactory.makeCA(commonName: "tlsfit squid peek CA")
            try write(ca.certificatePEM, to: dir.appendingPathComponent("ca.pem"))
            try write(ca.privateKeyPEM, to: dir.appendingPathComponent("ca.key"))
            try initialiseCertificateDatabase("\(p)/ssldb")
            conf += """
                http_port 127.0.0.1:\(port) ssl-bump generate-host-certificates=on tls-cert=\(p)/ca.pem tls-key=\(p)/ca.key
                sslcrtd_program /usr/lib/squid/security_file_certgen -s \(p)/ssldb -M 4MB
                sslcrtd_children 2 startup=1 idle=1
                acl step1 at_step SslBump1
                ssl_bump peek step1
                ssl_bump terminate all

                """
        }
        let hostsFile = dir.appendingPathComponent("hosts")
        try write(hosts.map { "\($0.value) \($0.key)" }.joined(separator: "\n") + "\n", to: hostsFile)
        conf += "hosts_file \(hostsFile.path)\n"
        // Other names go to `nameserver`, and fail within two seconds when nobody answers (squid's
        // default is 30).
        conf += "dns_nameservers \(nameserver)\ndns_timeout 2 seconds\n"
        if !deny.isEmpty {
            conf += "acl blocked dstdomain \(deny.joined(separator: " "))\nhttp_access deny CONNECT blocked\n"
        }
        conf += """
            http_access allow all
            cache deny all
            pid_filename \(p)/squid.pid
            cache_log \(p)/cache.log
            access_log stdio:\(p)/access.log
            coredump_dir \(p)
            netdb_filename none
            shutdown_lifetime 0 seconds

            """
        let file = dir.appendingPathComponent("squid.conf")
        try write(conf, to: file)
        return try ProxyProcess(
            executable: exe, arguments: ["-N", "-f", file.path], port: port, directory: dir, pidFile: "\(p)/squid.pid",
            lifetime: lifetime)
    }

    static func initialiseCertificateDatabase(_ path: String) throws {
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/lib/squid/security_file_certgen")
        tool.arguments = ["-c", "-s", path, "-M", "4MB"]
        tool.standardOutput = FileHandle.nullDevice
        tool.standardError = FileHandle.nullDevice
        try tool.run()
        tool.waitUntilExit()
        guard tool.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        // Open to squid's helper, which may run as another user.
        let chmod = Process()
        chmod.executableURL = URL(fileURLWithPath: "/bin/chmod")
        chmod.arguments = ["-R", "a+rwX", path]
        try chmod.run()
        chmod.waitUntilExit()
    }

    /// True when the proxy programs the tests start are installed.
    public static var tinyproxyInstalled: Bool { ExternalServer.find("tinyproxy") != nil }
    public static var squidInstalled: Bool {
        ExternalServer.find("squid") != nil
            && FileManager.default.isExecutableFile(atPath: "/usr/lib/squid/security_file_certgen")
    }
}

/// A tiny proxy that answers every request with `407` and the given `Proxy-Authenticate`
/// schemes (NTLM, Negotiate): the machine-account authentication tlsfit does not fake.
public final class AuthDemandingProxy: @unchecked Sendable {
    private let server: RawTCPServer
    public var port: Int { server.port }

    public init(schemes: [String] = ["NTLM", "Negotiate"]) {
        server = RawTCPServer { fd in
            var request: [UInt8] = []
            while !request.suffix(4).elementsEqual([13, 10, 13, 10]), request.count < 16384 {
                let chunk = RawTCPServer.readSome(fd, limit: 1)
                if chunk.isEmpty { return }
                request += chunk
            }
            let body = "<html><head><title>Access Denied</title></head><body>Authentication required</body></html>"
            var head = "HTTP/1.1 407 Proxy Authentication Required\r\n"
            for scheme in schemes { head += "Proxy-Authenticate: \(scheme)\r\n" }
            head += "Content-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
            RawTCPServer.write(fd, Array((head + body).utf8))
        }
    }

    public func stop() { server.stop() }
}
