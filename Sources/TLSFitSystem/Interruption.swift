import Dispatch
import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM: long commands check `isInterrupted` and stop cleanly, printing what
/// was done; temporary files being written are removed.
public final class Interruption: Sendable {
    public static let shared = Interruption()

    private struct State {
        var interrupted = false
        var temporaryFiles = Set<String>()
        var sources: [any DispatchSourceSignal] = []
        /// When true, the first signal removes the temporary paths and exits (for commands with
        /// nothing partial to report, such as `demo`).
        var exitOnFirstSignal = false
    }

    private let state = Mutex(State())
    /// Held while temporary files are created or renamed, and by the signal handler from its
    /// cleanup until it exits: no file can appear in a folder after the folder was emptied.
    private let creation = Mutex<Void>(())

    public var isInterrupted: Bool { state.withLock { $0.interrupted } }

    /// Takes over SIGINT and SIGTERM for the rest of the process. A second Ctrl-C exits at once;
    /// with `exitAtOnce`, the first does; SIGTERM always does (exit 143).
    public func install(exitAtOnce: Bool = false) {
        state.withLock { state in
            state.exitOnFirstSignal = state.exitOnFirstSignal || exitAtOnce
            guard state.sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in handle(sig) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    private func handle(_ sig: Int32) {
        let (again, files) = state.withLock { state in
            // SIGTERM (`timeout`, a service manager) ends the run at once: it is not a first Ctrl-C.
            let again = state.interrupted || state.exitOnFirstSignal || sig == SIGTERM
            state.interrupted = true
            return (again, state.temporaryFiles)
        }
        if again {
            // Nothing is created from here on (the cleanup exits inside the lock, which is never
            // released), so removing the paths, folders with their contents, leaves nothing
            // behind. A writer stuck inside the lock (a slow disk) gets two seconds.
            for _ in 0..<200 {
                _ = creation.withLockIfAvailable { _ in cleanUpAndExit(after: sig, removing: files) }
                usleep(10_000)
            }
            cleanUpAndExit(after: sig, removing: files)
        }
        // The first of two signals: temporary files being written go; the command finishes its
        // handshakes in flight and reports what was done.
        creation.withLock { _ in
            for file in files { unlink(file) }
            for file in files { rmdir(file) }
        }
        StandardError.write("\ntlsfit: interrupted; finishing the handshakes in flight (Ctrl-C again to quit now)\n")
    }

    /// Removes `files` (folders with their contents), says why tlsfit stops, and exits.
    private func cleanUpAndExit(after sig: Int32, removing files: Set<String>) -> Never {
        for path in files { try? FileManager.default.removeItem(atPath: path) }
        let atOnce = state.withLock { $0.exitOnFirstSignal }
        StandardError.write(
            sig == SIGTERM
                ? "\ntlsfit: terminated, exiting\n" : "\ntlsfit: interrupted\(atOnce ? "" : " again"), exiting\n")
        // _exit, not exit: atexit handlers (OpenSSL's cleanup among them) must not run while
        // other threads are still inside OpenSSL; that crashed the process.
        fflush(nil)
        _exit(sig == SIGTERM ? 143 : 130)
    }

    /// Runs `body`, which creates (or renames) temporary files, so that an interruption's cleanup
    /// happens entirely before it or entirely after it.
    public func creatingTemporaryFiles<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try creation.withLock { _ throws(E) -> T in try body() }
    }

    public func registerTemporaryFile(_ path: String) { state.withLock { _ = $0.temporaryFiles.insert(path) } }
    public func unregisterTemporaryFile(_ path: String) { state.withLock { _ = $0.temporaryFiles.remove(path) } }
}
