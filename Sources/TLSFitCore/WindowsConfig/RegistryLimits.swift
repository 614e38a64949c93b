/// Windows' own registry limits ("Registry element size limits", Microsoft Learn): a key name
/// component has at most 255 characters, a key path at most 512 levels, a value name at most
/// 16,383 characters. Every parser refuses input past them with the file and line or record, which
/// also keeps the work on a key linear in the input (a 100,000-level key cost quadratic memory).
public enum RegistryLimits {
    public static let maxComponentLength = 255
    public static let maxLevels = 512
    public static let maxValueNameLength = 16_383

    /// Why `key` (as written, backslash-separated, hive included or not) breaks a limit; nil when it does not.
    /// Stops at the first problem, so a huge key costs one pass at most.
    public static func problem(key: String) -> String? {
        var levels = 1
        var length = 0
        for unit in key.utf16 {
            if unit == 0x5C {
                if length > 0 {
                    levels += 1
                    if levels > maxLevels { return "the key is more than \(maxLevels) levels deep (Windows' limit)" }
                }
                length = 0
            } else {
                length += 1
                if length > maxComponentLength {
                    return "a key name in the path is longer than \(maxComponentLength) characters (Windows' limit)"
                }
            }
        }
        return nil
    }

    /// Why `name` breaks the value-name limit; nil when it does not.
    public static func problem(valueName name: String) -> String? {
        name.utf16.count > maxValueNameLength
            ? "the value name is longer than 16,383 characters (Windows' limit)" : nil
    }
}

extension RegistryLimits {
    /// Checks the keys and value names of parsed operations (for parsers whose keys come whole,
    /// such as gpresult XML): the first one past a limit is an error at its line or record.
    public static func check(_ operations: [RegistryOperation], source: String) throws(InputError) {
        for op in operations {
            let name: String?
            switch op.action {
            case .setValue(let n, _), .setValueIfAbsent(let n, _), .deleteValue(let n): name = n
            default: name = nil
            }
            if let problem = problem(key: op.key) ?? name.flatMap({ problem(valueName: $0) }) {
                throw InputError(
                    source: source, line: op.provenance.line, byteOffset: op.provenance.byteOffset,
                    message: op.provenance.record.map { "record \($0): \(problem)" } ?? problem)
            }
        }
    }
}
