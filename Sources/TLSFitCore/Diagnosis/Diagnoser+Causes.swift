/// The configuration causes: protocols, suites, switches, release support, curves, the GPO limit.
extension Diagnoser {
    static func defaultEvidence(_ c: WindowsTLSConfig, key: String, value: String) -> Evidence {
        Evidence(file: nil, key: key, value: "\(value) (\(c.release.displayName) default; not set in the inputs)")
    }

    static func dword(_ key: String, _ name: String, _ value: UInt32) -> RegFileWriter.Change {
        RegFileWriter.Change(key: key, action: .setValue(name: name, data: .dword(value)))
    }

    // MARK: Protocols

    static func protocolCause(_ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile) -> Cause? {
        let info = Catalog.shared.release(c.release)
        let candidates = server.acceptedVersions.filter { info.supportedProtocols.contains($0) }
        let accepted = server.acceptedVersions.map(\.rawValue).joined(separator: ", ")
        guard let target = candidates.first(where: { $0 <= .tls12 }) ?? candidates.first else {
            return Cause(
                code: .protocolDisabled,
                summary: "the server accepts only \(accepted), which \(c.release.displayName) does not implement",
                explanation: "No registry setting can make \(c.release.displayName) speak \(accepted).",
                evidence: [Evidence(file: nil, key: "\(server.host):\(server.port)", value: "accepts \(accepted)")],
                fix: Fix(description: "Upgrade the client to a Windows release that implements \(accepted)."))
        }
        guard let p = c.protocols[target] else { return nil }
        let name = target.schannelKeyName
        // The Schannel side (Protocols\<name>\Client) and the WinHTTP side (DefaultSecureProtocols)
        // are kept apart: which of them leaves the protocol off decides the cause.
        var words: [String] = []
        let (schannelEvidence, schannelChanges) = schannelSide(c, p, target: target, words: &words)
        let (winHTTPEvidence, winHTTPChanges) = winHTTPSide(c, target: target, words: &words)
        let changes = schannelChanges + winHTTPChanges
        // Nothing to switch on: the protocol is on, but no suite can be used with it.
        guard !changes.isEmpty else { return suiteCause(c, client: client, server: server, version: target) }

        let serverOn = p.serverEnabled == true || p.serverDisabledByDefault == false
        let offered = client.protocols.isEmpty ? "nothing" : client.protocols.map(\.rawValue).joined(separator: ", ")
        // With no protocol left at all, Schannel cannot even create a client credential (event
        // 36871, internal error 10013): no ClientHello is sent.
        let consequence =
            client.protocols.isEmpty
            ? "With no protocol enabled Schannel cannot create a client credential (System log, Schannel event 36871) and no ClientHello is sent."
            : "The server aborts the handshake after the ClientHello."
        let clientExplicitlyOff = p.clientEnabledSource != nil && !p.clientEnabled
        let clientAbsent = p.clientEnabledSource == nil && p.clientDisabledByDefaultSource == nil

        // Protocols\<name>\Client\Enabled=0 is an explicit "off", whatever the Server key says.
        if !clientExplicitlyOff, clientAbsent, serverOn, !schannelChanges.isEmpty, let serverSource = p.serverSource {
            return Cause(
                code: .serverOnlySetting,
                summary:
                    "\(name) is enabled under Server, but Windows Update is a client and there is no Client key, so it stays off",
                explanation:
                    "\(serverSource.location) enables \(name) under Protocols\\\(name)\\Server. That key only affects connections this machine accepts. Windows Update connects out, so Schannel reads Protocols\\\(name)\\Client, which the inputs do not set, and \(c.release.displayName) leaves \(name) off for clients by default; the client offers \(offered) while \(server.host) requires \(accepted). "
                    + consequence,
                evidence: [Evidence(serverSource)] + schannelEvidence + winHTTPEvidence,
                fix: Fix(
                    description: "Enable \(name) for the client: " + words.joined(separator: "; ") + ".",
                    changes: changes))
        }
        if schannelChanges.isEmpty {
            return winHTTPProtocolsCause(
                c, p, target: target, client: client, server: server, accepted: accepted, offered: offered,
                consequence: consequence, words: words, changes: changes, winHTTPEvidence: winHTTPEvidence)
        }
        return Cause(
            code: .protocolDisabled,
            summary: "\(name) is not offered by this client, and \(server.host) accepts only \(accepted)",
            explanation:
                "WinHTTP, which Windows Update uses, offers \(offered) on this machine. \(server.host) accepts \(accepted), so there is no protocol in common. "
                + consequence,
            evidence: schannelEvidence + winHTTPEvidence,
            fix: Fix(description: "Offer \(name): " + words.joined(separator: "; ") + ".", changes: changes))
    }

