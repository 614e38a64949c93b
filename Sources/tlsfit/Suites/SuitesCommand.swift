import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitReports

/// `tlsfit suites`: the cipher-suite catalog from the command line.
struct SuitesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suites",
        abstract: "Look up cipher suites, translate cipher lists, and show Windows defaults.",
        discussion: """
            Suites can be named by IANA name, OpenSSL name, Windows Schannel name (curve-suffixed \
            forms such as TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384 included) or code point \
            (0xC030, C030, "0xC0,0x30").

            Windows releases: \(WindowsRelease.allCases.map { $0.rawValue }.joined(separator: ", ")); \
            aliases such as win7, 2012r2, win11 work too.

            Examples:
              tlsfit suites show 0xC030
              tlsfit suites translate --to gpo --windows win7 ECDHE-RSA-AES256-SHA384:AES256-GCM-SHA384
              tlsfit suites defaults windows-7 --format json
              tlsfit suites hosts --role wsus
            """,
        subcommands: [Show.self, Translate.self, Defaults.self, List.self, Hosts.self]
    )
}

extension SuitesCommand {
    /// Prints `tlsfit: error: ...` to stderr and returns the exit code for bad input.
    static func badInput(_ message: String) -> ExitCode { CLIErrors.badInput(message) }

    static func release(_ text: String) throws -> WindowsRelease {
        guard let release = WindowsRelease(userText: text) else {
            throw badInput(WindowsRelease.unknownMessage(text))
        }
        return release
    }

    static func suite(_ name: String) throws -> CipherSuite {
        let catalog = Catalog.shared
        guard let suite = catalog.suite(named: name) else {
            let close = catalog.suggestions(for: name, limit: 3)
            let hint = close.isEmpty ? "" : " (did you mean \(close.joined(separator: ", "))?)"
            throw badInput("unknown cipher suite '\(name)'\(hint)")
        }
        return suite
    }

    static func emitJSON<T: Encodable>(_ value: T) throws {
        print(try JSONOutput.encode(value))
    }
}
