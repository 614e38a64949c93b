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

    public static func code(for failure: HandshakeFailure) -> String {
        switch failure.stage {
        case .dns:
            return nameNotResolved
        case .tcp:
            return failure.kind == .timeout ? timeout : cannotConnect
        case .certificate:
            return secureFailure
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
