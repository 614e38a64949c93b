import TLSFitCore

extension ProbePlan.Offer {
    /// What is wrong with the offer as typed: flags that cannot go with the Windows client's own hello
    /// (`windows`), or that exclude each other; nil when nothing is.
    public func conflict(windows: Bool, http: Bool) -> String? {
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
