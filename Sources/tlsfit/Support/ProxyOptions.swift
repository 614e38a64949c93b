import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines

/// `--proxy`, `--proxy-bypass` and `--no-proxy`: the network path of every command that dials.
struct ProxyOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Go through this HTTP proxy (a CONNECT tunnel for TLS), as WinHTTP does. Credentials are sent as Basic and never printed.",
            valueName: "http://[user:password@]host:port"))
    var proxy: String?

    @Option(
        name: .customLong("proxy-bypass"),
        help: ArgumentHelp(
            "Hosts that skip the proxy, in WinHTTP's syntax: ';' or space separated, '*' wildcards, <local> for names without a dot.",
            valueName: "list"))
    var proxyBypass: String?

    @Flag(name: .customLong("no-proxy"), help: "Go direct, even when the configuration names a proxy.")
    var noProxy = false

    @Option(
        name: .customLong("proxy-credentials-file"),
        help: ArgumentHelp(
            "Basic credentials for the proxy, read from FILE (one line USER:PASSWORD), so they are not on the command line. TLSFIT_PROXY_CREDENTIALS=USER:PASSWORD does the same.",
            valueName: "file"))
    var proxyCredentialsFile: String?

    /// The network path the options ask for (`ProxyChoice` reads them).
    var choice: ProxyChoice {
        ProxyChoice(
            proxy: proxy, proxyBypass: proxyBypass, noProxy: noProxy, proxyCredentialsFile: proxyCredentialsFile)
    }

    func path() throws(InputError) -> NetworkPath? { try choice.path() }

    func path(orMachine fallback: NetworkPath) throws(InputError) -> NetworkPath {
        try choice.path(orMachine: fallback)
    }
}
