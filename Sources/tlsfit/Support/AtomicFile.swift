import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes output files the safe way: a temporary file beside the target, then rename(2), so an
/// interrupted run never leaves half a report. Ctrl-C while writing removes the temporary file.
enum AtomicFile {
    struct WriteError: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    static func write(_ data: Data, to path: String) throws {
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WriteError(description: "\(path): the folder \(directory.path) does not exist")
        }
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).tlsfit-\(getpid())-\(UUID().uuidString.prefix(8)).tmp")
        Interruption.shared.registerTemporaryFile(temporary.path)
        defer { Interruption.shared.unregisterTemporaryFile(temporary.path) }
        do {
            try data.write(to: temporary, options: [])
            guard rename(temporary.path, target.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw WriteError(description: "\(path): \(reason)")
            }
        } catch let error as WriteError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw WriteError(description: "\(path): \(error.localizedDescription)")
        }
    }
}
