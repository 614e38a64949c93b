import FoundationEssentials
import TLSFitCore
import TLSFitHandshake
import TLSFitSystem

/// A wrong option value, worded for the user (`--windows: ...`); the CLI prints it as bad input (exit 2).
public struct OptionError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension WindowsRelease {
    /// `--windows` as given; nil when not given.
    public static func option(_ text: String?) throws(OptionError) -> WindowsRelease? {
        guard let text else { return nil }
        guard let release = WindowsRelease(userText: text) else {
            throw OptionError("--windows: " + WindowsRelease.unknownMessage(text))
        }
        return release
    }

    /// A repeatable, comma-separated `--windows`: each release once, in the order given.
    public static func options(_ texts: [String]) throws(OptionError) -> [WindowsRelease] {
        var releases: [WindowsRelease] = []
        for item in texts.flatMap({ $0.split(separator: ",").map { $0.trimmingWhitespace() } }) where !item.isEmpty {
            guard let release = try option(item) else { continue }
            if !releases.contains(release) { releases.append(release) }
        }
        return releases
    }
}

extension ClientStack {
    /// `--stack` as given; nil when not given.
    public static func option(_ text: String?) throws(OptionError) -> ClientStack? {
        guard let text else { return nil }
        guard let s = ClientStack(rawValue: text.lowercased()), ClientStack.selectable.contains(s) else {
            let names = ClientStack.selectable.map(\.rawValue)
            throw OptionError(
                "--stack: '\(text)' is not a stack\(NameSuggestions.hint(for: text, among: names)); stacks: \(names.joined(separator: ", "))"
            )
        }
        return s
    }
}

/// The connection options `diagnose` and `report` share.
public enum ConnectionOptions {
    /// `--timeout` (seconds, at most 300), `--concurrency` (1-1024, when the command has it), `--ca-file`.
    public static func check(timeout: Double, concurrency: Int? = nil, caFile: String?) throws(OptionError) {
        guard timeout > 0, timeout <= 300 else { throw OptionError("--timeout: give seconds between 0 and 300") }
        if let concurrency, !(1...1024).contains(concurrency) {
            throw OptionError("--concurrency: give a number of hosts from 1 to 1024")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw OptionError("--ca-file: cannot read \(caFile)")
        }
    }
}

extension DiagnosePlan {
    /// `--as-of` as given; nil when not given.
    public static func asOfDate(_ text: String?) throws(OptionError) -> Date? {
        guard let text else { return nil }
        guard let date = InputTime.parseISO(text) else {
            throw OptionError("--as-of: '\(text)' is not an ISO 8601 time (2023-05-04T10:00:00Z)")
        }
        return date
    }

    /// The WindowsUpdate.log: `log` (streamed: a log of any size is read in one pass, one chunk in
    /// memory), else the one a collect bundle holds.
    public static func readLog(_ log: String?, bundles: [CollectedBundle]) throws(InputError) -> Log? {
        if let log {
            var reader = WindowsUpdateLog.Reader(source: log)
            try FileContents.stream(log) { (chunk) throws(InputError) in try reader.feed(chunk) }
            return Log(name: log, log: try reader.finish(), fromBundle: false)
        }
        guard let bundled = bundles.compactMap(\.updateLog).first else { return nil }
        return Log(
            name: bundled.name, log: try WindowsUpdateLog.parse(bundled.bytes, source: bundled.name), fromBundle: true)
    }

    /// `--test-pins FILE` (update-pins.tsv format): an `OptionError` when unreadable, an `InputError` when wrong.
    public static func readTestPins(_ path: String) throws -> UpdatePinSet {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw OptionError("--test-pins: cannot read \(path)")
        }
        return try UpdatePinSet.parse(text, source: path)
    }
}
