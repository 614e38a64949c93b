/// Writes registry changes as a regedit 5.00 file that `regedit /s` (and `RegFileParser`) reads back.
public enum RegFileWriter {
    public enum Encoding: Sendable {
        /// What regedit itself writes: UTF-16LE with a byte order mark.
        case utf16LE
        /// UTF-8 without a BOM (regedit on Windows 10+ reads it).
        case utf8
        case utf8BOM
    }

    /// One change to write: a key and what to do there.
    public struct Change: Sendable, Hashable {
        public var key: String
        public var action: RegistryOperation.Action
        public init(key: String, action: RegistryOperation.Action) {
            self.key = RegistryPath.normalize(key)
            self.action = action
        }
    }

    /// The file's text, with CRLF line ends. Consecutive changes to one key share a `[key]` section.
    public static func text(_ changes: [Change], comment: String? = nil) -> String {
        var out = "Windows Registry Editor Version 5.00\r\n"
        if let comment {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { out += "; \(line)\r\n" }
        }
        var currentKey: String? = nil
        for change in changes {
            let full = hivePath(change.key)
            switch change.action {
            case .deleteKey:
                out += "\r\n[-\(full)]\r\n"
                currentKey = nil
                continue
            case .createKey:
                if currentKey?.lowercased() != change.key.lowercased() {
                    out += "\r\n[\(full)]\r\n"
                    currentKey = change.key
                }
                continue
            default:
                break
            }
            if currentKey?.lowercased() != change.key.lowercased() {
                out += "\r\n[\(full)]\r\n"
                currentKey = change.key
            }
            switch change.action {
            case .setValue(let name, let data), .setValueIfAbsent(let name, let data):
                out += valueLine(name: name, data: data) + "\r\n"
            case .deleteValue(let name):
                out += quotedName(name) + "=-\r\n"
            case .deleteAllValues:
                out +=
                    "; every value of this key is to be deleted: a .reg file cannot say that; delete the values one by one\r\n"
            case .deleteKey, .createKey:
                break
            }
        }
        return out + "\r\n"
    }

    /// The file's bytes in the chosen encoding.
    public static func write(_ changes: [Change], encoding: Encoding = .utf16LE, comment: String? = nil) -> [UInt8] {
        let t = text(changes, comment: comment)
        switch encoding {
        case .utf8: return Array(t.utf8)
        case .utf8BOM: return [0xEF, 0xBB, 0xBF] + Array(t.utf8)
        case .utf16LE:
            var bytes: [UInt8] = [0xFF, 0xFE]
            bytes.reserveCapacity(2 + t.utf16.count * 2)
            for u in t.utf16 {
                bytes.append(UInt8(u & 0xFF))
                bytes.append(UInt8(u >> 8))
            }
            return bytes
        }
    }

    static func hivePath(_ key: String) -> String {
        let upper = key.uppercased()
        return upper.hasPrefix("HKEY_") ? key : "HKEY_LOCAL_MACHINE\\" + key
    }

    static func quotedName(_ name: String) -> String { name.isEmpty ? "@" : "\"" + escape(name) + "\"" }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            if c == "\\" { out += "\\\\" } else if c == "\"" { out += "\\\"" } else { out.append(c) }
        }
        return out
    }

    static func valueLine(name: String, data: RegistryData) -> String {
        let prefix = quotedName(name) + "="
        switch data {
        case .string(let s): return prefix + "\"" + escape(s) + "\""
        case .dword(let v): return prefix + "dword:" + v.hex8
        case .expandString(let s): return hexLine(prefix, "hex(2):", utf16LE(s) + [0, 0])
        case .multiString(let items):
            var bytes: [UInt8] = []
            for item in items { bytes += utf16LE(item) + [0, 0] }
            return hexLine(prefix, "hex(7):", bytes + [0, 0])
        case .qword(let v):
            return hexLine(prefix, "hex(b):", (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) })
        case .binary(let type, let bytes):
            return hexLine(prefix, type == 3 ? "hex:" : "hex(\(String(type, radix: 16))):", bytes)
        }
    }

    static func utf16LE(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        for u in s.utf16 {
            out.append(UInt8(u & 0xFF))
            out.append(UInt8(u >> 8))
        }
        return out
    }

    /// Hex bytes wrapped like regedit: lines of about 80 characters ending in `,\`.
    static func hexLine(_ prefix: String, _ tag: String, _ bytes: [UInt8]) -> String {
        var out = prefix + tag
        var width = out.count
        for (i, b) in bytes.enumerated() {
            out += b.hex2
            width += 2
            if i < bytes.count - 1 {
                out += ","
                width += 1
                if width >= 76 {
                    out += "\\\r\n  "
                    width = 2
                }
            }
        }
        return out
    }
}