    /// What Schannel's Protocols\<name>\Client key (set, or absent and defaulted) does to `target`, and the
    /// changes that turn it on.
    private static func schannelSide(
        _ c: WindowsTLSConfig, _ p: ProtocolSetting, target: TLSVersion, words: inout [String]
    )
        -> (evidence: [Evidence], changes: [RegFileWriter.Change])
    {
        let legacy = WindowsTLSConfig.isPreWindows10(c.release)
        let name = target.schannelKeyName
        let clientKey = RegistryPath.protocolKey(target, client: true)
        var schannelEvidence: [Evidence] = []
        var schannelChanges: [RegFileWriter.Change] = []
        if !p.clientEnabled {
            schannelEvidence.append(
                p.clientEnabledSource.map { Evidence($0) } ?? defaultEvidence(c, key: clientKey, value: "Enabled=0"))
            schannelChanges.append(dword(clientKey, "Enabled", 1))
            words.append("set Enabled=1 under Protocols\\\(name)\\Client")
        }
        let winHTTP = c.winHTTPDefaultSecureProtocols
        // DisabledByDefault=1 hides the protocol from WinHTTP unless WinHTTP names it (Windows 10+),
        // and always before Windows 10.
        if p.clientDisabledByDefault, legacy || winHTTP.map({ !$0.protocols.contains(target) }) ?? true {
            schannelEvidence.append(
                p.clientDisabledByDefaultSource.map { Evidence($0) }
                    ?? defaultEvidence(c, key: clientKey, value: "DisabledByDefault=1"))
            schannelChanges.append(dword(clientKey, "DisabledByDefault", 0))
            words.append(
                words.isEmpty
                    ? "set DisabledByDefault=0 under Protocols\\\(name)\\Client" : "set DisabledByDefault=0 there")
        }
        return (schannelEvidence, schannelChanges)
    }

    /// The protocol is on for Schannel clients, but WinHTTP's DefaultSecureProtocols leaves it out (or is absent).
    private static func winHTTPProtocolsCause(
        _ c: WindowsTLSConfig, _ p: ProtocolSetting, target: TLSVersion, client: ClientProfile, server: ServerProfile,
        accepted: String, offered: String, consequence: String, words: [String], changes: [RegFileWriter.Change],
        winHTTPEvidence: [Evidence]
    ) -> Cause {
        let name = target.schannelKeyName
        // Schannel's Client key has the protocol on; WinHTTP does not use it.
        let clientOn = [p.clientEnabledSource, p.clientDisabledByDefaultSource].compactMap { $0 }.map {
            Evidence($0)
        }
        let absent = c.winHTTPDefaultSecureProtocols == nil
        return Cause(
            code: .winHTTPDefaultProtocols,
            summary: absent
                ? "\(name) is on for Schannel clients, but WinHTTP's DefaultSecureProtocols is absent, so Windows Update still offers only \(offered)"
                : "\(name) is on for Schannel clients, but WinHTTP's DefaultSecureProtocols leaves it out",
            explanation:
                "Protocols\\\(name)\\Client has \(name) on\(clientOn.isEmpty ? "" : " (\(clientOn.map(\.location).joined(separator: ", ")))"), which is what `tlsfit config` shows for Schannel. Windows Update does not ask Schannel for its defaults: it uses WinHTTP, and on \(c.release.displayName) WinHTTP offers the protocols in DefaultSecureProtocols, \(absent ? "which is absent, so SSL 3.0 and TLS 1.0 only (update KB3140245 adds the value; the usual \"enable TLS 1.2\" scripts and the IIS Crypto templates set only the Schannel keys)" : "which does not name \(name)"). The client offers \(offered) while \(server.host) requires \(accepted). "
                + (client.protocols.isEmpty
                    ? consequence : "The server refuses that ClientHello (a protocol_version alert or a reset)."),
            evidence: winHTTPEvidence + clientOn,
            fix: Fix(
                description: "Let WinHTTP offer \(name): " + words.joined(separator: "; ") + ".", changes: changes))
    }

