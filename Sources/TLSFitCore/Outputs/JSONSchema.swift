import FoundationEssentials

/// A JSON Schema (draft 2020-12) for part of a `--format json` document, as `JSONSchemaGenerator`
/// derives it from the output types. Objects are closed (`additionalProperties: false`) and list every
/// property as required, because the null-writing encoder writes every field, `null` when absent.
public indirect enum JSONSchema: Sendable, Equatable {
    case string
    case dateTime
    case integer
    case number
    case boolean
    /// A fixed vocabulary: the raw values of an enum.
    case enumeration([String])
    case array(JSONSchema)
    /// An object with these properties, all required, no others.
    case object([Property])
    /// An object whose keys are free and whose values all have one schema.
    case map(JSONSchema)
    /// The value, or `null`.
    case nullable(JSONSchema)
    /// One of several shapes (a command whose modes print different documents).
    case oneOf([JSONSchema])
    /// A named definition in the document's `$defs`.
    case reference(String)

    public struct Property: Sendable, Equatable {
        public var name: String
        public var schema: JSONSchema

        public init(_ name: String, _ schema: JSONSchema) {
            self.name = name
            self.schema = schema
        }
    }

    /// The schema as a JSON value.
    var json: SchemaJSON {
        switch self {
        case .string: ["type": "string"]
        case .dateTime: ["type": "string", "format": "date-time"]
        case .integer: ["type": "integer"]
        case .number: ["type": "number"]
        case .boolean: ["type": "boolean"]
        case .enumeration(let values): ["type": "string", "enum": .array(values.map { .string($0) })]
        case .array(let items): ["type": "array", "items": items.json]
        case .object(let properties):
            [
                "type": "object",
                "properties": .object(Dictionary(properties.map { ($0.name, $0.schema.json) }) { first, _ in first }),
                "required": .array(properties.map(\.name).sorted().map { .string($0) }),
                "additionalProperties": .bool(false),
            ]
        case .map(let values): ["type": "object", "additionalProperties": values.json]
        case .nullable(let wrapped): wrapped.nullableJSON
        case .oneOf(let choices): ["oneOf": .array(choices.map(\.json))]
        case .reference(let name): ["$ref": .string("#/$defs/\(name)")]
        }
    }

    /// `null` added to the value's type: in `type` for a scalar, as an alternative otherwise.
    private var nullableJSON: SchemaJSON {
        switch self {
        case .string, .integer, .number, .boolean:
            guard case .object(var members) = json, case .string(let type)? = members["type"] else { return json }
            members["type"] = .array([.string(type), .string("null")])
            return .object(members)
        case .nullable(let wrapped):
            return wrapped.nullableJSON
        default:
            return ["anyOf": .array([json, ["type": "null"]])]
        }
    }
}

/// A JSON value for writing schemas (keys sorted by the encoder).
enum SchemaJSON: Encodable, Equatable, ExpressibleByDictionaryLiteral, ExpressibleByStringLiteral {
    case string(String)
    case bool(Bool)
    case array([SchemaJSON])
    case object([String: SchemaJSON])

    init(dictionaryLiteral elements: (String, SchemaJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { a, _ in a }))
    }

    init(stringLiteral value: String) { self = .string(value) }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
