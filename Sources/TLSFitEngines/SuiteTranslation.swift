import TLSFitCore
import TLSFitHandshake

/// `tlsfit suites translate`: a cipher list in any syntax, resolved through the catalog (and the
/// linked OpenSSL for keyword expressions) and written in another syntax.
public struct SuiteTranslation: Sendable {
    public enum Target: String, Sendable {
        case openssl, iana, windows, gpo
    }

    /// Bad input, said as `tlsfit: error: ...` by the CLI.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var target: Target
    public var release: WindowsRelease?
    public var suites: [CipherSuite]
    public var result: String

    /// Resolves `text` and writes it in `target`; `warn` hears, in order, what is left out and why.
    public init(
        _ text: String, source: String, to target: Target, release: WindowsRelease?,
        catalog: Catalog = .shared, warn: (String) -> Void
    ) throws(Failure) {
        self.target = target
        self.release = release
        suites = try Self.resolve(text, source: source, catalog: catalog, warn: warn)
        var dropped: [CipherSuite] = []
        switch target {
        case .openssl:
            dropped = suites.filter { $0.openssl == nil }
            result = catalog.opensslString(suites)
        case .iana:
            result = suites.map(\.iana).joined(separator: "\n")
        case .windows, .gpo:
            let names = catalog.gpoNames(suites, release: release)
            dropped = suites.filter { suite in catalog.gpoNames([suite], release: release).isEmpty }
            result = names.joined(separator: target == .gpo ? "," : "\n")
            // An empty policy string is not "no change": pasted into the GPO it leaves the client no suite at all.
            if target == .gpo, names.isEmpty {
                throw Failure(
                    description:
                        "--to gpo: none of the \(suites.count) suite(s) exists on \(release?.displayName ?? "any Windows release"); an empty SSL Cipher Suite Order string would leave the client no suite at all, so none is printed"
                )
            }
            if target == .gpo, result.count > 1023 {
                warn("the string is \(result.count) characters; the policy editor field holds at most 1023")
            }
        }
        for suite in dropped {
            let why =
                target == .openssl
                ? "OpenSSL has no name for it"
                : release.map { "\($0.displayName) does not support it" } ?? "Windows never supported it"
            warn("left out \(suite.iana) (\(suite.codeString)): \(why)")
        }
    }

    /// The JSON document.
    public func json(catalog: Catalog = .shared) -> TranslateJSON {
        TranslateJSON(
            schemaVersion: JSONOutput.schemaVersion, to: target.rawValue, windowsRelease: release?.rawValue,
            suites: suites.map { suite in
                TranslateJSON.Suite(
                    iana: suite.iana, openssl: suite.openssl,
                    windows: release.map { catalog.gpoNames([suite], release: $0).first } ?? suite.windowsBaseName,
                    code: suite.codeString)
            },
            result: result)
    }

    static func resolve(_ text: String, source: String, catalog: Catalog, warn: (String) -> Void) throws(Failure)
        -> [CipherSuite]
    {
        let spec: CipherListSpec
        do {
            spec = try CipherListParser.parse(text, source: source)
        } catch {
            throw Failure(description: error.description)
        }
        switch spec {
        case .suites(let suites):
            return suites
        case .openssl(let expression):
            guard let entries = OpenSSLCipherTable.expand(expression) else {
                throw Failure(description: "\(source): OpenSSL rejects the cipher expression '\(expression)'")
            }
            var suites: [CipherSuite] = []
            for entry in entries {
                if let suite = catalog.suite(code: entry.code) {
                    suites.append(suite)
                } else {
                    warn("OpenSSL's \(entry.openssl) (\(CipherSuite.codeString(entry.code))) is not in the catalog")
                }
            }
            return suites
        }
    }
}
