import Foundation

/// The `tlsfit` executable SwiftPM built next to the test bundle, for tests that run it as a user
/// would.
public enum TLSFitBinary {
    public static var url: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("tlsfit")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent("tlsfit")
    }
}
