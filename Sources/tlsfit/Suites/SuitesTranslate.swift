import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines

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

        @Option(
            name: .customLong("windows"), help: "Windows release the names are for (windows, gpo).",
            completion: Completions.releases)
        var windowsRelease: String?

        @OptionGroup var output: FormatOptions

        @Argument(help: "The cipher list, or - to read it from stdin.")
        var list: [String] = []

        func run() async throws {
            let release = try windowsRelease.map(SuitesCommand.release)
            let (text, source) = try readList()
            let translation: SuiteTranslation
            do {
                translation = try SuiteTranslation(
                    text, source: source, to: SuiteTranslation.Target(rawValue: to.rawValue)!, release: release,
                    warn: CLIErrors.warn)
            } catch {
                throw SuitesCommand.badInput(error.description)
            }
            switch output.format {
            case .text: if !translation.result.isEmpty { print(translation.result) }
            case .json: try SuitesCommand.emitJSON(translation.json())
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
    }
}
