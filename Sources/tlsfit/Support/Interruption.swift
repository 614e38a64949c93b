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
