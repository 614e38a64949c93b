import TLSFitCore

/// `tlsfit suites show`: every fact about one suite and which Windows releases support it.
extension SuitesText {
    /// The JSON document, one entry per Windows release.
    public static func showJSON(_ suite: CipherSuite, catalog: Catalog = .shared) -> ShowJSON {
        let windows = catalog.windowsSupport(for: suite)
        return ShowJSON(
            schemaVersion: JSONOutput.schemaVersion, suite: SuiteJSON(suite),
            windows: WindowsRelease.allCases.map { release in
                let entries = windows.first(where: { $0.release == release })?.entries ?? []
                return ShowJSON.Release(
                    release: release.rawValue, displayName: release.displayName, supported: !entries.isEmpty,
                    enabledByDefault: entries.contains(where: \.enabledByDefault),
                    entries: entries.map(WindowsEntryJSON.init))
            })
    }

    /// The text: the suite's names and algorithms, then a table of the Windows releases.
    public static func show(_ suite: CipherSuite, catalog: Catalog = .shared, layout: TextLayout) -> String {
        let windows = catalog.windowsSupport(for: suite)
        var text = "\(suite.iana) (\(suite.codeString))\n"
        text +=
            table(
                [
                    ["OpenSSL:", suite.openssl ?? "- (OpenSSL has no name for it)"],
                    [
                        "Windows:",
                        suite.windowsNames.isEmpty
                            ? "- (Windows never supported it)" : suite.windowsNames.joined(separator: ", "),
                    ],
                    ["Key exchange:", suite.keyExchange],
                    ["Authentication:", suite.authentication],
                    ["Encryption:", suite.encryption],
                    ["MAC:", suite.mac],
                    ["Protocols:", protocolRange(suite)],
                    ["Flags:", flagWords(suite)],
                ], layout: layout) + "\n"
        text += "\nWindows:\n"
        var rows = [["release", "supported", "default", "priority", "name"]]
        for release in WindowsRelease.allCases {
            let entries = windows.first(where: { $0.release == release })?.entries ?? []
            if entries.isEmpty {
                rows.append([release.rawValue, "no", "-", "-", "-"])
            }
            for entry in entries {
                let state =
                    entry.enabledByDefault
                    ? (entry.onlyWhenRequested ? "on request" : "yes") : (entry.pskOnly ? "psk only" : "no")
                rows.append([
                    release.rawValue, "yes", state, entry.defaultPriority.map(String.init) ?? "-", entry.windowsName,
                ])
            }
        }
        return text + table(rows, layout: layout) + "\n"
    }
}
