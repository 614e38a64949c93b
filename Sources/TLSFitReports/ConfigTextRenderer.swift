import TLSFitCore

/// The `--format text` rendering.
public enum ConfigTextRenderer {
    /// The text for a reader at `layout.width` columns: prose wraps, registry keys, paths, suite
    /// names and commands are kept whole, and the hosts table becomes one block per host when it does not fit.
    public static func render(
        _ c: WindowsTLSConfig, documents: [WindowsConfigDocument],
        proxies: MachineProxyConfiguration = MachineProxyConfiguration(),
        bundles: [CollectedBundle] = [], layout: TextLayout = TextLayout()
    ) -> String {
        var out = ""
        out += header(c, documents: documents, bundles: bundles, layout: layout)
        out += protocols(c, proxies: proxies, layout: layout)
        out += suites(c, layout: layout)
        out += updateHosts(c, layout: layout)
        out += "\nWarnings (\(c.warnings.count)):\n"
        if c.warnings.isEmpty { out += "  none\n" }
        for w in c.warnings {
            // The file (and line) is copied whole; " record N" may go to the next line.
            var location = w.file.map { [$0] } ?? []
            if let line = w.line, !location.isEmpty {
                location[0] += ":\(line)"
            } else if let record = w.record {
                location += ["record", "\(record)"]
            }
            if !location.isEmpty { location[location.count - 1] += ":" }
            out += layout.wrap(
                atoms: ["[\(w.code.rawValue)]"] + location + TextLayout.atoms(w.message), first: "  ", indent: "    ")
        }
        return out
    }

    /// A "label: value" line: wraps with an indent of two, keeping bracketed registry keys whole.
    private static func line(_ text: String, layout: TextLayout, first: String = "", indent: String = "  ") -> String {
        layout.wrapKeepingKeys(text, first: first, indent: indent)
    }

    /// The release, where the export says so, and the inputs read.
    private static func header(
        _ c: WindowsTLSConfig, documents: [WindowsConfigDocument], bundles: [CollectedBundle], layout: TextLayout
    ) -> String {
        func line(_ text: String, first: String = "", indent: String = "  ") -> String {
            Self.line(text, layout: layout, first: first, indent: indent)
        }
        var out = ""
        out += line(
            "Windows release: \(c.release.displayName) (\(c.release.rawValue))"
                + (c.releaseAssumed ? " - assumed; pass --windows to choose" : ""))
        if let d = c.detectedRelease {
            out += line("the export says: \(d.summary) at \(d.evidence.location)", first: "  ", indent: "    ")
        }
        var inputs = ["Inputs:"]
        for (i, d) in documents.enumerated() {
            inputs += [
                d.source, "(\(d.format.rawValue),", "\(d.settingCount)",
                "settings)" + (i == documents.count - 1 ? "" : ","),
            ]
        }
        out += layout.wrap(atoms: inputs, first: "", indent: "  ")
        for b in bundles { out += line(String(bundleLine(b).dropLast())) }
        out += "\n"
        return out
    }

    /// Schannel's protocols, WinHTTP's and .NET's, and the proxies.
    private static func protocols(_ c: WindowsTLSConfig, proxies: MachineProxyConfiguration, layout: TextLayout)
        -> String
    {
        func line(_ text: String, first: String = "", indent: String = "  ") -> String {
            Self.line(text, layout: layout, first: first, indent: indent)
        }
        let defaultText = "default"
        var out = ""

        out += "Schannel client protocols:\n"
        for v in TLSVersion.allCases {
            guard let p = c.protocols[v], p.supported || p.clientEnabledSource != nil else { continue }
            let state =
                !p.supported
                ? "not supported" : p.clientOffered ? "on" : (p.clientEnabled ? "off by default" : "disabled")
            let source = p.clientSource?.description ?? defaultText
            let row = "  \(v.rawValue.padded(to: 8)) \(state.padded(to: 15)) \(source)"
            out +=
                row.count <= layout.width
                ? row + "\n"
                : "  \(v.rawValue.padded(to: 8)) \(state)\n" + line(source, first: "    ", indent: "      ")
        }
        if let w = c.winHTTPDefaultSecureProtocols {
            out += line(
                "WinHTTP DefaultSecureProtocols: 0x\(String(w.value, radix: 16)) (\(w.protocols.map(\.rawValue).joined(separator: ", "))) from \(w.source)"
            )
        } else {
            out += line("WinHTTP DefaultSecureProtocols: not set (WinHTTP defaults)")
        }
        if let w = c.winHTTPDefaultSecureProtocolsWow64 {
            out += line(
                "WinHTTP DefaultSecureProtocols (Wow6432Node): 0x\(String(w.value, radix: 16)) from \(w.source)")
        }
        if let p = proxies.winHTTP {
            out += line(
                "WinHTTP proxy (the update agent's path): \(p.path)\(p.settings.bypassList.isEmpty ? "" : ", bypass \(p.settings.bypassList)") from \(p.source)"
            )
        } else {
            out += line("WinHTTP proxy (the update agent's path): not set in the inputs (direct)")
        }
        if let p = proxies.user {
            out += line("User proxy (Internet Options; not used by the update agent): \(p.path) from \(p.source)")
        }
        let offered = c.offeredProtocols()
        out += line(
            "WinHTTP (Windows Update) offers: \(offered.isEmpty ? "nothing" : offered.map(\.rawValue).joined(separator: ", "))"
        )
        let dotNet = DotNetFrameworkTLS(registry: c.registry)
        out +=
            line(
                ".NET Framework (WSUS sync) offers: \(dotNet.offeredProtocols(c).map(\.rawValue).joined(separator: ", ").nonEmpty ?? "nothing") - \(dotNet.explanation(c))"
            ) + "\n"
        return out
    }