    /// What WinHTTP's DefaultSecureProtocols (set, or absent and defaulted) does to `target`, and the changes that add it.
    static func winHTTPSide(_ c: WindowsTLSConfig, target: TLSVersion, words: inout [String])
        -> (evidence: [Evidence], changes: [RegFileWriter.Change])
    {
        let winHTTP = c.winHTTPDefaultSecureProtocols
        let name = target.schannelKeyName
        var winHTTPEvidence: [Evidence] = []
        var winHTTPChanges: [RegFileWriter.Change] = []
        let bit = WinHTTPSetting.bit(for: target)
        if let w = winHTTP, !w.protocols.contains(target) {
            let named = w.protocols.map(\.rawValue).joined(separator: ", ")
            winHTTPEvidence.append(
                Evidence(
                    file: w.source.file, line: w.source.line, record: w.source.record, key: w.source.key,
                    value:
                        "\(w.source.value) (0x\(String(w.value, radix: 16, uppercase: true)): \(named.isEmpty ? "no protocol" : named), not \(name))"
                ))
            winHTTPChanges.append(dword(RegistryPath.winHTTP, "DefaultSecureProtocols", w.value | bit))
            words.append(
                "add \(name) to WinHTTP DefaultSecureProtocols (0x\(String(w.value | bit, radix: 16, uppercase: true)))"
            )
            if let w6 = c.winHTTPDefaultSecureProtocolsWow64, !w6.protocols.contains(target) {
                winHTTPChanges.append(dword(RegistryPath.winHTTPWow64, "DefaultSecureProtocols", w6.value | bit))
            }
        } else if winHTTP == nil, !WindowsTLSConfig.winHTTPNeedsDefaultSecureProtocols(c.release),
            !WindowsTLSConfig.winHTTPDefaultProtocols(c.release).contains(target)
        {
            // Windows 11's WinHTTP offers TLS 1.2 and 1.3 only unless DefaultSecureProtocols names more.
            let defaults = WindowsTLSConfig.winHTTPDefaultProtocols(c.release)
            let mask = defaults.reduce(bit) { $0 | WinHTTPSetting.bit(for: $1) }
            winHTTPEvidence.append(
                defaultEvidence(
                    c, key: RegistryPath.winHTTP + "\\DefaultSecureProtocols",
                    value: "absent: WinHTTP offers \(defaults.map(\.rawValue).joined(separator: ", ")) only"))
            winHTTPChanges.append(dword(RegistryPath.winHTTP, "DefaultSecureProtocols", mask))
            winHTTPChanges.append(dword(RegistryPath.winHTTPWow64, "DefaultSecureProtocols", mask))
            words.append(
                "set WinHTTP DefaultSecureProtocols=0x\(String(mask, radix: 16, uppercase: true)) (adds \(target.schannelKeyName) to WinHTTP's own \(defaults.map(\.rawValue).joined(separator: ", ")))"
            )
        } else if winHTTP == nil, WindowsTLSConfig.winHTTPNeedsDefaultSecureProtocols(c.release) {
            let mask = WinHTTPSetting.bit(for: .tls11) | bit
            winHTTPEvidence.append(
                defaultEvidence(
                    c, key: RegistryPath.winHTTP + "\\DefaultSecureProtocols",
                    value: "absent: WinHTTP offers SSL 3.0 and TLS 1.0 only"))
            winHTTPChanges.append(dword(RegistryPath.winHTTP, "DefaultSecureProtocols", mask))
            winHTTPChanges.append(dword(RegistryPath.winHTTPWow64, "DefaultSecureProtocols", mask))
            words.append(
                "set WinHTTP DefaultSecureProtocols=0x\(String(mask, radix: 16, uppercase: true)) (TLS 1.1 and 1.2; needs update KB3140245)"
            )
        }
        return (winHTTPEvidence, winHTTPChanges)
    }

    // MARK: Suites

