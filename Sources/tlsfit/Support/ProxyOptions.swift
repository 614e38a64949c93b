import ArgumentParser
import FoundationEssentials
import TLSFitCore

/// `--proxy`, `--proxy-bypass` and `--no-proxy`: the network path of every command that dials.
struct ProxyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Go through this HTTP proxy (a CONNECT tunnel for TLS), as WinHTTP does. Credentials are sent as Basic and never printed.",
        valueName: "http://[user:password@]host:port"))
    var proxy: String?

    @Option(name: .customLong("proxy-bypass"), help: ArgumentHelp(
        "Hosts that skip the proxy, in WinHTTP's syntax: ';' or space separated, '*' wildcards, <local> for names without a dot.",
        valueName: "list"))
    var proxyBypass: String?

    @Flag(name: .customLong("no-proxy"), help: "Go direct, even when the configuration names a proxy.")
    var noProxy = false

    @Option(name: .customLong("proxy-credentials-file"), help: ArgumentHelp(
        "Basic credentials for the proxy, read from FILE (one line USER:PASSWORD), so they are not on the command line. TLSFIT_PROXY_CREDENTIALS=USER:PASSWORD does the same.",
        valueName: "file"))
    var proxyCredentialsFile: String?

    /// The environment variable that may hold `USER:PASSWORD` for the proxy.
    static let credentialsVariable = "TLSFIT_PROXY_CREDENTIALS"

    /// The path the options ask for; nil when they name none (then the command's default applies).
    /// Credentials from the file or the environment go to the proxy (`--proxy`'s own win over the
    /// environment's; with the file, `--proxy` must carry none).
    func path(environment: [String: String] = ProcessInfo.processInfo.environment) throws(InputError) -> NetworkPath? {
        if noProxy {
            if proxy != nil { throw InputError(source: "--no-proxy", message: "--proxy and --no-proxy exclude each other") }
            return .direct
        }
        guard let proxy else {
            if proxyBypass != nil { throw InputError(source: "--proxy-bypass", message: "applies to a proxy: give --proxy too") }
            return nil
        }
        var parsed = try HTTPProxy(parsing: proxy)
        if let proxyBypass { parsed.bypass = ProxyBypassList(parsing: proxyBypass) }
        return try withCredentials(.proxy(parsed), environment: environment)
    }

    /// The path the options ask for, else `fallback` (the machine's WinHTTP proxy) with the credentials.
    func path(orMachine fallback: NetworkPath) throws(InputError) -> NetworkPath {
        if let asked = try path() { return asked }
        return try withCredentials(fallback)
    }

    /// `path` with the credentials of `--proxy-credentials-file` or `TLSFIT_PROXY_CREDENTIALS` given
    /// to its proxy (also the machine's WinHTTP proxy). Their value is never shown.
    func withCredentials(_ path: NetworkPath, environment: [String: String] = ProcessInfo.processInfo.environment) throws(InputError) -> NetworkPath {
        guard case .proxy(var proxy) = path else { return path }
        if let file = proxyCredentialsFile {
            guard proxy.credentials == nil else {
                throw InputError(source: "--proxy-credentials-file", message: "the proxy address already carries credentials: give them once")
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InputError(source: "--proxy-credentials-file", message: "cannot read \(file)")
            }
            proxy.credentials = try HTTPProxy.credentials(parsing: String(decoding: data, as: UTF8.self), source: file)
        } else if proxy.credentials == nil, let value = environment[Self.credentialsVariable], !value.isEmpty {
            proxy.credentials = try HTTPProxy.credentials(parsing: value, source: Self.credentialsVariable)
        }
        return .proxy(proxy)
    }
}
