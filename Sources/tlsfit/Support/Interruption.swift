import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM: long commands check `isInterrupted` and stop cleanly, printing what
/// was done; temporary files being written are removed.
final class Interruption: @unchecked Sendable {
    static let shared = Interruption()

    private let lock = NSLock()
    private var interrupted = false
    private var temporaryFiles = Set<String>()
    private var sources: [DispatchSourceSignal] = []

    var isInterrupted: Bool { lock.withLock { interrupted } }

    /// When true, the first signal removes the temporary paths and exits (for commands with
    /// nothing partial to report, such as `demo`).
    private var exitOnFirstSignal = false

    /// Takes over SIGINT and SIGTERM for the rest of the process. A second signal exits at once;
    /// with `exitAtOnce`, the first does.
    func install(exitAtOnce: Bool = false) {
        lock.withLock {
            exitOnFirstSignal = exitOnFirstSignal || exitAtOnce
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
            let again = interrupted || exitOnFirstSignal
            interrupted = true
            return (again, temporaryFiles)
        }
        // Files first, then the (now empty) temporary folders.
        for file in files { unlink(file) }
        for file in files { rmdir(file) }
        if again {
            FileHandle.standardError.write(Data("\ntlsfit: interrupted again, exiting\n".utf8))
            exit(130)
        }
        FileHandle.standardError.write(Data("\ntlsfit: interrupted; finishing the handshakes in flight (Ctrl-C again to quit now)\n".utf8))
    }

    func registerTemporaryFile(_ path: String) { lock.withLock { _ = temporaryFiles.insert(path) } }
    func unregisterTemporaryFile(_ path: String) { lock.withLock { _ = temporaryFiles.remove(path) } }
}
