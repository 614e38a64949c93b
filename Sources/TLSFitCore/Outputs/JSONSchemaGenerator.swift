import FoundationEssentials

/// Derives the JSON Schema of an output type from the type itself: it decodes a placeholder of the
/// type with a decoder that records every key the type's `Decodable` conformance asks for, and with
/// which type. A key read with `decodeIfPresent` may be `null`; every key is required (the
/// null-writing encoder writes all of them); an enum with string raw values is its vocabulary;
/// fields a type adds while encoding (`JSONDerivedFields`) come from its `derivedFieldTypes`. Each
/// struct and enum becomes a `$defs` entry named after the type.
public final class JSONSchemaGenerator {
    private var definitions: [String: JSONSchema] = [:]
    private var placeholders: [String: Any] = [:]
    private var inProgress: Set<String> = []

    public init() {}

    /// A schema document for one command: `root`'s choices (one, or several for a command whose
    /// modes print different documents), with the definitions they use.
    public static func document(title: String, description: String, root: [any Decodable.Type]) throws -> String {
        let generator = JSONSchemaGenerator()
        let choices = try root.map { try generator.schema(of: $0) }
        guard case .object(var members) = choices.count == 1 ? choices[0].json : JSONSchema.oneOf(choices).json else {
            throw SchemaError("the root schema is not an object")
        }
        members["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        members["title"] = .string(title)
        members["description"] = .string(description)
        members["$defs"] = .object(generator.definitions.mapValues(\.json))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(SchemaJSON.object(members)), as: UTF8.self) + "\n"
    }

    /// The schema of any decodable type (the existential opened).
    public func schema(of type: any Decodable.Type) throws -> JSONSchema {
        try describe(type).schema
    }

    struct SchemaError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The schema of `type`, and a placeholder value of it for the type that contains it.
    func describe<T: Decodable>(_ type: T.Type) throws -> (schema: JSONSchema, placeholder: T) {
        if let (schema, value) = Self.scalar(type) { return (schema, value as! T) }
        if let optional = type as? any SchemaOptional.Type {
            return (.nullable(try schema(of: optional.wrappedType)), optional.absent as! T)
        }
        if let sequence = type as? any SchemaSequence.Type {
            return (.array(try schema(of: sequence.elementType)), sequence.empty as! T)
        }
        if let map = type as? any SchemaMap.Type {
            return (.map(try schema(of: map.valueType)), map.empty as! T)
        }
        let name = Self.definitionName(type)
        if let placeholder = placeholders[name] { return (.reference(name), placeholder as! T) }
        guard !inProgress.contains(name) else { throw SchemaError("\(name) contains itself") }
        inProgress.insert(name)
        defer { inProgress.remove(name) }
        if let vocabulary = type as? any CaseIterable.Type, let (values, first) = Self.vocabulary(vocabulary) {
            definitions[name] = .enumeration(values)
            placeholders[name] = first
            return (.reference(name), first as! T)
        }
        let recorder = SchemaRecorder(generator: self)
        let value = try T(from: SchemaDecoder(recorder: recorder))
        if let derived = type as? any JSONDerivedFields.Type {
            for (key, fieldType) in derived.derivedFieldTypes { recorder.add(key, try schema(of: fieldType)) }
        }
        definitions[name] = recorder.single ?? .object(recorder.properties)
        placeholders[name] = value
        return (.reference(name), value)
    }

    /// `TLSFitCore.DiagnosisReport.LogSummary` is `DiagnosisReport.LogSummary`.
    static func definitionName(_ type: Any.Type) -> String {
        String(reflecting: type).split(separator: ".").dropFirst().joined(separator: ".")
    }

    static func scalar(_ type: Any.Type) -> (JSONSchema, Any)? {
        switch type {
        case is String.Type: (.string, "")
        case is Bool.Type: (.boolean, false)
        case is Int.Type: (.integer, 0 as Int)
        case is Int8.Type: (.integer, 0 as Int8)
        case is Int16.Type: (.integer, 0 as Int16)
        case is Int32.Type: (.integer, 0 as Int32)
        case is Int64.Type: (.integer, 0 as Int64)
        case is UInt.Type: (.integer, 0 as UInt)
        case is UInt8.Type: (.integer, 0 as UInt8)
        case is UInt16.Type: (.integer, 0 as UInt16)
        case is UInt32.Type: (.integer, 0 as UInt32)
        case is UInt64.Type: (.integer, 0 as UInt64)
        case is Double.Type: (.number, 0.0 as Double)
        case is Float.Type: (.number, 0.0 as Float)
        case is Date.Type: (.dateTime, Date(timeIntervalSince1970: 0))
        default: nil
        }
    }

    /// The raw values of an enum with string raw values, and its first case.
    static func vocabulary<E: CaseIterable>(_ type: E.Type) -> ([String], Any)? {
        let values = type.allCases.compactMap { ($0 as? any RawRepresentable)?.rawValue as? String }
        guard let first = type.allCases.first, values.count == type.allCases.count else { return nil }
        return (values, first)
    }
}

/// An output type whose document also carries fields computed from its stored ones (a proof's
/// `proven`, a cause's `vantage`): synthesized `Codable` writes the stored fields (its `CodingKeys`),
/// and the null-writing encoder adds these to the same object.
public protocol JSONDerivedFields: Encodable {
    associatedtype DerivedKeys: CodingKey
    /// Each derived key with the type of its value, for the schema.
    static var derivedFieldTypes: [(String, any Decodable.Type)] { get }
    func encodeDerived(into container: inout KeyedEncodingContainer<DerivedKeys>) throws
}

extension JSONDerivedFields {
    func encodeDerivedFields(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DerivedKeys.self)
        try encodeDerived(into: &container)
    }
}

protocol SchemaOptional {
    static var wrappedType: any Decodable.Type { get }
    static var absent: Self { get }
}

extension Optional: SchemaOptional where Wrapped: Decodable {
    static var wrappedType: any Decodable.Type { Wrapped.self }
    static var absent: Self { nil }
}

protocol SchemaSequence {
    static var elementType: any Decodable.Type { get }
    static var empty: Self { get }
}

extension Array: SchemaSequence where Element: Decodable {
    static var elementType: any Decodable.Type { Element.self }
    static var empty: Self { [] }
}

extension Set: SchemaSequence where Element: Decodable {
    static var elementType: any Decodable.Type { Element.self }
    static var empty: Self { [] }
}

protocol SchemaMap {
    static var valueType: any Decodable.Type { get }
    static var empty: Self { get }
}

extension Dictionary: SchemaMap where Key == String, Value: Decodable {
    static var valueType: any Decodable.Type { Value.self }
    static var empty: Self { [:] }
}