    static func suiteCause(_ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile, version v: TLSVersion)
        -> Cause?
    {
        let catalog = Catalog.shared
        let info = catalog.release(c.release)
        let keyType = server.certificateKeyType
        let serverSuites = server.cipherSuites(for: v).compactMap { catalog.suite(named: $0) }
            .filter { NegotiationSimulator.suiteUsable($0, version: v, certificateKeyType: keyType) }
        guard !serverSuites.isEmpty else { return nil }
        let serverCodes = Set(serverSuites.map(\.code))
        let clientNames = client.suites.filter {
            NegotiationSimulator.suiteUsable($0.suite, version: v, certificateKeyType: nil)
        }.map(\.suite.iana)
        let serverNames = serverSuites.map(\.iana)
        let supportedHere = serverSuites.filter { s in info.support(for: s).contains { $0.protocols.contains(v) } }
        let nearest = Array(supportedHere.prefix(2))
        let orderEvidence = c.suiteOrderSource.provenance.map { [Evidence($0)] } ?? []

        if let cause = switchedOffCause(
            c, server: server, serverCodes: serverCodes, clientNames: clientNames, serverNames: serverNames,
            orderEvidence: orderEvidence)
            ?? truncatedCause(
                c, client: client, server: server, serverCodes: serverCodes, clientNames: clientNames,
                serverNames: serverNames)
            ?? unsupportedNameCause(
                c, client: client, server: server, serverCodes: serverCodes, clientNames: clientNames,
                serverNames: serverNames, nearest: nearest)
        {
            return cause
        }

        // A name Schannel does not know (a typo): Schannel skips it, so the suite meant is not offered.
        if let cause = unknownNameCause(
            c, client: client, server: server, version: v, clientNames: clientNames, serverNames: serverNames,
            serverCodes: serverCodes, supportedHere: supportedHere)
        {
            return cause
        }

        // Simply nothing in common.
        let certNote =
            keyType.map {
                " The server's certificate has an \($0) key, so only suites with \($0 == "EC" ? "ECDSA" : $0) authentication can work."
            } ?? ""
        let fixWords =
            nearest.isEmpty
            ? "No suite \(server.host) accepts exists on \(c.release.displayName)"
            : "Add \(catalog.gpoNames(nearest, release: c.release).joined(separator: ", ")) to the cipher suite order"
        return Cause(
            code: .noSharedCipher,
            summary: "no cipher suite in common with \(server.host) at \(v.rawValue)",
            explanation:
                "At \(v.rawValue) this client offers \(clientNames.isEmpty ? "no suite" : clientNames.joined(separator: ", ")); \(server.host) accepts \(serverNames.joined(separator: ", ")).\(certNote) With nothing in common the server aborts the handshake.",
            evidence: orderEvidence.isEmpty
                ? [
                    defaultEvidence(
                        c, key: RegistryPath.policySSL, value: "Functions not set: the release's default order")
                ] : orderEvidence,
            clientSuites: clientNames, serverSuites: serverNames, nearestSuites: nearest.map(\.iana),
            fix: nearest.isEmpty
                ? Fix(description: fixWords + ".")
                : orderFix(c, suites: c.cipherSuites.map(\.suite) + nearest, gpo: nil, words: fixWords))
    }

    /// A switch (cipher, hash or key exchange) removes the suites the server needs.
    static func switchedOffCause(
        _ c: WindowsTLSConfig, server: ServerProfile, serverCodes: Set<UInt16>, clientNames: [String],
        serverNames: [String], orderEvidence: [Evidence]
    ) -> Cause? {
        // A switch removes the suites the server needs. Every switch that does is evidence and is
        // turned back on by the fix (AES 128/128 and AES 256/256 both off: both are named).
        let blocking = c.removedSuites.filter { !$0.reason.hasPrefix("PSK") && serverCodes.contains($0.suite.code) }
        if let removed = blocking.first {
            let code: CauseCode =
                removed.reason.contains("\\Hashes\\")
                ? .hashDisabled
                : removed.reason.contains("\\KeyExchangeAlgorithms\\") ? .keyExchangeDisabled : .cipherDisabled
            var switches: [RemovedSuite] = []
            for r in blocking where !switches.contains(where: { $0.reason == r.reason }) { switches.append(r) }
            let names = switches.map { s -> (key: String, name: String) in
                let key = RegistryPath.normalize(s.evidence.key)
                return (key, key.split(separator: "\\").last.map(String.init) ?? key)
            }
            let removedNames = blocking.map(\.windowsName)
            let switchWords = names.map(\.name).joined(separator: " and ")
            return Cause(
                code: code,
                summary:
                    "\(switches.map(\.reason).joined(separator: "; ")) remove\(switches.count == 1 ? "s" : "") the suites \(server.host) needs",
                explanation:
                    "The suite order names \(removedNames.joined(separator: ", ")), which \(server.host) accepts, but \(switches.map { "\($0.evidence.location) switches off \(RegistryPath.normalize($0.evidence.key).split(separator: "\\").last.map(String.init) ?? "") (\($0.reason))" }.joined(separator: ", and ")), and Schannel drops every suite that uses \(switches.count == 1 ? "it" : "them"). What is left (\(clientNames.isEmpty ? "nothing" : clientNames.joined(separator: ", "))) is nothing the server accepts, so it aborts the handshake.",
                evidence: switches.map { Evidence($0.evidence) } + orderEvidence,
                clientSuites: clientNames, serverSuites: serverNames, nearestSuites: removedNames,
                fix: Fix(
                    description:
                        "Turn \(switchWords) back on: set Enabled=0xffffffff under \(names.map(\.key).joined(separator: " and ")) (or delete the value).",
                    changes: names.map { dword($0.key, "Enabled", 0xFFFF_FFFF) }))
        }
        return nil
    }

