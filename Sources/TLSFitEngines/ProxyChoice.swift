import FoundationEssentials
import TLSFitCore

/// What `--proxy`, `--proxy-bypass`, `--no-proxy` and `--proxy-credentials-file` ask for: the
/// network path of every command that dials.
public struct ProxyChoice: Sendable {
    public var proxy: String?
    public var proxyBypass: String?
    public var noProxy: Bool
    public var proxyCredentialsFile: String?

    public init(proxy: String?, proxyBypass: String?, noProxy: Bool, proxyCredentialsFile: String?) {
        self.proxy = proxy
        self.proxyBypass = proxyBypass
        self.noProxy = noProxy
        self.proxyCredentialsFile = proxyCredentialsFile
    }

    /// The environment variable that may hold `USER:PASSWORD` for the proxy.
    public static let credentialsVariable = "TLSFIT_PROXY_CREDENTIALS"

    /// The path the options ask for; nil when they name none (then the command's default applies).
    /// Credentials from the file or the environment go to the proxy (`--proxy`'s own win over the
    /// environment's; with the file, `--proxy` must carry none).
    public func path(environment: [String: String] = ProcessInfo.processInfo.environment) throws(InputError)
        -> NetworkPath?
    {
        if noProxy {
            if proxy != nil {
                throw InputError(source: "--no-proxy", message: "--proxy and --no-proxy exclude each other")
            }
            return .direct
        }
        guard let proxy else {
            if proxyBypass != nil {
                throw InputError(source: "--proxy-bypass", message: "applies to a proxy: give --proxy too")
            }
            return nil
        }
        var parsed = try HTTPProxy(parsing: proxy)
        if let proxyBypass { parsed.bypass = ProxyBypassList(parsing: proxyBypass) }
        return try withCredentials(.proxy(parsed), environment: environment)
    }

    /// The path the options ask for, else `fallback` (the machine's WinHTTP proxy) with the credentials.
    public func path(orMachine fallback: NetworkPath) throws(InputError) -> NetworkPath {
        if let asked = try path() { return asked }
        return try withCredentials(fallback)
    }

    /// `path` with the credentials of `--proxy-credentials-file` or `TLSFIT_PROXY_CREDENTIALS` given
    /// to its proxy (also the machine's WinHTTP proxy). Their value is never shown.
    public func withCredentials(
        _ path: NetworkPath, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(InputError) -> NetworkPath {
        guard case .proxy(var proxy) = path else { return path }
        if let file = proxyCredentialsFile {
            guard proxy.credentials == nil else {
                throw InputError(
                    source: "--proxy-credentials-file",
                    message: "the proxy address already carries credentials: give them once")
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
