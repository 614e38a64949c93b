import FoundationEssentials

/// Several server profiles in one document: `tlsfit scan --format json`, and `--save` with several hosts.
public struct ServerProfileDocument: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var hosts: [ServerProfile]

    public init(hosts: [ServerProfile]) {
        self.schemaVersion = JSONOutput.schemaVersion
        self.hosts = hosts
    }
}

/// Reads and writes saved scans, so `diagnose` and `report` can run offline.
///
/// A file holds either one profile object (a scan of one host) or a `{"schemaVersion":1,"hosts":[...]}`
/// document; `load` accepts both.
public enum ServerProfileStore {
    /// The JSON written by `--save`: the bare profile for one host, the document for several.
    public static func encode(_ profiles: [ServerProfile]) throws -> String {
        if profiles.count == 1 { return try JSONOutput.encode(profiles[0]) }
        return try JSONOutput.encode(ServerProfileDocument(hosts: profiles))
    }

    /// Parses and validates a saved scan; every problem names `source`.
    public static func load(bytes: [UInt8], source: String) throws(InputError) -> [ServerProfile] {
        let data = Data(bytes)
        let root: JSONNode
        do throws(JSONNode.SyntaxError) {
            root = try JSONNode.parse(bytes)
        } catch {
            throw InputError(source: source, line: error.line, message: "not JSON: \(error.message)")
        }
        guard case .object = root.value else {
            throw InputError(
                source: source, message: "expected a server profile object or {\"schemaVersion\":1,\"hosts\":[...]}")
        }
        if let version = root["schemaVersion"]?.integer, version > JSONOutput.schemaVersion {
            throw InputError(
                source: source,
                message: "schemaVersion \(version) is newer than this tlsfit understands (\(JSONOutput.schemaVersion))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var profiles: [ServerProfile]
        do {
            if root["hosts"] != nil {
                profiles = try decoder.decode(ServerProfileDocument.self, from: data).hosts
            } else {
                profiles = [try decoder.decode(ServerProfile.self, from: data)]
            }
        } catch let error as DecodingError {
            throw InputError(source: source, message: describe(error))
        } catch {
            throw InputError(source: source, message: "\(error)")
        }
        for (index, profile) in profiles.enumerated() {
            let label = profiles.count == 1 ? "" : "hosts[\(index)]: "
            guard !profile.host.isEmpty else { throw InputError(source: source, message: "\(label)empty host name") }
            guard (1...65535).contains(profile.port) else {
                throw InputError(source: source, message: "\(label)port \(profile.port) is not from 1 to 65535")
            }
            for key in profile.protocols.keys where TLSVersion(rawValue: key) == nil {
                throw InputError(
                    source: source, message: "\(label)unknown protocol '\(key)' (expected SSLv3, TLSv1.0 ... TLSv1.3)")
            }
            for key in profile.serverPreference.keys where TLSVersion(rawValue: key) == nil {
                throw InputError(source: source, message: "\(label)serverPreference: unknown protocol '\(key)'")
            }
            for (key, support) in profile.protocols {
                for name in support.cipherSuites where Catalog.shared.suite(named: name) == nil {
                    throw InputError(source: source, message: "\(label)\(key): unknown cipher suite '\(name)'")
                }
            }
            // As ServerProfile.source documents: a profile read back from disk is `file`.
            if profile.source != "built-in" { profiles[index].source = "file" }
        }
        return profiles
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "" : "\(p.hasPrefix(".") ? String(p.dropFirst()) : p): "
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context))missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .dataCorrupted(let context):
            return "\(path(context))\(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context))missing value"
        @unknown default: return "\(error)"
        }
    }
}
