import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitSystem

#if canImport(Glibc)
    import Glibc
#endif

/// How every command reports bad input: `tlsfit: error: WHERE: WHAT` on stderr, exit code 2.
enum CLIErrors {
    static func badInput(_ error: InputError) -> ExitCode { badInput(error.description) }

    static func badInput(_ message: String) -> ExitCode {
        StandardError.write("tlsfit: error: \(message)\n")
        return ExitCode(2)
    }

    static func warn(_ message: String) {
        StandardError.write("tlsfit: warning: \(message)\n")
    }
}

/// The words for a file-system error from FoundationEssentials (`CocoaError`, which carries the
/// system's errno): "permission denied", "no such file or directory", as strerror says them.
/// FoundationEssentials has no `localizedDescription`; its `CocoaError` prints as a struct dump.
enum SystemErrorText {
    static func describe(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            if let posix = cocoa.userInfo["NSUnderlyingError"] as? POSIXError {
                return String(cString: strerror(posix.code.rawValue))
            }
            return "file error \(cocoa.code.rawValue)"
        }
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return String(describing: error)
    }
}

/// Path text in the manner of NSString's path methods, for the few places that split a path.
enum PathText {
    /// Everything before the last "/" ("" for a bare name, "/" for a file at the root).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The name's extension after its last ".", without the dot ("" when it has none or is a dot file).
    static func pathExtension(of path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }
}
