import ArgumentParser
import Foundation
import TLSFitCore
import TLSFitHandshake

#if canImport(Glibc)
    import Glibc
#endif

/// `tlsfit serve`: a local OpenSSL server that behaves like a saved or built-in server profile.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a local TLS server that behaves like a server profile (for lab tests of Windows clients).",
        discussion: """
            Accepts the protocols and suites of the profile in its order, with a certificate of its key \
            type issued by a private CA made on the fly. Write the CA with --cert-out and import it on \
            the lab machine (Trusted Root Certification Authorities), point the host name at this \
            machine (hosts file) and run Windows Update or Invoke-WebRequest. Stops on Ctrl-C.

            Example: tlsfit serve --profile windows-update --port 8443 --cert-out ./lab
            """
    )

    @Option(name: .long, help: "A built-in profile name (slscr, fe2cr, fe3cr, fe3, fe2-sls, sws, windows-update-tls13; windows-update = fe2-sls) or a ServerProfile JSON file.")
    var profile: String

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: Int = 8443

    @Option(name: .long, help: "IPv4 address to bind.")
    var bind: String = "127.0.0.1"

    @Option(name: .long, help: "Folder to write ca.pem (and the leaf certificate) into.")
    var certOut: String?

    func run() async throws {
        guard (0...65535).contains(port) else { throw DiagnoseCommand.fail("--port: give a number from 0 to 65535") }
        let serverProfile: ServerProfile
        var names: [String] = []
        var refusal = "alert"
        if !FileManager.default.fileExists(atPath: profile), let b = BuiltInServerProfile.named(profile) {
            serverProfile = b.profile
            names = b.hosts
            refusal = b.refusal
        } else {
            do throws(InputError) {
                let file = try ConfigInputLoader.readFile(profile)
                guard let first = try ServerProfileStore.load(bytes: file.bytes, source: profile).first else {
                    throw InputError(source: profile, message: "the file holds no server profile")
                }
                serverProfile = first
            } catch {
                let known = BuiltInServerProfile.all.map(\.name).joined(separator: ", ")
                throw DiagnoseCommand.fail("\(error.description) (built-in profiles: \(known))")
            }
        }
        guard !serverProfile.acceptedVersions.isEmpty else { throw DiagnoseCommand.fail("\(profile): the profile accepts no protocol") }
        let (ca, leaf) = try ServerProfileServer.credentials(for: serverProfile, extraNames: names, bindAddress: bind)
        if let certOut {
            do {
                try FileManager.default.createDirectory(atPath: certOut, withIntermediateDirectories: true)
                let dir = URL(fileURLWithPath: certOut)
                try Data(ca.certificatePEM.utf8).write(to: dir.appendingPathComponent("ca.pem"), options: .atomic)
                try Data(leaf.certificatePEM.utf8).write(to: dir.appendingPathComponent("leaf.pem"), options: .atomic)
            } catch {
                throw DiagnoseCommand.fail("--cert-out: cannot write into \(certOut): \(error.localizedDescription)")
            }
        }
        let server: LocalTLSServer
        do {
            server = try LocalTLSServer(configuration: ServerProfileServer.configuration(serverProfile, credentials: [leaf], refusal: refusal),
                                        bindAddress: bind, port: port)
        } catch {
            throw DiagnoseCommand.fail(error.description)
        }
        let versions = serverProfile.acceptedVersions.map(\.rawValue).joined(separator: ", ")
        say("tlsfit serve: \(serverProfile.host) (\(serverProfile.source) profile) on \(bind):\(server.port): \(versions), \(serverProfile.certificateKeyType ?? "RSA") certificate")
        if let certOut { say("CA certificate: \(URL(fileURLWithPath: certOut).appendingPathComponent("ca.pem").path)") }
        say("Press Ctrl-C to stop.")
        await Self.waitForSignal()
        server.stop()
        say("tlsfit serve: stopped after \(server.handshakes) handshake(s).")
    }

    /// Unbuffered, so a supervising process sees the port at once.
    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// Suspends until SIGINT or SIGTERM.
    static func waitForSignal() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "tlsfit.serve.signals")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            for sig in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler { once.resume() }
                source.resume()
                once.keep(source)
            }
        }
    }

    /// Resumes a continuation once, and keeps the signal sources alive until then.
    final class ResumeOnce: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        private var sources: [any DispatchSourceSignal] = []
        init(_ c: CheckedContinuation<Void, Never>) { continuation = c }
        func keep(_ s: any DispatchSourceSignal) { lock.withLock { sources.append(s) } }
        func resume() {
            let c = lock.withLock { () -> CheckedContinuation<Void, Never>? in
                defer { continuation = nil; sources.forEach { $0.cancel() } }
                return continuation
            }
            c?.resume()
        }
    }
}
