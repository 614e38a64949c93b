import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitSystem
import TLSFitHandshake
import TLSFitReports

/// `tlsfit probe`: one handshake with a cipher list the user chooses, and exactly what happened.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Perform one TLS handshake and report what happened.",
        discussion: """
            Reports the protocol, cipher suite (IANA and OpenSSL names, code point), key-exchange \
            group, certificate chain and its verification; on failure the stage (dns, tcp, tls, \
            certificate), the kind (refused, timeout, alert-received...), OpenSSL's error text and \
            the Windows error code a Windows Update client shows for it.

            --ciphers takes OpenSSL syntax (ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA), IANA or \
            Windows Schannel names separated by commas, spaces or newlines (as pasted from the GPO \
            field or Get-TlsCipherSuite), or code points (0xC030). With --ciphers and no version \
            flag, only TLS 1.2 and below are offered, so the result reflects the list.

            Exit codes: 0 the handshake (and certificate check) succeeded, 1 it failed, 2 bad usage or input.

            Examples:
              tlsfit probe fe2.update.microsoft.com
              tlsfit probe fe2.update.microsoft.com --ciphers "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_CBC_SHA"
              tlsfit probe fe2.update.microsoft.com --connect 127.0.0.1:8443 --ca-file lab-ca.pem --format json
              tlsfit probe fe2.update.microsoft.com --windows windows-7 --config schannel.reg

            With --windows or --config, the handshake is that Windows client's: tlsfit sends the exact \
            ClientHello the release sends through WinHTTP for the configuration (suites OpenSSL cannot offer \
            included), reads the server's answer to those bytes, and, when OpenSSL can speak the suite the \
            server chose, checks the certificate chain with a second, confirming OpenSSL handshake.
            """
    )

    enum Format: String, ArgumentChoice {
        case text, json
    }

    @Argument(help: ArgumentHelp("HOST[:PORT] (port 443 by default).", valueName: "target"))
    var targetArgument: String?

    /// The host to probe; `validate()` makes sure it was given.
    var target: String { targetArgument ?? "" }

    @Option(help: "Dial ADDRESS[:PORT] instead, keeping HOST for SNI and certificate verification (like curl --resolve).")
    var connect: String?

    @Option(help: ArgumentHelp("Send HOST[:PORT] to ADDRESS[:PORT] instead, keeping its name (repeatable; curl's --resolve).", valueName: "HOST=ADDRESS[:PORT]"))
    var resolve: [String] = []

    @OptionGroup var network: ProxyOptions

    @Flag(help: "A plain HTTP check instead of TLS: GET / (port 80 by default), through a proxy as an ordinary proxied request (absolute URI), as WinHTTP sends the update content downloads.")
    var http = false

    @Option(help: "Send this SNI name instead of HOST.")
    var sni: String?

    @Flag(name: .customLong("no-sni"), help: "Send no SNI at all.")
    var noSNI = false

    @Flag(name: .customLong("tls1.2"), help: "Offer TLS 1.2 only.")
    var tls12 = false

    @Flag(name: .customLong("tls1.3"), help: "Offer TLS 1.3 only.")
    var tls13 = false

    @Option(name: .customLong("min-tls"), help: "Lowest version to offer (1.0, 1.1, 1.2, 1.3).")
    var minTLS: String?

    @Option(name: .customLong("max-tls"), help: "Highest version to offer.")
    var maxTLS: String?

    @Option(help: "Cipher suites for TLS 1.2 and below: OpenSSL syntax, IANA or Windows names, or code points.")
    var ciphers: String?

    @Option(help: "TLS 1.3 cipher suites (OpenSSL/IANA names, colon or comma separated).")
    var ciphersuites: String?

    @Option(help: "Key-exchange groups (X25519:P-256, or Windows names curve25519,NistP256).")
    var groups: String?

    @Option(help: "Signature algorithms, OpenSSL syntax (RSA+SHA256:ECDSA+SHA256:rsa_pss_rsae_sha256).")
    var sigalgs: String?

    @Option(help: "Seconds for DNS, connect and handshake together.")
    var timeout: Double = 10

    @Option(name: .customLong("ca-file"), help: "PEM file of trusted roots (default: the system trust store).", completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @Flag(name: .customLong("no-verify"), help: "Do not verify the certificate (it is still shown).")
    var noVerify = false

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .long, help: "Handshake as this Windows release's WinHTTP client, with its exact ClientHello (default with --config: the export's CurrentBuild, else server-2022).")
    var windows: String?

    @Option(name: .long, parsing: .upToNextOption, help: "The Windows client's configuration files (.reg, Registry.pol, GPO backup...), applied in order (as `tlsfit config`). Implies the Windows client.", completion: Completions.configFiles)
    var config: [String] = []

    @Option(name: .long, help: ArgumentHelp("With --windows/--config: the stack whose hello is sent: winhttp (the default), wininet, dotnet or sspi.", valueName: "STACK"))
    var stack: String?

    var windowsMode: Bool { windows != nil || !config.isEmpty }

    func validate() throws {
        if stack != nil, !windowsMode { throw ValidationError("--stack names a Windows client's stack: give --windows or --config too") }
        if targetArgument == nil {
            // --config takes every word up to the next option, so a host after it lands among the files.
            if let last = config.last, !FileManager.default.fileExists(atPath: last) {
                throw ValidationError("no HOST given, and --config's last item '\(last)' is not a file: give the host before --config (tlsfit probe \(last) --config ...)")
            }
            throw ValidationError("Missing expected argument '<target>' (HOST[:PORT])")
        }
        if windowsMode {
            let clash = [("--tls1.2", tls12), ("--tls1.3", tls13), ("--min-tls", minTLS != nil), ("--max-tls", maxTLS != nil),
                         ("--ciphers", ciphers != nil), ("--ciphersuites", ciphersuites != nil), ("--groups", groups != nil),
                         ("--sigalgs", sigalgs != nil), ("--sni", sni != nil), ("--no-sni", noSNI), ("--http", http)].filter(\.1).map(\.0)
            if !clash.isEmpty {
                throw ValidationError("--windows/--config send the Windows client's own hello: \(clash.joined(separator: ", ")) cannot be combined with them")
            }
        }
        if tls12 && tls13 { throw ValidationError("--tls1.2 and --tls1.3 exclude each other") }
        if (tls12 || tls13) && (minTLS != nil || maxTLS != nil) {
            throw ValidationError("--tls1.2/--tls1.3 and --min-tls/--max-tls exclude each other")
        }
        if sni != nil && noSNI { throw ValidationError("--sni and --no-sni exclude each other") }
        if !(timeout > 0 && timeout <= 600) { throw ValidationError("--timeout must be between 0 and 600 seconds") }
    }

    func run() async throws {
        if windowsMode { return try await runAsWindows() }
        if let sni, TLSClient.isIPAddress(sni) {
            CLIErrors.warn("--sni \(sni) is an IP address: TLS does not allow one in SNI (RFC 6066), so none is sent")
        }
        let request: HandshakeRequest
        let offer: ProbeReport.Offer
        do {
            (request, offer) = try buildRequest()
            try TLSClient.validate(request)
        } catch let error as InputError {
            throw CLIErrors.badInput(error)
        } catch let error as HandshakeConfigurationError {
            throw CLIErrors.badInput(error.description)
        }
        for name in offer.notNegotiable {
            CLIErrors.warn("--ciphers: \(name) cannot be negotiated by \(OpenSSLLibrary.versionText) (not offered)")
        }
        let outcome: HandshakeOutcome
        var httpCheck: ProbeReport.HTTPCheck?
        if http {
            let result = await Task.detached { PlainHTTPCheck.get(request) }.value
            outcome = result.outcome
            httpCheck = ProbeReport.HTTPCheck(request: result.requestLine, status: result.status, statusLine: result.statusLine)
        } else {
            outcome = await Task.detached { TLSClient.handshake(request) }.value
        }
        var report = ProbeReport(outcome: outcome, offer: offer, openssl: OpenSSLLibrary.versionText)
        report.http = httpCheck
        try emit(report)
        if !outcome.succeeded { throw ExitCode(1) }
    }

    /// Prints the report in the chosen format (text escaped for the terminal).
    func emit(_ report: ProbeReport) throws {
        switch format {
        case .json:
            print(try JSONOutput.encode(report))
        case .text:
            var text = ""
            ProbeTextRenderer.render(report, layout: TerminalOptions.widthLayout(), into: &text)
            print(Escaping.terminal(text), terminator: "")
        }
    }

    /// `--windows` / `--config`: one connection with the exact Windows ClientHello.
    func runAsWindows() async throws {
        var release: WindowsRelease?
        if let windows {
            guard let r = WindowsRelease(userText: windows) else { throw CLIErrors.badInput("--windows: " + WindowsRelease.unknownMessage(windows)) }
            release = r
        }
        var configuration: WindowsTLSConfig
        let target: HostPort
        var connectAddress: String?
        var connectPort: Int?
        let path: NetworkPath
        let chosenStack = try HelloCommand.parseStack(stack)
        do {
            configuration = try WindowsConfigReader.read(try ConfigInputLoader.load(config), release: release, xml: LibXML2Reader())
            configuration.stack = chosenStack ?? .winHTTP
            try HostArguments.rejectFile(self.target, source: "HOST")
            target = try HostPort(parsing: self.target, source: "HOST")
            let overrides = try resolve.map { text throws(InputError) in try ResolveOverride(parsing: text) }
            if let match = ResolveOverride.match(overrides, host: target.host, port: target.port) {
                connectAddress = match.address
                connectPort = match.addressPort ?? target.port
            }
            if let connect {
                let c = try HostPort(parsing: connect, defaultPort: target.port, source: "--connect")
                connectAddress = c.host
                connectPort = c.port
            }
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw InputError(source: "--ca-file", message: "cannot read \(caFile)")
            }
            path = (try network.path() ?? .direct).route(host: target.host, port: target.port)
        } catch let error as InputError {
            throw CLIErrors.badInput(error)
        }
        for w in configuration.warnings where w.code == .releaseMismatch { CLIErrors.warn(w.message) }
        var request = WindowsHelloProbe.Request(
            host: target.host, port: target.port, connectAddress: connectAddress, connectPort: connectPort, config: configuration,
            timeout: timeout, caFile: caFile, confirm: true)
        request.path = path
        // A Windows Update service host is pinned to Microsoft's keys (against the system store, as Windows).
        if caFile == nil, BuiltInServerProfile.forHost(target.host)?.expectedRoot != nil { request.pins = .builtIn }
        let result = await Task.detached { WindowsHelloProbe.run(request) }.value
        var outcome = result.outcome
        if noVerify, outcome.failure?.stage == .certificate { outcome.failure = nil }
        let profile = result.hello?.profile ?? ClientProfile(config: configuration)
        let offer = ProbeReport.Offer(
            minVersion: profile.protocols.first ?? .tls12, maxVersion: profile.protocols.last ?? .tls12,
            cipherList: profile.suites.map(\.suite.iana).joined(separator: ","), tls13CipherSuites: nil,
            groups: profile.groups.joined(separator: ","),
            signatureAlgorithms: profile.signatureSchemes.map(SignatureScheme.name).joined(separator: ","),
            notNegotiable: profile.suites.filter { $0.openssl == nil }.map(\.suite.iana))
        let client = ProbeReport.WindowsClient(
            release: configuration.release.rawValue, releaseAssumed: configuration.releaseAssumed,
            helloHex: result.hello.map { Digest.hex($0.hello.encode()) }, ja3: result.hello?.hello.ja3, ja4: result.hello?.hello.ja4,
            helloRetryRequest: result.serverHello?.isHelloRetryRequest ?? false, confirmingHandshake: result.confirmation != nil,
            confirmationNote: result.confirmationSkipped, assumptions: result.hello?.assumptions ?? [],
            certificateProof: result.hello == nil ? nil : result.proof)
        let report = ProbeReport(outcome: outcome, offer: offer, openssl: OpenSSLLibrary.versionText, windowsClient: client)
        try emit(report)
        if !outcome.succeeded { throw ExitCode(1) }
    }

    /// Turns the options into a request, resolving every name the user typed.
    func buildRequest() throws -> (HandshakeRequest, ProbeReport.Offer) {
        try HostArguments.rejectFile(self.target, source: "HOST")
        let target = try HostPort(parsing: self.target, defaultPort: http ? 80 : 443, source: "HOST")
        var connectAddress: String?
        var connectPort: Int?
        let overrides = try resolve.map { text throws(InputError) in try ResolveOverride(parsing: text) }
        if let match = ResolveOverride.match(overrides, host: target.host, port: target.port) {
            connectAddress = match.address
            connectPort = match.addressPort ?? target.port
        }
        if let connect {
            let c = try HostPort(parsing: connect, defaultPort: target.port, source: "--connect")
            connectAddress = c.host
            connectPort = c.port
        }
        var minVersion = TLSVersion.tls10
        var maxVersion = TLSVersion.tls13
        if tls12 { (minVersion, maxVersion) = (.tls12, .tls12) }
        if tls13 { (minVersion, maxVersion) = (.tls13, .tls13) }
        if let minTLS {
            guard let v = TLSVersion(userText: minTLS) else { throw InputError(source: "--min-tls", message: "unknown version '\(minTLS)' (1.0, 1.1, 1.2, 1.3)") }
            minVersion = v
        }
        if let maxTLS {
            guard let v = TLSVersion(userText: maxTLS) else { throw InputError(source: "--max-tls", message: "unknown version '\(maxTLS)' (1.0, 1.1, 1.2, 1.3)") }
            maxVersion = v
        }
        guard minVersion <= maxVersion else {
            throw InputError(source: "--min-tls", message: "\(minVersion.rawValue) is above --max-tls \(maxVersion.rawValue)")
        }

        var cipherString: String?
        var tls13Suites: String?
        var notNegotiable: [String] = []
        if let ciphers {
            switch try CipherListParser.parse(ciphers, source: "--ciphers") {
            case .openssl(let expression):
                cipherString = expression
            case .suites(let suites):
                let usable = suites.filter { $0.openssl != nil && !$0.opensslNameIsLegacy }
                notNegotiable = suites.filter { $0.openssl == nil || $0.opensslNameIsLegacy }.map(\.iana)
                guard !usable.isEmpty else {
                    throw InputError(source: "--ciphers", message: "none of the suites can be negotiated by \(OpenSSLLibrary.versionText): \(notNegotiable.joined(separator: ", "))")
                }
                let lists = Catalog.shared.opensslLists(usable)
                cipherString = lists.cipherList
                if !lists.ciphersuites.isEmpty { tls13Suites = lists.ciphersuites }
                // The list governs TLS 1.2 and below; without TLS 1.3 names in it, TLS 1.3 (whose
                // suites are separate) is left out unless asked for, so the result reflects the list.
                if lists.ciphersuites.isEmpty && ciphersuites == nil && !tls13 && maxTLS == nil && !tls12 {
                    maxVersion = min(maxVersion, .tls12)
                }
                if lists.cipherList.isEmpty && !tls12 && minTLS == nil { minVersion = .tls13 }
            }
        }
        if let ciphersuites {
            var names: [String] = []
            for token in CipherListParser.tokens(ciphersuites.replacing(":", with: ",")) {
                guard let suite = Catalog.shared.suite(named: token), suite.isTLS13, let name = suite.openssl else {
                    let close = Catalog.shared.suggestions(for: token, limit: 3)
                    throw InputError(source: "--ciphersuites", message: "'\(token)' is not a TLS 1.3 cipher suite" + (close.isEmpty ? "" : " (closest: \(close.joined(separator: ", ")))"))
                }
                names.append(name)
            }
            tls13Suites = names.joined(separator: ":")
        }
        var groupList: String?
        if let groups {
            var names: [String] = []
            for token in CipherListParser.tokens(groups.replacing(":", with: ",")) {
                guard let id = NamedGroup.id(forName: token), let name = NamedGroup.opensslName(forID: id) else {
                    throw InputError(source: "--groups", message: "unknown group '\(token)' (x25519, secp256r1/P-256/NistP256, secp384r1, secp521r1, x448, ffdhe2048...)")
                }
                names.append(name)
            }
            groupList = names.joined(separator: ":")
        }
        var request = HandshakeRequest(
            host: target.host, port: target.port, connectAddress: connectAddress, connectPort: connectPort,
            sni: noSNI ? nil : (sni ?? target.host), minVersion: minVersion, maxVersion: maxVersion,
            cipherString: cipherString, tls13CipherSuites: tls13Suites, groups: groupList, signatureAlgorithms: sigalgs,
            timeout: timeout, caFile: caFile, verifyCertificate: !noVerify)
        request.path = (try network.path() ?? .direct).route(host: target.host, port: target.port)
        let offer = ProbeReport.Offer(
            minVersion: minVersion, maxVersion: maxVersion, cipherList: cipherString, tls13CipherSuites: tls13Suites,
            groups: groupList, signatureAlgorithms: sigalgs, notNegotiable: notNegotiable)
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw InputError(source: "--ca-file", message: "cannot read \(caFile)")
        }
        return (request, offer)
    }
}
