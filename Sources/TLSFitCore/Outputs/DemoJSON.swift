/// `tlsfit demo --format json`: whether every example behaved as expected, and each one's diagnosis.
public struct DemoJSON: Sendable, Codable {
    public var schemaVersion: Int
    public var asExpected: Bool
    public var examples: [DiagnosisReport]

    public init(schemaVersion: Int, asExpected: Bool, examples: [DiagnosisReport]) {
        self.schemaVersion = schemaVersion
        self.asExpected = asExpected
        self.examples = examples
    }
}
