import ArgumentParser
import TLSFitCore
import TLSFitEngines
import TLSFitReports
import TLSFitSystem

/// How every command reports bad input: `tlsfit: error: WHERE: WHAT` on stderr, exit code 2.
enum CLIErrors {
    static func badInput(_ error: InputError) -> ExitCode { badInput(error.description) }

    static func badInput(_ message: String) -> ExitCode {
        StandardError.write("tlsfit: error: \(message)\n")
        return ExitCode(2)
    }

    /// The value of `body`, or its error (an `OptionError`, an `InputError`) printed as bad input.
    static func option<T>(_ body: () throws -> T) throws(ExitCode) -> T {
        do { return try body() } catch { throw badInput("\(error)") }
    }

    static func warn(_ message: String) {
        StandardError.write("tlsfit: warning: \(message)\n")
    }
}

extension ConfigInputLoader {
    /// The configuration files of `paths`; a bundle's notes (a missing manifest, its gaps) are printed as warnings.
    static func load(_ paths: [String]) throws(InputError) -> [WindowsConfigReader.InputFile] {
        try loadWithBundles(paths).inputs
    }

    static func loadWithBundles(
        _ paths: [String]
    ) throws(InputError) -> (inputs: [WindowsConfigReader.InputFile], bundles: [CollectedBundle]) {
        try loadWithBundles(paths) { CLIErrors.warn(Escaping.terminal($0)) }
    }

    /// The configuration the files make for `release`, sent through `stack`; bundle notes printed as warnings.
    static func configuration(
        _ paths: [String], release: WindowsRelease?, stack: ClientStack
    ) throws(InputError) -> WindowsTLSConfig {
        try configuration(paths, release: release, stack: stack) { CLIErrors.warn(Escaping.terminal($0)) }
    }
}
