import Foundation
import TLSFitTestSupport
import Testing

/// Runs the built `tlsfit` executable, as a user would, and captures what it printed.
struct CLIResult: Sendable {
    var exitCode: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// The `tlsfit` binary SwiftPM built next to the test bundle.
    static var executableURL: URL { TLSFitBinary.url }

    /// Runs tlsfit with `arguments`; `timeout` kills a hung run so a test fails instead of hanging.
    static func run(
        _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 60, currentDirectory: URL? = nil,
        environment extra: [String: String] = [:]
    ) throws -> CLIResult {
        try runProcess(
            executableURL, arguments, stdin: stdin, timeout: timeout, currentDirectory: currentDirectory,
            environment: extra)
    }

    /// Runs `executable` (tlsfit, or a wrapper that starts it) with `NO_COLOR=1` and `extra` in the
    /// environment (an empty value removes the variable) and captures both streams.
    static func runProcess(
        _ executable: URL, _ arguments: [String], stdin: String? = nil, timeout: TimeInterval = 60,
        currentDirectory: URL? = nil, environment extra: [String: String] = [:]
    ) throws -> CLIResult {
        let process = Process()
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { _, new in new }
        process.environment = environment.filter { !$0.value.isEmpty }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            Issue.record(
                "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) did not finish within \(timeout)s")
            group.wait()
        }
        process.waitUntilExit()
        return CLIResult(
            exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Parses stdout as a JSON object.
    static func json(_ result: CLIResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        guard let dict = object as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
        return dict
    }
}

extension CLI {
    /// Starts tlsfit, sends SIGINT after `after` seconds, and waits for it to end.
    static func runInterrupted(_ arguments: [String], after: TimeInterval, timeout: TimeInterval = 30) throws -> (
        CLIResult, TimeInterval
    ) {
        let process = Process()
        process.executableURL = executableURL
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        Thread.sleep(forTimeInterval: after)
        let sent = Date()
        kill(process.processIdentifier, SIGINT)
        nonisolated(unsafe) var errData = Data()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        if done.wait(timeout: .now() + timeout) == .timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let result = CLIResult(
            exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
        return (result, Date().timeIntervalSince(sent))
    }
}

extension String {
    /// The text with its wrapped lines joined again (a newline and the next line's indentation become
    /// one space): diagnose wraps prose at 80 columns when not on a terminal.
    var unwrapped: String {
        replacingOccurrences(of: #"\n[ ]+"#, with: " ", options: .regularExpression)
    }
}
