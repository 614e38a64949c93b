import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitSystem

#if canImport(Glibc)
    import Glibc
#endif

@main
struct TLSFit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsfit",
        abstract: "Find out why a Windows client cannot negotiate TLS with a server, and what fixes it.",
        discussion: """
            tlsfit negotiates TLS with OpenSSL, reads Windows Schannel configuration \
            (.reg exports, Registry.pol, gpresult, Get-TlsCipherSuite), emulates that client \
            and explains failures such as 0x80072EFE.

            Exit codes: 0 success, 1 a handshake or host failed, 2 bad usage or bad input.
            """,
        version: "0.1.0",
        subcommands: [
            ProbeCommand.self,
            HelloCommand.self,
            SuitesCommand.self,
            ConfigCommand.self,
            ScanCommand.self,
            DiagnoseCommand.self,
            ReportCommand.self,
            ServeCommand.self,
            DemoCommand.self,
            CollectCommand.self,
        ]
    )

    /// Bad usage exits with 2 (ArgumentParser's default is 64), as the README documents.
    /// Standard output is checked at the end of every command: a write error exits with 2.
    static func main() async {
        StandardOutput.ignoreSIGPIPE()
        // Until a command takes over the signals (Interruption.install), nothing partial exists:
        // Ctrl-C and SIGTERM end the run with their documented codes, never by the signal itself.
        signal(SIGINT) { _ in _exit(130) }
        signal(SIGTERM) { _ in _exit(143) }
        if let message = SubcommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst()), root: TLSFit.self)
        {
            StandardError.write("tlsfit: error: \(message)\n")
            end(2)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // A command's own outcome (1 for a failed host, 2 for bad input it has reported):
            // exit with it directly. `exitCode(for:)` and `exit(withError:)` try a dozen casts
            // of the error first, each a scan of every conformance in the binary.
            if let code = error as? ExitCode, code != .validationFailure { end(code.rawValue) }
            if exitCode(for: error) == .validationFailure {
                StandardError.write(fullMessage(for: error) + "\n")
                end(2)
            }
            StandardOutput.finish()
            exit(withError: error)
        }
        end(0)
    }

    /// Flushes standard output (a write error exits with 2) and ends the process without running
    /// atexit handlers: a thread still finishing an abandoned handshake or name lookup must not meet
    /// OpenSSL's and libc's cleanup freeing what it uses (a "double free" abort at exit, seen once).
    /// Standard error is unbuffered, and nothing of tlsfit's waits for an atexit handler.
    static func end(_ code: Int32) -> Never {
        StandardOutput.finish()
        _exit(code)
    }
}
