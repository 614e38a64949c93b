import Foundation
import TLSFitSystem
import Testing

@testable import TLSFitCore

/// Fixture access and small helpers for the WindowsConfig tests.
enum WindowsFixtures {
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/windows")
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    static func document(_ relative: String) throws -> WindowsConfigDocument {
        try WindowsConfigFormatDetector.parse(try bytes(relative), source: relative, xml: LibXML2Reader())
    }

    static func config(_ relatives: [String], release: WindowsRelease? = nil) throws -> WindowsTLSConfig {
        let files = try relatives.map { WindowsConfigReader.InputFile(name: $0, bytes: try bytes($0)) }
        return try WindowsConfigReader.read(files, release: release, xml: LibXML2Reader())
    }
}

extension WindowsConfigDocument {
    /// Key and action only, for comparing documents read from different encodings.
    var changes: [RegFileWriter.Change] { operations.map { RegFileWriter.Change(key: $0.key, action: $0.action) } }
}

extension WindowsTLSConfig {
    var warningCodes: Set<ConfigWarning.Code> { Set(warnings.map(\.code)) }
}

/// A small seeded generator so fuzz cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
