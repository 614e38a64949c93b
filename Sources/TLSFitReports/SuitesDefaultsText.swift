import TLSFitCore

/// `tlsfit suites defaults`: a Windows release's defaults as JSON and as text.
extension SuitesText {
    /// The JSON document; `all` adds the suites supported but not enabled by default.
    public static func defaultsJSON(_ info: WindowsReleaseInfo, all: Bool) -> DefaultsJSON {
        let others = info.supported.filter { !$0.enabledByDefault }
        return DefaultsJSON(
            schemaVersion: JSONOutput.schemaVersion, release: info.release.rawValue, displayName: info.displayName,
            defaultClientProtocols: info.defaultClientProtocols.map(\.rawValue),
            supportedProtocols: info.supportedProtocols.map(\.rawValue), defaultCurves: info.defaultCurves,
            usesCurveSuffixes: info.usesCurveSuffixes, defaultOrder: info.defaultOrder.map(WindowsEntryJSON.init),
            supportedNotDefault: all ? others.map(WindowsEntryJSON.init) : nil,
            build: info.build, edition: info.isServer ? "server" : "client", note: info.note,
            documentedOrder: info.documentedOrder?.map(WindowsEntryJSON.init),
            winHTTPDefaultProtocols: info.hello.winHTTPProtocols.value.map(\.rawValue),
            winHTTPDefaultProtocolsConfidence: info.hello.winHTTPProtocols.confidence.rawValue)
    }

    /// The text: the release's protocols, curves and build, then its default suites in priority order.
    public static func defaults(_ info: WindowsReleaseInfo, all: Bool, layout: TextLayout) -> String {
        let winHTTP = info.hello.winHTTPProtocols
        var text = "\(info.displayName) (\(info.release.rawValue))\n"
        text +=
            table(
                [
                    [
                        "Client protocols on by default:",
                        info.defaultClientProtocols.map(\.rawValue).joined(separator: ", "),
                    ],
                    ["Supported protocols:", info.supportedProtocols.map(\.rawValue).joined(separator: ", ")],
                    ["Default curves:", info.defaultCurves.joined(separator: ", ")],
                    ["Curve-suffixed suite names:", info.usesCurveSuffixes ? "yes (before Windows 10)" : "no"],
                    ["Build (CurrentBuild):", "\(info.build) (\(info.isServer ? "server" : "client"))"],
                    [
                        "WinHTTP default protocols:",
                        winHTTP.value.map(\.rawValue).joined(separator: ", ")
                            + (winHTTP.confidence == .assumed
                                ? " (assumed: Microsoft does not name this release)" : ""),
                    ],
                ], layout: layout) + "\n"
        if let note = info.note { text += layout.wrap("Note: \(note)", first: "", indent: "  ") }
        if let documented = info.documentedOrder {
            let shown = Set(info.defaultOrder.map { $0.windowsName.uppercased() })
            let extra = documented.filter { !shown.contains($0.windowsName.uppercased()) }
            let listed = extra.map { "\($0.windowsName) (\($0.defaultPriority.map(String.init) ?? "-"))" }
            text += layout.wrap(
                "Sources: this list follows real captures; Microsoft's page is kept as a second source"
                    + (extra.isEmpty ? "." : " and also lists: " + listed.joined(separator: ", ")),
                first: "", indent: "  ")
        }
        text += "\nDefault cipher suites, in priority order:\n"
        text += table(info.defaultOrder.map(defaultsRow), layout: layout) + "\n"
        if all {
            let others = info.supported.filter { !$0.enabledByDefault }
            text += "\nSupported, not enabled by default:\n"
            text += table(others.map(defaultsRow), layout: layout) + "\n"
        }
        return text
    }

    static func defaultsRow(_ e: WindowsSuiteSupport) -> [String] {
        var notes: [String] = []
        if e.onlyWhenRequested { notes.append("only when an application asks") }
        if e.pskOnly { notes.append("PSK only") }
        if !e.allowedWithStrongCrypto { notes.append("not with SCH_USE_STRONG_CRYPTO") }
        return [
            e.defaultPriority.map { "\($0)." } ?? "-", e.windowsName, e.suite.codeString, e.suite.openssl ?? "-",
            e.protocols.sorted(by: >).map(\.rawValue).joined(separator: ","), notes.joined(separator: "; "),
        ]
    }
}
