import FoundationEssentials

/// The one JSON encoder configuration tlsfit uses for every `--format json` output.
///
/// Every documented field is written, `null` when it does not apply, so a consumer
/// (`jq '.cipher.iana'`) never has to tell a missing key from an empty value: Swift's synthesized
/// encoders leave `nil` optionals out, so the document goes through `NullWritingEncoder`, the one
/// strategy that writes them as `null`; output types use synthesized `Codable` and no `encode(to:)`.
public enum JSONOutput {
    /// Bumped only when a field changes meaning or disappears; new fields do not bump it.
    public static let schemaVersion = 1

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(NullWritingDocument(value: value))
        return escapingHostile(String(decoding: data, as: UTF8.self))
    }

    /// JSONEncoder writes C0 controls as escapes but DEL, C1 controls and the bidirectional
    /// overrides raw: each becomes `\uXXXX` (they occur only inside strings, so this is exact).
    public static func escapingHostile(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: HostileCharacters.contains) else { return json }
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            if HostileCharacters.contains(scalar), scalar != "\n" {
                out += HostileCharacters.json(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
