import FoundationEssentials
import TLSFitCore
import TLSFitHandshake

extension ScanPlan {
    /// The hosts from arguments, `--hosts` and `--windows-update`, with `--resolve` and `--connect` applied;
    /// `--timeout`, `--concurrency`, `--per-host` and `--ca-file` checked first.
    public static func targets(
        hosts: [String], hostsFile: String?, windowsUpdate: Bool, resolve: [String], connect: String?,
        options: ScanOptions, perHost: Int?
    ) throws(InputError) -> [ScanTarget] {
        guard options.timeout > 0, options.timeout <= 600 else {
            throw InputError(source: "--timeout", message: "must be more than 0 and at most 600 seconds")
        }
        guard (1...1024).contains(options.concurrency) else {
            throw InputError(source: "--concurrency", message: "must be from 1 to 1024")
        }
        guard (1...64).contains(perHost ?? 1) else {
            throw InputError(source: "--per-host", message: "must be from 1 to 64")
        }
        var list = try HostArguments.parse(hosts)
        if let hostsFile {
            // Read with the same size limit as every input file.
            let file = try ConfigInputLoader.readFile(hostsFile)
            list += try HostList.parse(String(decoding: file.bytes, as: UTF8.self), source: hostsFile)
        }
        let targets = try ScanTarget.list(
            hosts: list, windowsUpdate: windowsUpdate, resolve: resolve, connect: connect,
            connectAppliesToAll: false)
        guard !targets.isEmpty else {
            throw InputError(
                source: "scan", message: "no host to scan: give HOST[:PORT], --hosts FILE or --windows-update")
        }
        if let caFile = options.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw InputError(source: caFile, message: "cannot read the file")
            }
            do {
                try TLSClient.validate(HandshakeRequest(host: "localhost", caFile: caFile))
            } catch {
                throw InputError(source: caFile, message: "no PEM certificate could be loaded")
            }
        }
        return targets
    }
}
