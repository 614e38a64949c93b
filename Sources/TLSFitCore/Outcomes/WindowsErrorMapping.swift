/// How a failure surfaces on a Windows Update client (WinHTTP / WinINet error codes).
///
/// Facts from the reference table: 0x80072EFD cannot connect, 0x80072EFE connection aborted
/// (the usual face of a TLS negotiation the server aborts), 0x80072F8F secure failure
/// (certificate), 0x80072EE2 timeout, 0x80072EE7 name not resolved.
public enum WindowsErrorMapping {
    public static let cannotConnect = "0x80072EFD"
    public static let connectionAborted = "0x80072EFE"
    public static let secureFailure = "0x80072F8F"
    public static let timeout = "0x80072EE2"
    public static let nameNotResolved = "0x80072EE7"
    /// The update agent's HTTP status errors (WU_E_PT_HTTP_STATUS_*): through a proxy, a refused
    /// `CONNECT` reaches the agent as the proxy's HTTP status.
    public static let httpForbidden = "0x80244018"
    public static let httpProxyAuthRequired = "0x8024401B"
    public static let httpServerError = "0x8024401F"
    public static let httpBadGateway = "0x80244021"
    public static let httpServiceUnavailable = "0x80244022"
    public static let httpGatewayTimeout = "0x80244023"
    /// WU_E_PT_WINHTTP_NAME_NOT_RESOLVED: the proxy could not resolve the name.
    public static let proxyNameNotResolved = "0x8024402C"

    /// The WU_E_PT_HTTP_STATUS_* error for a proxy's answer to `CONNECT`; nil for statuses without one.
    public static func code(forHTTPStatus status: Int) -> String? {
        switch status {
        case 400: "0x80244016"
        case 401: "0x80244017"
        case 403: httpForbidden
        case 404: "0x80244019"
        case 405: "0x8024401A"
        case 407: httpProxyAuthRequired
        case 408: "0x8024401C"
        case 500: httpServerError
        case 501: "0x80244020"
        case 502: httpBadGateway
        case 503: httpServiceUnavailable
        case 504: httpGatewayTimeout
        case 505: "0x80244024"
        default: nil
        }
    }

    public static func code(for failure: HandshakeFailure) -> String {
        switch failure.stage {
        case .dns:
            return nameNotResolved
        case .tcp:
            return failure.kind == .timeout ? timeout : cannotConnect
        case .certificate:
            return secureFailure
        case .proxy:
            switch failure.kind {
            case .proxyForbidden: return httpForbidden
            case .proxyAuthRequired: return httpProxyAuthRequired
            case .proxyUpstreamError: return httpBadGateway
            case .proxyNameNotResolved: return proxyNameNotResolved
            case .nameNotResolved: return nameNotResolved
            case .proxyBadResponse: return connectionAborted
            default: return cannotConnect
            }
        case .tls:
            switch failure.kind {
            case .timeout: return timeout
            // Nothing to offer (no protocol, or no suite for the protocols): Schannel fails before
            // any ClientHello (event 36871), which WinHTTP reports as a secure failure.
            case .noProtocolOffered, .noSharedCipher: return secureFailure
            default: return connectionAborted
            }
        }
    }
}
