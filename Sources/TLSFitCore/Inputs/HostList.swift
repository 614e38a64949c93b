import FoundationEssentials

/// Host lists as users give them: `HOST[:PORT]` arguments and `--hosts FILE` files.
public enum HostList {
    /// Parses a host file: one `HOST[:PORT]` per line; `#` starts a comment; blank lines are skipped.
    /// A bad line is an `InputError` naming the file and line.
    public static func parse(_ text: String, source: String, defaultPort: Int = 443) throws(InputError) -> [HostPort] {
        var hosts: [HostPort] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            guard !trimmed.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw InputError(source: source, line: lineNumber, message: "'\(trimmed)': one HOST[:PORT] per line")
            }
            do {
                hosts.append(try HostPort(parsing: trimmed, defaultPort: defaultPort, source: source))
            } catch {
                throw InputError(source: source, line: lineNumber, message: error.message)
            }
        }
        return hosts
    }

    /// Parses host arguments (`HOST[:PORT]`), reporting a bad one by its position.
    public static func parse(arguments: [String], defaultPort: Int = 443) throws(InputError) -> [HostPort] {
        var hosts: [HostPort] = []
        for argument in arguments {
            hosts.append(try HostPort(parsing: argument, defaultPort: defaultPort, source: "host"))
        }
        return hosts
    }

    /// Removes repeated `host:port` pairs (names compared without case), keeping the first.
    public static func deduplicated(_ hosts: [HostPort]) -> [HostPort] {
        var seen = Set<String>()
        return hosts.filter { seen.insert("\($0.host.lowercased()):\($0.port)").inserted }
    }
}
