import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitEngines
import TLSFitHandshake
import TLSFitReports
import TLSFitSystem

/// `tlsfit serve`: a local OpenSSL server that behaves like a saved or built-in server profile.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a local TLS server that behaves like a server profile (for lab tests of Windows clients).",
        usage: "tlsfit serve --profile <profile> [--port <port>] [--cert-out <folder>]\n  [<options>]",
        discussion: """
            Accepts the protocols and suites of the profile in its order, with a certificate of its key \
            type issued by a private CA made on the fly. Write the CA with --cert-out and import it on \
            the lab machine (Trusted Root Certification Authorities), point the host name at this \
            machine (hosts file) and run Windows Update or Invoke-WebRequest. Stops on Ctrl-C.

            Example: tlsfit serve --profile windows-update --port 8443 --cert-out ./lab
            """
    )

    @Option(
        name: .long,
        help:
            "A built-in profile name (slscr, fe2cr, fe3cr, fe3, fe2-sls, sws, windows-update-tls13; windows-update = fe2-sls) or a ServerProfile JSON file (every host in it is served, chosen by SNI)."
    )
    var profile: String

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: Int = 8443

    @Option(name: .long, help: "IPv4 address to bind.")
    var bind: String = "127.0.0.1"

    @Option(name: .long, help: "Folder to write ca.pem (and the leaf certificates) into.")
    var certOut: String?

    @Option(
        name: .customLong("max-connections"), help: "Connections served at once; more are closed at once and logged.")
    var maxConnections: Int = 64

    @Option(
        name: .customLong("handshake-timeout"),
        help: "Seconds a client has from connecting to the end of its handshake.")
    var handshakeTimeout: Double = 10

    @Option(
        name: .customLong("first-byte-timeout"),
        help:
            "Seconds a client has from connecting to its first byte. When every connection is taken, the oldest one whose ClientHello is not whole yet is closed for a newcomer."
    )
    var firstByteTimeout: Double = 2

    func run() async throws {
        guard (0...65535).contains(port) else { throw DiagnoseCommand.fail("--port: give a number from 0 to 65535") }
        guard (1...4096).contains(maxConnections) else {
            throw DiagnoseCommand.fail("--max-connections: give a number from 1 to 4096")
        }
        guard handshakeTimeout > 0, handshakeTimeout <= 600 else {
            throw DiagnoseCommand.fail("--handshake-timeout: must be more than 0 and at most 600 seconds")
        }
        guard firstByteTimeout > 0, firstByteTimeout <= 600 else {
            throw DiagnoseCommand.fail("--first-byte-timeout: must be more than 0 and at most 600 seconds")
        }
        let plan: LabServerPlan
        do { plan = try LabServerPlan.load(profile) } catch {
            let known = BuiltInServerProfile.all.map(\.name).joined(separator: ", ")
            throw DiagnoseCommand.fail("\(error.description) (built-in profiles: \(known))")
        }
        // Every host is served, or none: refuse to start rather than serve a part of the profile.
        do { try plan.validate(source: profile) } catch { throw DiagnoseCommand.fail(error.description) }
        let lab: LabServerPlan.Lab
        do { lab = try plan.lab(bind: bind) } catch {
            throw DiagnoseCommand.fail("cannot make the lab certificates: \(error)")
        }
        if let certOut {
            do { try lab.writeCertificates(to: certOut) } catch {
                throw DiagnoseCommand.fail(
                    "--cert-out: cannot write into \(certOut): \(SystemErrorText.describe(error))")
            }
        }
        let layout = TerminalWidth.standardOutputIsTerminal ? TerminalOptions.widthLayout() : nil
        let logger = ServeLog { line in layout.map { $0.wrap(line, first: "", indent: "    ") } ?? line + "\n" }
        let server: LocalTLSServer
        do {
            server = try LocalTLSServer(
                hosts: lab.hosts, bindAddress: bind, port: port,
                limits: ServerLimits(
                    maxConnections: maxConnections, handshakeTimeout: handshakeTimeout,
                    firstByteTimeout: firstByteTimeout),
                log: { event in
                    logger.log(
                        ServeLogText.line(event, maxConnections: maxConnections, guesses: logger.guesses),
                        refusal: ServeLogText.refusalKey(event.result))
                })
        } catch {
            throw DiagnoseCommand.fail(error.description)
        }
        announce(plan, port: server.port, logger: logger)
        logger.say("Press Ctrl-C to stop.")
        await SignalWait.waitForSignal()
        server.stop()
        logger.flushRepeats()
        logger.say("tlsfit serve: stopped after \(server.handshakes) handshake(s).")
    }

    /// What is served where, with which limits (and where the CA certificate is).
    func announce(_ plan: LabServerPlan, port: Int, logger: ServeLog) {
        for (index, (entry, names, refusal)) in plan.entries.map({ ($0.profile, $0.names, $0.refusal) }).enumerated() {
            let versions = entry.acceptedVersions.map(\.rawValue).joined(separator: ", ")
            let sni = index == 0 ? (plan.entries.count > 1 ? " (also without SNI or with an unknown name)" : "") : ""
            logger.say(
                "tlsfit serve: \(names.joined(separator: ", ")) (\(entry.source) profile) on \(bind):\(port)\(sni): \(versions), \(entry.certificateKeyType ?? "RSA") certificate, refuses by \(refusal == "reset" ? "TCP reset" : "alert")"
            )
        }
        logger.say(
            "Limits: \(maxConnections) connection(s) at once, \(Self.seconds(firstByteTimeout)) to the first byte, \(Self.seconds(handshakeTimeout)) per handshake."
        )
        logger.startSummaries()
        if let certOut {
            logger.say("CA certificate: \(URL(fileURLWithPath: certOut).appendingPathComponent("ca.pem").path)")
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