    /// The suites the server needs are named past the policy field's limit.
    static func truncatedCause(
        _ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile, serverCodes: Set<UInt16>,
        clientNames: [String], serverNames: [String]
    ) -> Cause? {
        let catalog = Catalog.shared
        // Named past the 1023-character policy limit.
        let lost = client.truncatedSuites.filter { serverCodes.contains($0.suite.code) }
        if !lost.isEmpty, let entry = c.registry.value(RegistryPath.policySSL, "Functions") {
            let needed = lost.map(\.suite)
            var kept = client.suites.map(\.suite).filter { s in !s.isInsecure && !needed.contains { $0.code == s.code }
            }
            var gpo = catalog.gpoString(kept + needed, release: c.release)
            while gpo.count > WindowsTLSConfig.gpoFieldLimit, !kept.isEmpty {
                kept.removeLast()
                gpo = catalog.gpoString(kept + needed, release: c.release)
            }
            let text: String = if case .string(let s) = entry.data { s } else { "" }
            let lostNames = lost.map(\.windowsName).joined(separator: ", ")
            let delivered =
                entry.format.isDeliveredPolicy
                ? " \(entry.provenance.location) is what Group Policy delivered, and it holds the whole \(text.count)-character string: Schannel received the suites past the limit, but whether it reads them is not documented."
                : ""
            return Cause(
                code: .policyTruncated,
                summary:
                    "\(lostNames) \(lost.count == 1 ? "is" : "are") named past character \(WindowsTLSConfig.gpoFieldLimit) of the SSL Cipher Suite Order policy: a risk, not a certainty",
                explanation:
                    "The policy string at \(entry.provenance.location) is \(text.count) characters long. The Group Policy editor's field keeps only \(WindowsTLSConfig.gpoFieldLimit) characters, so editing this GPO drops \(lostNames); what Schannel does with a longer registry value is not documented.\(delivered) tlsfit assumes the suites past the limit are lost; the only suites \(server.host) accepts are among them, so under that assumption the server aborts the handshake. Check what was delivered (gpresult /h, or the Registry.pol of the GPO) and keep the string short.",
                evidence: [
                    Evidence(
                        file: entry.provenance.file, line: entry.provenance.line, record: entry.provenance.record,
                        key: entry.provenance.key,
                        value:
                            "\(text.count) characters; the Group Policy editor's field keeps \(WindowsTLSConfig.gpoFieldLimit)"
                    )
                ]
                    + lost.map {
                        Evidence(
                            file: entry.provenance.file, line: $0.line ?? entry.provenance.line,
                            key: entry.provenance.key,
                            value: "\($0.windowsName) starts past character \(WindowsTLSConfig.gpoFieldLimit)")
                    },
                clientSuites: clientNames, serverSuites: serverNames, nearestSuites: needed.map(\.iana),
                fix: orderFix(
                    c, suites: kept + needed, gpo: gpo,
                    words:
                        "Shorten the SSL Cipher Suite Order string below \(WindowsTLSConfig.gpoFieldLimit) characters with \(needed.map(\.iana).joined(separator: ", ")) inside it"
                ))
        }
        return nil
    }

