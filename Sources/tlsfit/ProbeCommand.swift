import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

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

    @Argument(help: ArgumentHelp("HOST[:PORT] (port 443 by default).", valueName: "target"))
    var targetArgument: String?

    /// The host to probe; `validate()` makes sure it was given.
    var target: String { targetArgument ?? "" }

    @Option(
        help: "Dial ADDRESS[:PORT] instead, keeping HOST for SNI and certificate verification (like curl --resolve).")
    var connect: String?

    @Option(
        help: ArgumentHelp(
            "Send HOST[:PORT] to ADDRESS[:PORT] instead, keeping its name (repeatable; curl's --resolve).",
            valueName: "HOST=ADDRESS[:PORT]"))
    var resolve: [String] = []

    @OptionGroup var network: ProxyOptions

    @Flag(
        help:
            "A plain HTTP check instead of TLS: GET / (port 80 by default), through a proxy as an ordinary proxied request (absolute URI), as WinHTTP sends the update content downloads."
    )
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

    @Option(
        name: .customLong("ca-file"), help: "PEM file of trusted roots (default: the system trust store).",
        completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @Flag(name: .customLong("no-verify"), help: "Do not verify the certificate (it is still shown).")
    var noVerify = false

    @OptionGroup var output: FormatOptions

    @Option(
        name: .long,
        help:
            "Handshake as this Windows release's WinHTTP client, with its exact ClientHello (default with --config: the export's CurrentBuild, else server-2022)."
    )
    var windows: String?

    @Option(
        name: .long, parsing: .upToNextOption,
        help:
            "The Windows client's configuration files (.reg, Registry.pol, GPO backup...), applied in order (as `tlsfit config`). Implies the Windows client.",
        completion: Completions.configFiles)
    var config: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --windows/--config: the stack whose hello is sent: winhttp (the default), wininet, dotnet or sspi.",
            valueName: "STACK"))
    var stack: String?

    var windowsMode: Bool { windows != nil || !config.isEmpty }

    func validate() throws {
        let problem = typed.problem(
            windows: windowsMode, stack: stack != nil, targetGiven: targetArgument != nil, config: config)
        if let problem { throw ValidationError(problem) }
    }

    func run() async throws {
        if windowsMode { return try await runAsWindows() }
        if let sni, TLSClient.isIPAddress(sni) {
            CLIErrors.warn("--sni \(sni) is an IP address: TLS does not allow one in SNI (RFC 6066), so none is sent")
        }
        let (request, offer) = try CLIErrors.option {
            try HostArguments.rejectFile(self.target, source: "HOST")
            return try ProbeEngine.checkedRequest(try plan())
        }
        for name in offer.notNegotiable {
            CLIErrors.warn("--ciphers: \(name) cannot be negotiated by \(OpenSSLLibrary.versionText) (not offered)")
        }
        let report = await ProbeEngine.run(request, offer: offer, http: http)
        try emit(report)
        if !report.succeeded { throw ExitCode(1) }
    }

    /// The options as a plan: the words as typed, the network path.
    func plan() throws(InputError) -> ProbePlan {
        var plan = typed
        plan.path = try network.path() ?? .direct
        return plan
    }

    /// The words as typed, before the network path is worked out.
    var typed: ProbePlan {
        var plan = ProbePlan(target: target, timeout: timeout)
        (plan.connect, plan.resolve, plan.caFile, plan.noVerify, plan.http) = (connect, resolve, caFile, noVerify, http)
        (plan.offer.tls12, plan.offer.tls13, plan.offer.minTLS, plan.offer.maxTLS) = (tls12, tls13, minTLS, maxTLS)
        (plan.offer.ciphers, plan.offer.ciphersuites) = (ciphers, ciphersuites)
        (plan.offer.groups, plan.offer.sigalgs, plan.offer.sni, plan.offer.noSNI) = (groups, sigalgs, sni, noSNI)
        return plan
    }

    /// Prints the report in the chosen format (text escaped for the terminal).
    func emit(_ report: ProbeReport) throws {
        print(
            try ProbeTextRenderer.output(report, json: output.format == .json, layout: TerminalOptions.widthLayout()),
            terminator: "")
    }

    /// `--windows` / `--config`: one connection with the exact Windows ClientHello.
    func runAsWindows() async throws {
        let release = try CLIErrors.option { try WindowsRelease.option(windows) }
        var configuration: WindowsTLSConfig
        let request: WindowsHelloProbe.Request
        let chosenStack = try CLIErrors.option { try ClientStack.option(stack) }
        do {
            configuration = try ConfigInputLoader.configuration(
                config, release: release, stack: chosenStack ?? .winHTTP)
            try HostArguments.rejectFile(self.target, source: "HOST")
            request = try ProbeEngine.windowsRequest(try plan(), config: configuration)
        } catch {
            throw CLIErrors.badInput(error)
        }
        for w in configuration.warnings where w.code == .releaseMismatch { CLIErrors.warn(w.message) }
        let report = await ProbeEngine.runWindows(request, config: configuration, noVerify: noVerify)
        try emit(report)
        if !report.succeeded { throw ExitCode(1) }
    }
}
