import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The words for a file-system error from FoundationEssentials (`CocoaError`, which carries the
/// system's errno): "permission denied", "no such file or directory", as strerror says them.
/// FoundationEssentials has no `localizedDescription`; its `CocoaError` prints as a struct dump.
public enum SystemErrorText {
    public static func describe(_ error: any Error) -> String {
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
public enum PathText {
    /// Everything before the last "/" ("" for a bare name, "/" for a file at the root).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The name's extension after its last ".", without the dot ("" when it has none or is a dot file).
    public static func pathExtension(of path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }
}

/// The terminal's width: TIOCGWINSZ on standard output, else `COLUMNS`; nil when neither says.
public enum TerminalWidth {
    public static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    public static func current() -> Int? {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return nil
    }
}

/// Checks an output path before any work is done: its folder exists and is writable, and the path is not a folder.
public enum OutputPath {
    /// What is wrong with writing `path` (given as `option`); nil when it can be written.
    public static func problem(_ path: String, option: String) -> String? {
        var isDirectory = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
            return "\(option): \(path) is a folder; name a file"
        }
        let folder = PathText.folder(of: path)
        let dir = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory else {
            return "\(option): cannot write \(path): no such folder \(dir)"
        }
        guard FileManager.default.isWritableFile(atPath: dir) else {
            return "\(option): cannot write \(path): the folder \(dir) is not writable"
        }
        if FileManager.default.fileExists(atPath: path), !FileManager.default.isWritableFile(atPath: path) {
            return "\(option): cannot write \(path): the file is not writable"
        }
        return nil
    }
}
