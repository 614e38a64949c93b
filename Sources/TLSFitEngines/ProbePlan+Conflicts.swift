import FoundationEssentials
import TLSFitCore

extension ProbePlan {
    /// What is wrong with the options as typed, in the order `probe` reports it: `--stack` without a Windows
    /// client, no HOST, flags that cannot go with the Windows client's own hello (`windows`) or that exclude
    /// each other, the timeout; nil when nothing is.
    public func problem(windows: Bool, stack: Bool, targetGiven: Bool, config: [String]) -> String? {
        if stack, !windows { return "--stack names a Windows client's stack: give --windows or --config too" }
        if !targetGiven {
            // --config takes every word up to the next option, so a host after it lands among the files.
            if let last = config.last, !FileManager.default.fileExists(atPath: last) {
                return
                    "no HOST given, and --config's last item '\(last)' is not a file: give the host before --config (tlsfit probe \(last) --config ...)"
            }
            return "Missing expected argument '<target>' (HOST[:PORT])"
        }
        if let problem = offer.conflict(windows: windows, http: http) { return problem }
        if !(timeout > 0 && timeout <= 600) { return "--timeout must be between 0 and 600 seconds" }
        return nil
    }
}

extension ProbePlan.Offer {
    /// Flags that cannot go with the Windows client's own hello (`windows`), or that exclude each other.
    func conflict(windows: Bool, http: Bool) -> String? {
        if windows {
            let clash = [
                ("--tls1.2", tls12), ("--tls1.3", tls13), ("--min-tls", minTLS != nil), ("--max-tls", maxTLS != nil),
                ("--ciphers", ciphers != nil), ("--ciphersuites", ciphersuites != nil), ("--groups", groups != nil),
                ("--sigalgs", sigalgs != nil), ("--sni", sni != nil), ("--no-sni", noSNI), ("--http", http),
            ].filter(\.1).map(\.0)
            if !clash.isEmpty {
                return
                    "--windows/--config send the Windows client's own hello: \(clash.joined(separator: ", ")) cannot be combined with them"
            }
        }
        if tls12 && tls13 { return "--tls1.2 and --tls1.3 exclude each other" }
        if (tls12 || tls13) && (minTLS != nil || maxTLS != nil) {
            return "--tls1.2/--tls1.3 and --min-tls/--max-tls exclude each other"
        }
        if sni != nil && noSNI { return "--sni and --no-sni exclude each other" }
        return nil
    }
}
