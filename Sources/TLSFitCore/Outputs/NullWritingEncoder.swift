import FoundationEssentials

/// The one encoding strategy of every `--format json` output: an `Encoder` that wraps JSONEncoder's
/// and writes `null` for an absent optional instead of leaving its key out.
///
/// Swift's synthesized `encode(to:)` calls `encodeIfPresent` for every optional property; the keyed
/// containers here answer it with `encodeNil`, so a synthesized `Codable` output type writes every
/// field it declares (its `CodingKeys`) and needs no hand-written `encode(to:)`. Values JSONEncoder
/// formats itself (strings, numbers, `Date` with the ISO 8601 strategy) go straight to the wrapped
/// container; every other value is encoded through a wrapped encoder, so the rule holds at any depth.
struct NullWritingEncoder: Encoder {
    let base: any Encoder

    /// Writes a value through this encoder: its stored fields, then any derived ones.
    func write(_ value: some Encodable) throws {
        try value.encode(to: self)
        if let derived = value as? any JSONDerivedFields { try derived.encodeDerivedFields(to: self) }
    }

    var codingPath: [any CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(NullWritingKeyedContainer(base: base.container(keyedBy: type)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        NullWritingUnkeyedContainer(base: base.unkeyedContainer())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        NullWritingSingleValueContainer(encoder: self, base: base.singleValueContainer())
    }

    /// True for the values the wrapped JSONEncoder must see itself: its scalars and the types it
    /// formats by a strategy.
    static func isLeaf(_ value: any Encodable) -> Bool {
        switch value {
        case is String, is Bool, is Int, is Int8, is Int16, is Int32, is Int64, is UInt, is UInt8, is UInt16,
            is UInt32, is UInt64, is Double, is Float, is Date, is Data, is Decimal:
            true
        default:
            false
        }
    }
}

struct NullWritingKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var base: KeyedEncodingContainer<Key>

    var codingPath: [any CodingKey] { base.codingPath }

    mutating func encodeNil(forKey key: Key) throws { try base.encodeNil(forKey: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if NullWritingEncoder.isLeaf(value) {
            try base.encode(value, forKey: key)
        } else {
            try NullWritingEncoder(base: base.superEncoder(forKey: key)).write(value)
        }
    }

    // The one rule: an absent optional is written as null.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try base.encodeNil(forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOrNull(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOrNull(value, key) }

    private mutating func encodeOrNull<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try base.encode(value, forKey: key) } else { try base.encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = base.nestedContainer(keyedBy: keyType, forKey: key)
        return KeyedEncodingContainer(NullWritingKeyedContainer<NestedKey>(base: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NullWritingUnkeyedContainer(base: base.nestedUnkeyedContainer(forKey: key))
    }

    mutating func superEncoder() -> any Encoder { NullWritingEncoder(base: base.superEncoder()) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NullWritingEncoder(base: base.superEncoder(forKey: key))
    }
}

struct NullWritingUnkeyedContainer: UnkeyedEncodingContainer {
    var base: any UnkeyedEncodingContainer

    var codingPath: [any CodingKey] { base.codingPath }
    var count: Int { base.count }

    mutating func encodeNil() throws { try base.encodeNil() }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if NullWritingEncoder.isLeaf(value) {
            try base.encode(value)
        } else {
            try NullWritingEncoder(base: base.superEncoder()).write(value)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(NullWritingKeyedContainer<NestedKey>(base: base.nestedContainer(keyedBy: keyType)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NullWritingUnkeyedContainer(base: base.nestedUnkeyedContainer())
    }

    mutating func superEncoder() -> any Encoder { NullWritingEncoder(base: base.superEncoder()) }
}

struct NullWritingSingleValueContainer: SingleValueEncodingContainer {
    let encoder: NullWritingEncoder
    var base: any SingleValueEncodingContainer

    var codingPath: [any CodingKey] { base.codingPath }

    mutating func encodeNil() throws { try base.encodeNil() }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if NullWritingEncoder.isLeaf(value) {
            try base.encode(value)
        } else {
            // A wrapper (an enum's payload, a single-value type): the value takes the same encoder.
            try encoder.write(value)
        }
    }
}

/// The entry point JSONEncoder sees: the whole document through the null-writing encoder.
struct NullWritingDocument<Value: Encodable>: Encodable {
    let value: Value

    func encode(to encoder: any Encoder) throws {
        try NullWritingEncoder(base: encoder).write(value)
    }
}