    /// The order names the suites the server needs, but this release does not have them under those names.
    static func unsupportedNameCause(
        _ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile, serverCodes: Set<UInt16>,
        clientNames: [String], serverNames: [String], nearest: [CipherSuite]
    ) -> Cause? {
        let catalog = Catalog.shared
        let info = catalog.release(c.release)
        // Named, but this release does not have them (or not under that spelling).
        if let entry = orderEntry(c), let names = entry.data.stringList {
            var unsupported: [(name: String, line: Int?, suffixed: [String])] = []
            for (i, name) in names.enumerated() {
                let s = catalog.suite(named: name) ?? catalog.suite(named: CipherSuite.stripCurveSuffix(name))
                guard let s, serverCodes.contains(s.code), !client.suites.contains(where: { $0.suite.code == s.code })
                else { continue }
                // Windows 7 / 8.1 know ECDHE suites only with a curve suffix: the release has the
                // suite, under another name.
                let variants =
                    info.usesCurveSuffixes && CipherSuite.curveSuffix(of: name) == nil
                    ? info.support(for: s).map(\.windowsName).filter { CipherSuite.curveSuffix(of: $0) != nil } : []
                unsupported.append((name, entry.itemLines?[safe: i] ?? entry.provenance.line, variants))
            }
            if !unsupported.isEmpty {
                let extra = nearest.filter { n in !client.suites.contains { $0.suite.code == n.code } }
                let suffixMissing = unsupported.filter { !$0.suffixed.isEmpty }
                let evidence = unsupported.map {
                    Evidence(
                        file: entry.provenance.file, line: $0.line, record: entry.provenance.record,
                        key: entry.provenance.key,
                        value: $0.suffixed.isEmpty
                            ? $0.name
                            : "\($0.name) (\(c.release.displayName) knows it as \($0.suffixed.joined(separator: ", ")))"
                    )
                }
                if !suffixMissing.isEmpty {
                    // The same names the proposed GPO string carries.
                    let toAdd = catalog.gpoNames(extra, release: c.release)
                    let fixWords =
                        "Write the names with their curve suffix, as \(c.release.displayName) knows them (\(toAdd.joined(separator: ", ")))"
                    return Cause(
                        code: .curveSuffixMissing,
                        summary:
                            "the list names \(suffixMissing.map(\.name).joined(separator: ", ")) without the _P256/_P384 suffix \(c.release.displayName) needs",
                        explanation:
                            "\(c.release.displayName) has the suites \(server.host) accepts, but only under curve-suffixed names (\(suffixMissing.flatMap(\.suffixed).prefix(4).joined(separator: ", "))): before Windows 10 the suffix picks the curve. The order at \(entry.provenance.location) was written for Windows 10 and later, without suffixes, so Schannel ignores those names; the client offers \(clientNames.isEmpty ? "nothing usable" : clientNames.joined(separator: ", ")) and the server aborts the handshake.",
                        evidence: evidence,
                        clientSuites: clientNames, serverSuites: serverNames, nearestSuites: extra.map(\.iana),
                        fix: extra.isEmpty
                            ? Fix(description: fixWords + ".")
                            : orderFix(c, suites: client.suites.map(\.suite) + extra, gpo: nil, words: fixWords))
                }
                let fixWords =
                    extra.isEmpty
                    ? "No suite \(server.host) accepts exists on \(c.release.displayName): upgrade the client or widen the server"
                    : "Add \(catalog.gpoNames(extra, release: c.release).joined(separator: ", ")), which \(c.release.displayName) has and \(server.host) accepts"
                return Cause(
                    code: .unsupportedByRelease,
                    summary:
                        "the list names \(unsupported.map(\.name).joined(separator: ", ")), which \(c.release.displayName) does not have",
                    explanation:
                        "The suites \(server.host) accepts appear in the order at \(entry.provenance.location) only under names \(c.release.displayName)'s Schannel does not implement (\(unsupported.map(\.name).joined(separator: ", "))); Schannel ignores them, so the client offers \(clientNames.isEmpty ? "nothing usable" : clientNames.joined(separator: ", ")) and the server aborts the handshake.",
                    evidence: evidence,
                    clientSuites: clientNames, serverSuites: serverNames, nearestSuites: extra.map(\.iana),
                    fix: extra.isEmpty
                        ? Fix(description: fixWords + ".")
                        : orderFix(c, suites: client.suites.map(\.suite) + extra, gpo: nil, words: fixWords))
            }
        }
        return nil
    }

