import ArgumentParser
import Foundation
import TLSFitCore

/// How every command reports bad input: `tlsfit: error: WHERE: WHAT` on stderr, exit code 2.
enum CLIErrors {
    static func badInput(_ error: InputError) -> ExitCode { badInput(error.description) }

    static func badInput(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("tlsfit: error: \(message)\n".utf8))
        return ExitCode(2)
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("tlsfit: warning: \(message)\n".utf8))
    }
}
