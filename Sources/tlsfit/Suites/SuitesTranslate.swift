import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitHandshake

extension SuitesCommand {
    struct Translate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "translate",
            abstract: "Translate a cipher list from any syntax to OpenSSL, IANA, Windows or GPO form.",
            usage: "tlsfit suites translate --to <to> [--windows <windows>]\n  [--format <format>] [<list> ...]",
            discussion: """
                LIST may be an OpenSSL list (A:B:C, keywords such as HIGH:!aNULL are expanded by the \
                linked OpenSSL), a comma, space or newline separated list of IANA or Windows names (as \
                pasted from the GPO field or Get-TlsCipherSuite), or code points. Give - to read it from stdin.

                --to gpo prints the comma-separated string for the "SSL Cipher Suite Order" policy; with \
                --windows it uses the names that release knows (curve-suffixed before Windows 10).
                """
        )

        enum Target: String, ArgumentChoice, Sendable {
            case openssl, iana, windows, gpo
        }

        @Option(help: "Target syntax: openssl, iana, windows or gpo.")
        var to: Target

        @Option(name: .customLong("windows"), help: "Windows release the names are for (windows, gpo).", completion: Completions.releases)
        var windowsRelease: String?

        @OptionGroup var output: FormatOptions

        @Argument(help: "The cipher list, or - to read it from stdin.")
        var list: [String] = []

        func run() async throws {
            let release = try windowsRelease.map(SuitesCommand.release)
            let (text, source) = try readList()
            let suites = try resolve(text, source: source)
            let catalog = Catalog.shared

            var dropped: [CipherSuite] = []
            let result: String
            switch to {
            case .openssl:
                dropped = suites.filter { $0.openssl == nil }
                result = catalog.opensslString(suites)
            case .iana:
                result = suites.map(\.iana).joined(separator: "\n")
            case .windows, .gpo:
                let names = catalog.gpoNames(suites, release: release)
                dropped = suites.filter { suite in catalog.gpoNames([suite], release: release).isEmpty }
                result = names.joined(separator: to == .gpo ? "," : "\n")
                // An empty policy string is not "no change": pasted into the GPO it leaves the client no suite at all.
                if to == .gpo, names.isEmpty {
                    throw SuitesCommand.badInput("--to gpo: none of the \(suites.count) suite(s) exists on \(release?.displayName ?? "any Windows release"); an empty SSL Cipher Suite Order string would leave the client no suite at all, so none is printed")
                }
                if to == .gpo, result.count > 1023 {
                    CLIErrors.warn("the string is \(result.count) characters; the policy editor field holds at most 1023")
                }
            }
            for suite in dropped {
                let why = to == .openssl ? "OpenSSL has no name for it" : release.map { "\($0.displayName) does not support it" } ?? "Windows never supported it"
                CLIErrors.warn("left out \(suite.iana) (\(suite.codeString)): \(why)")
            }

            switch output.format {
            case .text:
                if !result.isEmpty { print(result) }
            case .json:
                try SuitesCommand.emitJSON(TranslateJSON(
                    schemaVersion: JSONOutput.schemaVersion, to: to.rawValue, windowsRelease: release?.rawValue,
                    suites: suites.map { suite in
                        TranslateJSON.Suite(
                            iana: suite.iana, openssl: suite.openssl,
                            windows: release.map { catalog.gpoNames([suite], release: $0).first } ?? suite.windowsBaseName,
                            code: suite.codeString)
                    },
                    result: result))
            }
        }

        private func readList() throws -> (String, String) {
            if list == ["-"] {
                let bytes: [UInt8]
                do { bytes = try ConfigInputLoader.readStandardInput() } catch { throw CLIErrors.badInput(error) }
                return (String(decoding: bytes, as: UTF8.self), "<stdin>")
            }
            guard !list.isEmpty else { throw SuitesCommand.badInput("give a cipher list, or - to read it from stdin") }
            return (list.joined(separator: " "), "LIST")
        }

        private func resolve(_ text: String, source: String) throws -> [CipherSuite] {
            let spec: CipherListSpec
            do {
                spec = try CipherListParser.parse(text, source: source)
            } catch {
                throw SuitesCommand.badInput(error.description)
            }
            switch spec {
            case .suites(let suites):
                return suites
            case .openssl(let expression):
                guard let entries = OpenSSLCipherTable.expand(expression) else {
                    throw SuitesCommand.badInput("\(source): OpenSSL rejects the cipher expression '\(expression)'")
                }
                var suites: [CipherSuite] = []
                for entry in entries {
                    if let suite = Catalog.shared.suite(code: entry.code) {
                        suites.append(suite)
                    } else {
                        CLIErrors.warn("OpenSSL's \(entry.openssl) (\(CipherSuite.codeString(entry.code))) is not in the catalog")
                    }
                }
                return suites
            }
        }
    }
}
