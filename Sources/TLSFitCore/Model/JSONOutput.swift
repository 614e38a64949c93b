import FoundationEssentials

/// The one JSON encoder configuration tlsfit uses for every `--format json` output.
///
/// Every documented field is written, `null` when it does not apply, so a consumer
/// (`jq '.cipher.iana'`) never has to tell a missing key from an empty value: Swift's synthesized
/// encoders leave `nil` optionals out, so the output types list their keys in `encode(to:)`.
public enum JSONOutput {
    /// Bumped only when a field changes meaning or disappears; new fields do not bump it.
    public static let schemaVersion = 1

    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self)
    }
}
