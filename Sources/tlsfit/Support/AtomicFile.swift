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

/// Ctrl-C (SIGINT) and SIGTERM: long commands check `isInterrupted` and stop cleanly, printing what
/// was done; temporary files being written are removed.
final class Interruption: @unchecked Sendable {
    static let shared = Interruption()

    private let lock = NSLock()
    private var interrupted = false
    private var temporaryFiles = Set<String>()
    private var sources: [DispatchSourceSignal] = []

    var isInterrupted: Bool { lock.withLock { interrupted } }

    /// Takes over SIGINT and SIGTERM for the rest of the process. A second signal exits at once.
    func install() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in handle(sig) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func handle(_ sig: Int32) {
        let (again, files) = lock.withLock {
            let again = interrupted
            interrupted = true
            return (again, temporaryFiles)
        }
        for file in files { unlink(file) }
        if again {
            FileHandle.standardError.write(Data("\ntlsfit: interrupted again, exiting\n".utf8))
            exit(130)
        }
        FileHandle.standardError.write(Data("\ntlsfit: interrupted; finishing the handshakes in flight (Ctrl-C again to quit now)\n".utf8))
    }

    func registerTemporaryFile(_ path: String) { lock.withLock { _ = temporaryFiles.insert(path) } }
    func unregisterTemporaryFile(_ path: String) { lock.withLock { _ = temporaryFiles.remove(path) } }
}
