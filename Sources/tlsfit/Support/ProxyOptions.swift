import ArgumentParser
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

    /// The path the options ask for; nil when they name none (then the command's default applies).
    func path() throws(InputError) -> NetworkPath? {
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
        return .proxy(parsed)
    }
}
