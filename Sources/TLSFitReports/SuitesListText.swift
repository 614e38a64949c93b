import TLSFitCore

/// `tlsfit suites list` and `tlsfit suites hosts`: their JSON documents and text.
extension SuitesText {
    /// The suites a Windows release supports, default ones first in priority order.
    public static func listJSON(_ info: WindowsReleaseInfo) -> ListWindowsJSON {
        ListWindowsJSON(
            schemaVersion: JSONOutput.schemaVersion, release: info.release.rawValue,
            suites: info.supported.map(WindowsEntryJSON.init))
    }

    public static func list(_ info: WindowsReleaseInfo, layout: TextLayout) -> String {
        var rows = [["priority", "windows name", "code", "openssl", "default"]]
        rows += info.supported.map { e in
            [
                e.defaultPriority.map(String.init) ?? "-", e.windowsName, e.suite.codeString, e.suite.openssl ?? "-",
                e.enabledByDefault ? "yes" : "no",
            ]
        }
        return table(rows, indent: "", layout: layout)
    }

    /// Every suite of the catalog.
    public static func listJSON(_ suites: [CipherSuite]) -> ListJSON {
        ListJSON(schemaVersion: JSONOutput.schemaVersion, suites: suites.map(SuiteJSON.init))
    }

    public static func list(_ suites: [CipherSuite], layout: TextLayout) -> String {
        var rows = [["code", "iana", "openssl", "protocols", "flags"]]
        rows += suites.map { [$0.codeString, $0.iana, $0.openssl ?? "-", protocolRange($0), flagWords($0)] }
        return table(rows, indent: "", layout: layout)
    }

    /// The update hosts, then the allow-list of host patterns.
    public static func hosts(_ entries: [UpdateHostEntry], patterns: [String], layout: TextLayout) -> String {
        text(entries, layout: layout)
            + layout.wrap(
                "Allow-list (the seed article, and windows-update-security.md for the delivery hosts; ports 80 and 443): \(patterns.joined(separator: ", "))",
                first: "", indent: "  ")
    }
}
