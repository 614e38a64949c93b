/// The fixed vocabularies of the diagnosis documents, as enums: renderers switch over them and the
/// schemas list their values. Each prints as its raw value, so text output reads as before.

/// `hosts[].outcome`: whether the Windows client reaches the host.
public enum HostOutcome: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case ok, fails

    public var description: String { rawValue }
}

/// `hosts[].configuration.outcome`: the configuration's verdict against the host's profile.
public enum ConfigurationOutcome: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case ok, fails
    /// No usable server profile.
    case unknown
    /// Plain HTTP: no TLS.
    case notApplicable = "not-applicable"

    public var description: String { rawValue }
}

/// `hosts[].fromHere.outcome`: what the machine running tlsfit measured.
public enum MeasurementOutcome: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The handshake (or plain HTTP request) worked.
    case ok
    /// The host answered and the handshake or request failed.
    case fails
    /// DNS, TCP, the proxy, or no answer to the ClientHello: nothing about TLS was learnt.
    case unreached

    public var description: String { rawValue }
}