    /// The order names a suite no Schannel knows, and the suite it most likely means (the closest
    /// "did you mean"), which this release has and the server accepts, would make it work: the
    /// typo is the cause (`unknown-suite-name`, leading to `no-shared-cipher`), and the fix corrects
    /// it in place, leaving the rest of the list as the administrator wrote it.
    static func unknownNameCause(
        _ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile, version v: TLSVersion,
        clientNames: [String], serverNames: [String], serverCodes: Set<UInt16>,
        supportedHere: [CipherSuite]
    ) -> Cause? {
        let catalog = Catalog.shared
        let info = catalog.release(c.release)
        guard let entry = orderEntry(c), let names = entry.data.stringList else { return nil }
        let supported = Set(supportedHere.map(\.code))
        var corrected = names
        var typos: [(name: String, meant: String, line: Int?, suggestions: [String])] = []
        for (i, raw) in names.enumerated() {
            let name = raw.trimmingASCIIWhitespace()
            guard !name.isEmpty, info.support(forWindowsName: name) == nil, catalog.suite(named: name) == nil,
                catalog.suite(named: CipherSuite.stripCurveSuffix(name)) == nil
            else { continue }
            let suggestions = catalog.schannelNameSuggestions(for: name)
            // The closest name is what was meant; only when that suite is one the server needs is the typo the cause.
            guard let meant = suggestions.first.flatMap({ catalog.suite(named: $0) }), supported.contains(meant.code),
                !client.suites.contains(where: { $0.suite.code == meant.code }),
                let windowsName = catalog.gpoNames([meant], release: c.release).first
            else { continue }
            corrected[i] = windowsName
            typos.append((name, windowsName, entry.itemLines?[safe: i] ?? entry.provenance.line, suggestions))
        }
        guard !typos.isEmpty else { return nil }
        let policy: Bool = if case .policy = c.suiteOrderSource { true } else { false }
        let key = policy ? RegistryPath.policySSL : RegistryPath.localSSL
        let data: RegistryData =
            if case .multiString = entry.data { .multiString(corrected) } else {
                .string(corrected.joined(separator: ","))
            }
        let gpo = corrected.joined(separator: ",")
        let bad = typos.map(\.name).joined(separator: ", ")
        let meant = typos.map(\.meant).joined(separator: ", ")
        let pairs = typos.map { "\($0.meant) instead of \($0.name)\($0.line.map { " (line \($0))" } ?? "")" }.joined(
            separator: "; ")
        return Cause(
            code: .unknownSuiteName,
            summary:
                "the cipher suite order names \(bad), which Schannel does not know (did you mean \(meant)?): Schannel skips it, so nothing is in common with \(server.host) (no-shared-cipher)",
            explanation:
                "The order at \(entry.provenance.location) names \(bad). No Windows release knows that name, so Schannel skips it and does not offer \(meant), the suite it most likely means, which \(server.host) accepts. At \(v.rawValue) this client then offers \(clientNames.isEmpty ? "no suite" : clientNames.joined(separator: ", ")); \(server.host) accepts \(serverNames.joined(separator: ", ")). With nothing in common the server aborts the handshake: the typo is the cause, and correcting it is the fix.",
            evidence: typos.map {
                Evidence(
                    file: entry.provenance.file, line: $0.line, record: entry.provenance.record,
                    key: entry.provenance.key,
                    value: "\($0.name) (did you mean \($0.suggestions.joined(separator: ", "))?)")
            },
            clientSuites: clientNames, serverSuites: serverNames,
            nearestSuites: typos.compactMap { catalog.suite(named: $0.meant)?.iana },
            fix: Fix(
                description:
                    "Correct the typo in the cipher suite order: write \(pairs); the rest of the list stays as it is (the GPO \"SSL Cipher Suite Order\" string below, or the .reg snippet).",
                changes: [RegFileWriter.Change(key: key, action: .setValue(name: "Functions", data: data))],
                gpo: policy ? gpo : nil),
            leadsTo: .noSharedCipher)
    }

    /// The order value in effect (policy over local).
    static func orderEntry(_ c: WindowsTLSConfig) -> RegistrySnapshot.Entry? {
        switch c.suiteOrderSource {
        case .policy: c.registry.value(RegistryPath.policySSL, "Functions")
        case .local: c.registry.value(RegistryPath.localSSL, "Functions")
        case .releaseDefault: nil
        }
    }

    /// A fix that writes a new suite order where the current one lives (policy when none is set).
    static func orderFix(_ c: WindowsTLSConfig, suites: [CipherSuite], gpo: String?, words: String) -> Fix {
        var seen = Set<UInt16>()
        // A proposed order never keeps RC4, export, NULL, DES or 3DES suites, even when the current one has them.
        let unique = suites.filter { !$0.isInsecure && seen.insert($0.code).inserted }
        let names = Catalog.shared.gpoNames(unique, release: c.release)
        let gpo = gpo ?? names.joined(separator: ",")
        let change: RegFileWriter.Change
        if case .local = c.suiteOrderSource {
            change = RegFileWriter.Change(
                key: RegistryPath.localSSL, action: .setValue(name: "Functions", data: .multiString(names)))
        } else {
            change = RegFileWriter.Change(
                key: RegistryPath.policySSL, action: .setValue(name: "Functions", data: .string(gpo)))
        }
        var dropped: [String] = []
        for s in suites where s.isInsecure && !dropped.contains(s.iana) { dropped.append(s.iana) }
        var note =
            dropped.isEmpty
            ? "" : " Weak suites of the current list are left out of it: \(dropped.joined(separator: ", "))."
        // Names Schannel does not know are not carried over silently: say which, so a typo is seen.
        let info = Catalog.shared.release(c.release)
        let unknown = (orderEntry(c)?.data.stringList ?? []).map { $0.trimmingASCIIWhitespace() }.filter { name in
            !name.isEmpty && info.support(forWindowsName: name) == nil && Catalog.shared.suite(named: name) == nil
                && Catalog.shared.suite(named: CipherSuite.stripCurveSuffix(name)) == nil
        }
        if !unknown.isEmpty {
            note +=
                " Names Schannel does not know are left out of it (see the unknown-suite-name finding; correct them if they were meant): \(unknown.joined(separator: ", "))."
        }
        return Fix(
            description: words + " (the GPO \"SSL Cipher Suite Order\" string below, or the .reg snippet)." + note,
            changes: [change], gpo: gpo)
    }

