import ArgumentParser

struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "probe", abstract: "Perform one TLS handshake and report what happened.")
    func run() async throws {}
}