    /// The suites in order (with their source), the ones SCHANNEL switches remove, and the curves.
    private static func suites(_ c: WindowsTLSConfig, layout: TextLayout) -> String {
        func line(_ text: String, first: String = "", indent: String = "  ") -> String {
            Self.line(text, layout: layout, first: first, indent: indent)
        }
        var out = ""

        switch c.suiteOrderSource {
        case .policy(let p): out += line("Cipher suites (policy order from \(p.location)):")
        case .local(let p): out += line("Cipher suites (local order from \(p.location)):")
        case .releaseDefault: out += line("Cipher suites (\(c.release.displayName) default order):")
        }
        for (i, s) in c.cipherSuites.enumerated() {
            let curves = s.pinnedCurves.isEmpty ? "" : " [\(s.pinnedCurves.joined(separator: ", "))]"
            let line = s.line.map { " line \($0)" } ?? ""
            // The number, the code and the name stay on the first line; curves and the line number follow.
            out += layout.wrap(
                atoms: ["\(String(i + 1).leftPad(3)).", s.suite.codeString, s.windowsName]
                    + TextLayout.atoms(curves + line),
                first: "  ", indent: "         ")
        }
        if c.cipherSuites.isEmpty { out += "  (none)\n" }
        if !c.removedSuites.isEmpty {
            out += "Removed by SCHANNEL switches:\n"
            for r in c.removedSuites {
                out += line(
                    "\(r.suite.codeString) \(r.windowsName): \(r.reason) (\(r.evidence.location))", first: "  ",
                    indent: "    ")
            }
        }
        out += "\n" + line("Curves: \(c.curves.joined(separator: ", ")) (\(c.curvesSource?.description ?? "default"))")
        return out
    }
}

extension ConfigTextRenderer {
    /// What a `tlsfit collect` bundle held besides its configuration files.
    public static func bundleLine(_ b: CollectedBundle) -> String {
        var facts: [String] = []
        if let m = b.manifest {
            facts.append(
                "collected on \(m.machine ?? "?")\(m.build.map { " (build \($0))" } ?? "") at \(m.collectedAt ?? "?") by tlsfit collect \(m.tlsfitVersion ?? "?")"
            )
        } else {
            facts.append("no manifest")
        }
        facts.append(b.updateLog.map { "WindowsUpdate.log \($0.name)" } ?? "no WindowsUpdate.log")
        facts.append(
            b.probe.map { "WinHTTP probe of \($0.results.count) hosts (diagnose shows it)" } ?? "no -Probe result")
        facts.append(b.capture.map { "capture \($0.name) (hello --pcap \(b.source))" } ?? "no capture")
        return "Bundle \(b.source): " + facts.joined(separator: "; ") + "\n"
    }

    /// The update hosts of the release's agent (and WSUS sync), simulated against tlsfit's built-in
    /// knowledge, with the confidence of the facts used (`tlsfit suites hosts` lists their sources).
    public static func updateHosts(_ c: WindowsTLSConfig, layout: TextLayout = TextLayout()) -> String {
        var rows: [[String]] = [["host", "role", "certificate", "suites known", "predicted"]]
        for role in UpdateRole.allCases {
            var config = c
            config.stack = role.stack
            let client = ClientProfile(config: config)
            for h in role.hosts(release: c.release) {
                guard let p = BuiltInServerProfile.forHost(h.host) else {
                    rows.append([
                        h.host, role.rawValue, h.isPlainHTTP ? "plain HTTP (port \(h.port))" : "-", "-",
                        h.isPlainHTTP ? "no TLS: port 80 must be open" : "not known: scan it",
                    ])
                    continue
                }
                let sim = NegotiationSimulator.simulate(client: client, server: p.profile)
                let key = p.profile.certificateKeyType == "EC" ? "ECDSA" : (p.profile.certificateKeyType ?? "?")
                let suites = p.fact("suites").map { "\($0.confidence.rawValue) \($0.date)" } ?? "?"
                let predicted =
                    sim.succeeded
                    ? "ok \(sim.version?.rawValue ?? "") \(sim.suite?.iana ?? "")"
                    : "FAILS \(sim.failure?.rawValue ?? "")"
                rows.append([h.host, role.rawValue, "\(key), \(p.expectedRoot ?? "?")", suites, predicted])
            }
        }
        var out =
            "\n"
            + layout.wrap(
                "Windows Update hosts for \(c.release.displayName) (built-in knowledge, simulated; sources: tlsfit suites hosts):",
                first: "", indent: "  ")
        guard let width = rows.map(\.count).max() else { return out }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        // Too wide for the terminal: one block per host, a line per column.
        if 2 + widths.dropLast().reduce(0, { $0 + $1 + 2 }) + (widths.last ?? 0) > layout.width {
            let header = rows[0]
            for row in rows.dropFirst() {
                out += layout.wrap(atoms: [row[0], "(\(row[1]))"], first: "  ", indent: "    ")
                for (i, cell) in row.enumerated().dropFirst(2) {
                    out += layout.wrap(header[i] + ": " + cell, first: "    ", indent: "      ")
                }
            }
            return out
        }
        for row in rows {
            var line = "  "
            for (i, cell) in row.enumerated() { line += i == row.count - 1 ? cell : cell.padded(to: widths[i] + 2) }
            out += line + "\n"
        }
        return out
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
