import FoundationEssentials

/// `manifest.json` of a `tlsfit collect` bundle: what the script collected, what it did not and why.
public struct CollectManifest: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public var id: String
        public var file: String
        /// `collected`, `absent` (the key or file does not exist on the machine), `skipped` (not
        /// asked for, or what it needs is missing) or `failed`.
        public var status: String
        public var reason: String?
    }

    public var tlsfitCollect: Int
    public var tlsfitVersion: String?
    public var machine: String?
    public var collectedAt: String?
    public var build: String?
    public var productName: String?
    public var powershell: String?
    public var elevated: Bool?
    public var is64BitWindows: Bool?
    public var items: [Item]

    /// Parses a manifest; nil when `bytes` are not one (no `tlsfitCollect` member).
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> CollectManifest? {
        guard JSONMarker.has("tlsfitCollect", in: bytes) else { return nil }
        do {
            return try JSONDecoder().decode(CollectManifest.self, from: Data(JSONMarker.withoutBOM(bytes)))
        } catch {
            throw InputError(source: source, message: "a tlsfit collect manifest, but not a readable one: \(error)")
        }
    }

    /// What each gap costs, for the admin: "no gpresult: policy precedence from the exports alone".
    /// Keys that do not exist on the machine (`absent`) are no gap: Windows' defaults apply there.
    public var gaps: [String] {
        items.compactMap { item -> String? in
            guard item.status == "failed" || item.status == "skipped" else { return nil }
            let why = item.reason.map { " (\($0))" } ?? ""
            switch item.id {
            case "gpresult": return "no gpresult\(why): policy precedence from the exports alone"
            case "netsh-proxy": return "no netsh winhttp show proxy\(why): the WinHTTP proxy from WinHttpSettings alone"
            case "wulog":
                return "no WindowsUpdate.log\(why): the hosts are the role's, not those the agent failed to reach"
            case "currentversion": return "no CurrentVersion export\(why): the release is --windows, else assumed"
            case "tls-suites", "tls-curves":
                return nil  // Windows 10 and later only; the registry exports carry the same settings
            case "probe", "capture":
                return item.status == "failed" ? "\(item.file) not collected\(why)" : nil
            default:
                let isWow64 = CollectTable.item(item.id)?.isWow64View ?? false
                if isWow64 && is64BitWindows == false { return nil }
                return "\(item.file) not collected\(why): its settings read as Windows' defaults"
            }
        }
    }
}

/// Cheap checks on JSON bytes before decoding them.
enum JSONMarker {
    static func withoutBOM(_ bytes: [UInt8]) -> [UInt8] {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    /// True when the text starts with `{` and a member named `name` appears in its first KiB.
    static func has(_ name: String, in bytes: [UInt8]) -> Bool {
        let body = withoutBOM(bytes)
        guard let first = body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
            first == UInt8(ascii: "{")
        else { return false }
        let head = Array(body.prefix(1024))
        let needle = Array("\"\(name)\"".utf8)
        guard head.count >= needle.count else { return false }
        for i in 0...(head.count - needle.count)
        where head[i] == needle[0] && Array(head[i..<(i + needle.count)]) == needle { return true }
        return false
    }
}

/// `winhttp-probe.json` (`tlsfit collect -Probe`): what the machine's own WinHTTP got from each
/// update host, with its default (netsh winhttp) proxy settings, as the update agent would.
public struct WinHTTPProbe: Sendable, Hashable, Codable {
    public struct Result: Sendable, Hashable, Codable {
        public var scheme: String
        public var host: String
        public var port: Int
        /// The call that failed (`connect`, `send`, `receive`...), or `ok`.
        public var stage: String
        /// The WinHTTP error (12175 = ERROR_WINHTTP_SECURE_FAILURE...), 0 when none.
        public var winhttpError: Int
        public var httpStatus: Int

        public var succeeded: Bool { stage == "ok" && winhttpError == 0 }

        /// The HRESULT Windows Update shows for the error (`0x80072F8F` for 12175); nil when none.
        public var hresult: String? {
            guard winhttpError > 0, winhttpError <= 0xFFFF else { return nil }
            let hex = String(winhttpError, radix: 16, uppercase: true)
            return "0x8007" + String(repeating: "0", count: 4 - hex.count) + hex
        }

        /// "0x80072F8F after send" or "ok (HTTP 200)".
        public var summary: String {
            succeeded
                ? "ok (HTTP \(httpStatus))"
                : "\(hresult ?? "error \(winhttpError)") (WinHTTP \(winhttpError)) at \(stage)"
        }
    }

    public var tlsfitProbe: Int
    public var stack: String?
    public var probedAt: String?
    public var results: [Result]

    /// Parses a probe file; nil when `bytes` are not one (no `tlsfitProbe` member).
    public static func parse(_ bytes: [UInt8], source: String) throws(InputError) -> WinHTTPProbe? {
        guard JSONMarker.has("tlsfitProbe", in: bytes) else { return nil }
        do {
            return try JSONDecoder().decode(WinHTTPProbe.self, from: Data(JSONMarker.withoutBOM(bytes)))
        } catch {
            throw InputError(
                source: source, message: "a tlsfit collect -Probe result, but not a readable one: \(error)")
        }
    }
}
