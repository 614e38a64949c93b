import ArgumentParser
import FoundationEssentials
import TLSFitCore
import TLSFitSystem

/// `tlsfit collect`: the read-only PowerShell script that gathers, on the failing Windows machine,
/// everything the other commands read (CipherSuites/collect.tsv), into one folder and zip.
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract:
            "Print the read-only PowerShell script that gathers a Windows machine's TLS and Windows Update configuration.",
        discussion: """
            Run the script elevated on the failing machine (PowerShell 2.0 on Windows 7 SP1 and Server 2008 R2 \
            up to 5.1 and 7): it exports the SCHANNEL, cipher-order (policy and local), WinHTTP, proxy, .NET, \
            CurrentVersion and AuthRoot keys with reg export, runs netsh winhttp show proxy, gpresult /scope \
            computer /x, Get-TlsCipherSuite and Get-TlsEccCurve where they exist, takes the WindowsUpdate.log, and \
            writes manifest.json (what was collected, what was not and why). It changes nothing on the machine. \
            -Probe adds one request per update host through the machine's own WinHTTP; -Capture a packet capture \
            of one update scan (pktmon). The folder, or its zip, is one --config input for every command.

            Example:
              tlsfit collect --output tlsfit-collect.ps1
            then, on the Windows machine, elevated:
              powershell -ExecutionPolicy Bypass -File .\\tlsfit-collect.ps1 -Probe
            then, here:
              tlsfit diagnose --config tlsfit-SERVER01-20261207T041500Z.zip
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp("Write the script to this file (atomically) instead of standard output.", valueName: "file"),
        completion: .file(extensions: ["ps1"]))
    var output: String?

    func run() async throws {
        let bytes = CollectScript.bytes(version: TLSFit.configuration.version)
        guard let output else {
            StandardOutput.write(String(decoding: bytes, as: UTF8.self))
            return
        }
        try OutputPath.check(output, option: "--output")
        do {
            try AtomicFile.write(Data(bytes), to: output)
        } catch {
            throw CLIErrors.badInput("--output: cannot write \(output): \(error)")
        }
    }
}