    // MARK: Curves

    static func groupCause(_ c: WindowsTLSConfig, client: ClientProfile, server: ServerProfile, version v: TLSVersion)
        -> Cause?
    {
        let clientIDs = Set(client.groups.compactMap { NamedGroup.id(forName: $0) })
        let notOffered = server.groups.filter { g in NamedGroup.id(forName: g).map { !clientIDs.contains($0) } ?? false
        }
        guard let missing = notOffered.first(where: { windowsCurveName($0) != nil }),
            let windowsName = windowsCurveName(missing)
        else {
            // Every group the server accepts is one no Windows setting tlsfit knows of can add (the
            // finite-field groups at TLS 1.3, x448, ...): the change has to be on the server.
            guard !server.groups.isEmpty, notOffered.count == server.groups.count else { return nil }
            let offered = client.groups.isEmpty ? "no group tlsfit can name" : client.groups.joined(separator: ", ")
            return Cause(
                code: .noSharedGroup,
                summary:
                    "no key-exchange group in common with \(server.host): the server accepts only \(server.groups.joined(separator: ", ")) at \(v.rawValue), which this client cannot offer",
                explanation:
                    "\(c.release.displayName) offers \(offered) at \(v.rawValue). No Windows setting tlsfit knows of adds \(server.groups.joined(separator: ", ")) (it can add curve25519, NistP256, NistP384 and NistP521 through the ECC Curve Order, and the Windows hello names no finite-field group), so the server aborts the handshake whatever this client's registry says.",
                evidence: [
                    Evidence(
                        file: nil, key: "\(server.host):\(server.port)",
                        value: "accepts groups \(server.groups.joined(separator: ", ")) (\(server.source))")
                ],
                fix: Fix(
                    description:
                        "Nothing on this client: the server has to accept a group Windows offers as well (x25519, P-256 or P-384); ask its operator."
                ))
        }
        let evidence =
            c.curvesSource.map { [Evidence($0)] } ?? [
                defaultEvidence(c, key: RegistryPath.policySSL, value: "EccCurves not set")
            ]
        if WindowsTLSConfig.isPreWindows10(c.release) {
            return Cause(
                code: .noSharedGroup, summary: "no elliptic curve in common with \(server.host)",
                explanation:
                    "\(c.release.displayName) takes curves from the _P256/_P384 suffixes of the suite names; the server needs \(missing).",
                evidence: evidence,
                fix: Fix(description: "Add suite names with the suffix for \(windowsName) to the order."))
        }
        let curves = c.curves + [windowsName]
        let change = RegFileWriter.Change(
            key: RegistryPath.policySSL, action: .setValue(name: "EccCurves", data: .multiString(curves)))
        return Cause(
            code: .noSharedGroup,
            summary:
                "no elliptic curve in common with \(server.host): the client offers \(client.groups.isEmpty ? "no curve tlsfit can name" : client.groups.joined(separator: ", ")), the server needs \(server.groups.joined(separator: ", "))",
            explanation:
                "The suites both sides have at \(v.rawValue) need an ECDHE key exchange, and the ECC Curve Order (EccCurves) lets this client offer only \(c.curves.isEmpty ? "curves tlsfit cannot name" : c.curves.joined(separator: ", ")). \(server.host) accepts \(server.groups.joined(separator: ", ")), so the server aborts the handshake.",
            evidence: evidence,
            fix: Fix(
                description:
                    "Add \(windowsName) to the ECC Curve Order (EccCurves = \(curves.joined(separator: ", "))).",
                changes: [change]))
    }

    /// The Windows EccCurves name of an IANA group name.
    static func windowsCurveName(_ group: String) -> String? {
        switch NamedGroup.id(forName: group) {
        case 29: "curve25519"
        case 23: "NistP256"
        case 24: "NistP384"
        case 25: "NistP521"
        default: nil
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension Cause {
    /// For a client that offers no protocol: it fails before any ClientHello, a secure failure
    /// rather than an aborted connection (network and certificate causes keep their codes).
    func sentNoClientHello() -> Cause {
        var cause = self
        let network: Set<CauseCode> = [
            .tcpBlocked, .timeout, .dns, .certificateUntrusted, .proxyBlocked, .proxyUnreachable, .proxyAuth,
            .proxyNameNotResolved,
            .winHTTPProxyMissing, .httpBlocked, .revocationOffline,
        ]
        if !network.contains(code) { cause.applyErrors(context: CauseErrorCatalog.contextNoClientHello) }
        return cause
    }
}
