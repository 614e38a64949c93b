extension WindowsTLSConfig {
    /// The GPO "SSL Cipher Suites" field keeps at most this many characters.
    public static let gpoFieldLimit = 1023

    /// Computes the effective configuration from a merged registry. Pure: same input, same output.
    ///
    /// `suggestNames` adds "did you mean" names to unknown-name warnings (for the first few only:
    /// it costs an edit-distance search over every known name); turn it off for bulk simulation.
    public static func evaluate(
        registry: RegistrySnapshot, release: WindowsRelease, releaseAssumed: Bool = false,
        catalog: Catalog = .shared, suggestNames: Bool = true
    ) -> WindowsTLSConfig {
        var evaluator = Evaluator(
            registry: registry, release: release, info: catalog.release(release), catalog: catalog)
        evaluator.suggestionBudget = suggestNames ? 3 : 0
        return evaluator.run(releaseAssumed: releaseAssumed)
    }
}

/// The steps of `WindowsTLSConfig.evaluate`, each filling in part of the result.
struct Evaluator {
    let registry: RegistrySnapshot
    let release: WindowsRelease
    let info: WindowsReleaseInfo
    let catalog: Catalog
    var warnings: [ConfigWarning] = []
    /// Name suggestions are costly (edit distance over every known name): only the first few unknown names get them.
    var suggestionBudget = 5
    /// Names listed one by one in `duplicate-suite`, `unsupported-on-release` and `unknown-suite-name`
    /// warnings; past it they are counted in one warning each (a pasted list of megabytes made a
    /// warning per name: output and memory many times the input).
    static let listedNamesLimit = 20
    var unlistedUnknown = 0
    var listedUnknown = 0

    init(registry: RegistrySnapshot, release: WindowsRelease, info: WindowsReleaseInfo, catalog: Catalog) {
        self.registry = registry
        self.release = release
        self.info = info
        self.catalog = catalog
    }

    mutating func run(releaseAssumed: Bool) -> WindowsTLSConfig {
        let protocols = readProtocols()
        let winHTTP = readWinHTTP(RegistryPath.winHTTP)
        let winHTTPWow = readWinHTTP(RegistryPath.winHTTPWow64)
        let (order, named) = readSuiteOrder()
        let (suites, removed) = applySwitches(named)
        let (curves, curvesSource) = readCurves()
        var config = WindowsTLSConfig(
            release: release, releaseAssumed: releaseAssumed, registry: registry, protocols: protocols,
            winHTTPDefaultSecureProtocols: winHTTP, winHTTPDefaultSecureProtocolsWow64: winHTTPWow,
            suiteOrderSource: order, cipherSuites: suites, removedSuites: removed,
            curves: curves, curvesSource: curvesSource, warnings: [])
        checkValueTypes()
        checkNames()
        checkProtocols(config)
        checkSuites(config)
        config.warnings = warnings
        return config
    }

    // MARK: Value types

    /// Switches written with the wrong type (a REG_SZ "1" for a DWORD) are ignored by Windows.
    mutating func checkValueTypes() {
        var numeric: [(String, String)] = []
        for v in TLSVersion.allCases {
            for client in [true, false] {
                let key = RegistryPath.protocolKey(v, client: client)
                numeric.append((key, "Enabled"))
                numeric.append((key, "DisabledByDefault"))
            }
        }
        numeric.append((RegistryPath.winHTTP, "DefaultSecureProtocols"))
        numeric.append((RegistryPath.winHTTPWow64, "DefaultSecureProtocols"))
        for parent in [RegistryPath.schannelCiphers, RegistryPath.schannelHashes, RegistryPath.schannelKeyExchange] {
            for sub in registry.subkeys(of: parent) { numeric.append((parent + "\\" + sub, "Enabled")) }
        }
        for (key, name) in numeric {
            guard let e = registry.value(key, name), e.data.integerValue == nil else { continue }
            warnings.append(
                ConfigWarning(
                    .wrongValueType,
                    "\(name) is written as \(e.data.displayText), not a DWORD; Windows ignores it and keeps the default",
                    evidence: [e.provenance]))
        }
        for key in [RegistryPath.policySSL, RegistryPath.localSSL] {
            for name in ["Functions", "EccCurves"] {
                guard let e = registry.value(key, name), e.data.stringList == nil else { continue }
                warnings.append(
                    ConfigWarning(
                        .wrongValueType,
                        "\(name) is written as \(e.data.displayText), not a string list; Schannel ignores it",
                        evidence: [e.provenance]))
            }
        }
    }

    // MARK: Protocols

    func readProtocols() -> [TLSVersion: ProtocolSetting] {
        var result: [TLSVersion: ProtocolSetting] = [:]
        for v in TLSVersion.allCases {
            let supported = info.supportedProtocols.contains(v)
            var s = ProtocolSetting(
                version: v, supported: supported, clientEnabled: supported,
                clientDisabledByDefault: !info.defaultClientProtocols.contains(v))
            let client = RegistryPath.protocolKey(v, client: true)
            if let e = registry.value(client, "Enabled"), let n = e.data.integerValue {
                s.clientEnabled = n != 0
                s.clientEnabledSource = e.provenance
            }
            if let e = registry.value(client, "DisabledByDefault"), let n = e.data.integerValue {
                s.clientDisabledByDefault = n != 0
                s.clientDisabledByDefaultSource = e.provenance
            }
            let server = RegistryPath.protocolKey(v, client: false)
            if let e = registry.value(server, "Enabled"), let n = e.data.integerValue {
                s.serverEnabled = n != 0
                s.serverSource = e.provenance
            }
            if let e = registry.value(server, "DisabledByDefault"), let n = e.data.integerValue {
                s.serverDisabledByDefault = n != 0
                s.serverSource = s.serverSource ?? e.provenance
            }
            result[v] = s
        }
        return result
    }

    func readWinHTTP(_ key: String) -> WinHTTPSetting? {
        guard let e = registry.value(key, "DefaultSecureProtocols"), let n = e.data.integerValue else { return nil }
        return WinHTTPSetting(value: UInt32(truncatingIfNeeded: n), source: e.provenance)
    }

    mutating func checkProtocols(_ config: WindowsTLSConfig) {
        let legacy = WindowsTLSConfig.isPreWindows10(release)
        for v in TLSVersion.allCases {
            guard let p = config.protocols[v] else { continue }
            if !p.supported, p.clientEnabled, let src = p.clientEnabledSource, v > .ssl3 {
                warnings.append(
                    ConfigWarning(
                        .protocolNotSupported,
                        "\(v.schannelKeyName) is enabled for Client, but \(release.displayName) does not implement it; Schannel ignores the key",
                        evidence: [src]))
            }
            let serverOn = p.serverEnabled == true || p.serverDisabledByDefault == false
            if serverOn, !p.clientOffered, p.supported, let src = p.serverSource {
                let clientEvidence = [p.clientSource].compactMap { $0 }
                warnings.append(
                    ConfigWarning(
                        .serverOnlyProtocol,
                        "\(v.schannelKeyName) is enabled under Protocols\\\(v.schannelKeyName)\\Server but not for Client; outgoing connections (Windows Update is a client) read the Client key",
                        evidence: [src] + clientEvidence))
            }
        }
        // WinHTTP.
        if let w = config.winHTTPDefaultSecureProtocols {
            for v in w.protocols {
                guard let p = config.protocols[v], p.supported, p.clientEnabled, p.clientDisabledByDefault, legacy
                else { continue }
                let detail =
                    p.clientDisabledByDefaultSource.map { "DisabledByDefault=1 at \($0.location)" }
                    ?? "\(v.schannelKeyName) is off by default for clients on \(release.displayName)"
                warnings.append(
                    ConfigWarning(
                        .disabledByDefaultBlocksWinHTTP,
                        "DefaultSecureProtocols asks WinHTTP for \(v.schannelKeyName), but \(detail); on \(release.displayName) set Protocols\\\(v.schannelKeyName)\\Client DisabledByDefault=0 (and Enabled=1)",
                        evidence: [w.source] + [p.clientDisabledByDefaultSource].compactMap { $0 }))
            }
            if let wow = config.winHTTPDefaultSecureProtocolsWow64, wow.value != w.value {
                warnings.append(
                    ConfigWarning(
                        .winHTTPWow64Mismatch,
                        "DefaultSecureProtocols is 0x\(String(w.value, radix: 16)) for 64-bit and 0x\(String(wow.value, radix: 16)) for 32-bit (Wow6432Node) applications",
                        evidence: [w.source, wow.source]))
            }
        } else if WindowsTLSConfig.winHTTPNeedsDefaultSecureProtocols(release) {
            let tls12 = config.protocols[.tls12]
            let evidence = [tls12?.clientSource, config.winHTTPDefaultSecureProtocolsWow64?.source].compactMap { $0 }
            warnings.append(
                ConfigWarning(
                    .winHTTPLegacyDefaults,
                    "no WinHTTP DefaultSecureProtocols: on \(release.displayName) WinHTTP (and the update client) offers only SSL 3.0 and TLS 1.0; install KB3140245 and set DefaultSecureProtocols=0xA00 under \(RegistryPath.winHTTP)",
                    evidence: evidence))
        } else if let wow = config.winHTTPDefaultSecureProtocolsWow64 {
            warnings.append(
                ConfigWarning(
                    .winHTTPWow64Mismatch,
                    "DefaultSecureProtocols is set only under Wow6432Node (32-bit applications); 64-bit WinHTTP, which the update client uses, keeps its defaults",
                    evidence: [wow.source]))
        }
        if config.offeredProtocols().isEmpty {
            let evidence =
                config.protocols.values.compactMap(\.clientSource)
                + [config.winHTTPDefaultSecureProtocols?.source].compactMap { $0 }
            warnings.append(
                ConfigWarning(
                    .noOfferedProtocols,
                    "WinHTTP offers no protocol at all: every protocol it asks for is disabled for Client",
                    evidence: evidence.sorted { $0.location < $1.location }))
        }
    }

    // MARK: Cipher suites

    /// A resolved name before switches apply.
    struct Named {
        var support: WindowsSuiteSupport
        var name: String
        var curves: [String]
        var source: Provenance?
        var line: Int?
    }

    mutating func readSuiteOrder() -> (SuiteOrderSource, [Named]) {
        let policy = registry.value(RegistryPath.policySSL, "Functions")
        let local = registry.value(RegistryPath.localSSL, "Functions")
        guard let entry = policy ?? local, let names = entry.data.stringList else {
            return (.releaseDefault, defaultOrder())
        }
        let order: SuiteOrderSource = policy != nil ? .policy(entry.provenance) : .local(entry.provenance)
        if policy != nil, !entry.format.isObservedSuiteList, case .string(let text) = entry.data {
            checkGPOLength(text, entry: entry)
        }
        var result: [Named] = []
        var indexByCode: [UInt16: Int] = [:]
        var firstLineByName: [String: Int?] = [:]
        var suffixIgnored: [String] = []
        var duplicates = 0
        for (i, raw) in names.enumerated() {
            let name = raw.trimmingASCIIWhitespace()
            guard !name.isEmpty else { continue }
            let line = entry.itemLines.flatMap { i < $0.count ? $0[i] : nil } ?? entry.provenance.line
            let upper = name.uppercased()
            if let earlier = firstLineByName[upper] {
                duplicates += 1
                guard duplicates <= Self.listedNamesLimit else { continue }
                warnings.append(
                    ConfigWarning(
                        .duplicateSuite,
                        "\(name) is listed twice\(earlier.map { " (first on line \($0))" } ?? ""); Schannel uses the first position",
                        evidence: [entry.provenance], line: line))
                continue
            }
            firstLineByName[upper] = line
            guard let (support, curve) = resolve(name, entry: entry, line: line, suffixIgnored: &suffixIgnored) else {
                continue
            }
            if let at = indexByCode[support.suite.code] {
                // Another curve variant of a suite already listed (Windows 7 / 8.1), or a suffixed
                // and an unsuffixed spelling on Windows 10+.
                if let curve, !result[at].curves.contains(curve) { result[at].curves.append(curve) }
                continue
            }
            indexByCode[support.suite.code] = result.count
            result.append(
                Named(
                    support: support, name: name, curves: curve.map { [$0] } ?? [], source: entry.provenance, line: line
                ))
        }
        if duplicates > Self.listedNamesLimit {
            warnings.append(
                ConfigWarning(
                    .duplicateSuite,
                    "\(duplicates - Self.listedNamesLimit) more name(s) are listed twice (the first \(Self.listedNamesLimit) are shown); Schannel uses each name's first position",
                    evidence: [entry.provenance]))
        }
        if unlistedUnknown > 0 {
            warnings.append(
                ConfigWarning(
                    .unknownSuiteName,
                    "\(unlistedUnknown) more name(s) are not cipher suites Schannel supports here (the first \(Self.listedNamesLimit) are shown); Schannel ignores them",
                    evidence: [entry.provenance]))
        }
        if !suffixIgnored.isEmpty {
            warnings.append(
                ConfigWarning(
                    .curveSuffixIgnored,
                    "\(suffixIgnored.count) name(s) carry a curve suffix (\(suffixIgnored.prefix(3).joined(separator: ", "))\(suffixIgnored.count > 3 ? ", ..." : "")); \(release.displayName) ignores the suffix and takes curves from the ECC Curve Order (EccCurves) instead",
                    evidence: [entry.provenance]))
        }
        return (order, result)
    }

    /// The release's Schannel entry for a configured name, and the curve a suffix pins (Windows 7 / 8.1).
    mutating func resolve(_ name: String, entry: RegistrySnapshot.Entry, line: Int?, suffixIgnored: inout [String]) -> (
        WindowsSuiteSupport, String?
    )? {
        if let s = info.support(forWindowsName: name) { return (s, s.curve) }
        let suffix = CipherSuite.curveSuffix(of: name)
        if let suffix, !info.usesCurveSuffixes {
            let base = String(name.dropLast(suffix.count))
            if let s = info.support(forWindowsName: base) {
                suffixIgnored.append(name)
                return (s, nil)
            }
        }
        let known = catalog.suite(named: name)
        // Code points (Get-TlsCipherSuite JSON without names) resolve through the catalog.
        if let known, name.hasPrefix("0x") || name.hasPrefix("0X"), let s = info.support(for: known).first {
            return (s, s.curve)
        }
        if suffix == nil, info.usesCurveSuffixes, let known, known.keyExchange == "ECDHE",
            !info.support(for: known).isEmpty
        {
            let variants = info.support(for: known).map(\.windowsName)
            warnings.append(
                ConfigWarning(
                    .curveSuffixMissing,
                    "\(name) has no curve suffix; \(release.displayName) knows ECDHE suites only with one (\(variants.joined(separator: ", "))), so Schannel ignores this name",
                    evidence: [entry.provenance], line: line))
            return nil
        }
        if listedUnknown >= Self.listedNamesLimit {
            unlistedUnknown += 1
            return nil
        }
        listedUnknown += 1
        if let known {
            let elsewhere = catalog.windowsSupport(for: known).map(\.release.displayName)
            let note =
                elsewhere.isEmpty
                ? "no Windows release implements it"
                : "supported on \(elsewhere.prefix(4).joined(separator: ", "))\(elsewhere.count > 4 ? ", ..." : "")"
            warnings.append(
                ConfigWarning(
                    .unsupportedOnRelease,
                    "\(name) (\(known.codeString)) is not supported by Schannel on \(release.displayName) (\(note)); Schannel ignores it",
                    evidence: [entry.provenance], line: line))
            return nil
        }
        let suggestions = suggestionBudget > 0 ? catalog.schannelNameSuggestions(for: name) : []
        suggestionBudget -= 1
        warnings.append(
            ConfigWarning(
                .unknownSuiteName,
                "\(name) is not a cipher suite name Schannel knows; Schannel ignores it\(suggestions.isEmpty ? "" : " (did you mean \(suggestions.joined(separator: ", "))?)")",
                evidence: [entry.provenance], line: line))
        return nil
    }

    func defaultOrder() -> [Named] {
        var result: [Named] = []
        var indexByCode: [UInt16: Int] = [:]
        for s in info.defaultOrder where s.offeredByDefault {
            if let at = indexByCode[s.suite.code] {
                if let c = s.curve, !result[at].curves.contains(c) { result[at].curves.append(c) }
                continue
            }
            indexByCode[s.suite.code] = result.count
            result.append(
                Named(support: s, name: s.windowsName, curves: s.curve.map { [$0] } ?? [], source: nil, line: nil))
        }
        return result
    }

    mutating func checkGPOLength(_ text: String, entry: RegistrySnapshot.Entry) {
        guard text.count > WindowsTLSConfig.gpoFieldLimit else { return }
        let kept = text.prefix(WindowsTLSConfig.gpoFieldLimit)
        var keptNames = kept.split(separator: ",", omittingEmptySubsequences: true).map {
            String($0).trimmingASCIIWhitespace()
        }
        // The last kept name is cut unless the 1024th character is a comma.
        let nextIndex = text.index(text.startIndex, offsetBy: WindowsTLSConfig.gpoFieldLimit)
        if text[nextIndex] != "," && kept.last != "," { keptNames.removeLast() }
        let all = text.split(separator: ",", omittingEmptySubsequences: true).map {
            String($0).trimmingASCIIWhitespace()
        }
        let lost = Array(all.dropFirst(keptNames.count))
        warnings.append(
            ConfigWarning(
                .gpoStringTooLong,
                "the SSL Cipher Suite Order string is \(text.count) characters; the Group Policy editor keeps only \(WindowsTLSConfig.gpoFieldLimit), so editing this GPO drops \(lost.count) suite(s): \(lost.prefix(Self.listedNamesLimit).joined(separator: ", "))\(lost.count > Self.listedNamesLimit ? " and \(lost.count - Self.listedNamesLimit) more" : "")",
                evidence: [entry.provenance]))
    }

    /// Removes suites whose cipher, hash or key exchange is switched off under SCHANNEL.
    func applySwitches(_ named: [Named]) -> ([EffectiveSuite], [RemovedSuite]) {
        var rules: [(matches: (CipherSuite) -> Bool, reason: String, evidence: Provenance)] = []
        func disabled(_ parent: String) -> [(name: String, provenance: Provenance)] {
            registry.subkeys(of: parent).compactMap { sub in
                guard let e = registry.value(parent + "\\" + sub, "Enabled"), let n = e.data.integerValue, n == 0 else {
                    return nil
                }
                return (sub, e.provenance)
            }
        }
        for (name, p) in disabled(RegistryPath.schannelCiphers) {
            if let m = SchannelSwitches.cipherMatcher(name) {
                rules.append((m, "SCHANNEL\\Ciphers\\\(name) Enabled=0", p))
            }
        }
        for (name, p) in disabled(RegistryPath.schannelHashes) {
            if let m = SchannelSwitches.hashMatcher(name) {
                rules.append((m, "SCHANNEL\\Hashes\\\(name) Enabled=0", p))
            }
        }
        for (name, p) in disabled(RegistryPath.schannelKeyExchange) {
            if let m = SchannelSwitches.keyExchangeMatcher(name) {
                rules.append((m, "SCHANNEL\\KeyExchangeAlgorithms\\\(name) Enabled=0", p))
            }
        }
        var kept: [EffectiveSuite] = []
        var removed: [RemovedSuite] = []
        for n in named {
            if n.support.pskOnly, let source = n.source {
                // Schannel offers PSK suites only to applications that supply a pre-shared key.
                removed.append(
                    RemovedSuite(
                        suite: n.support.suite, windowsName: n.name,
                        reason: "PSK only: offered only with a pre-shared key", evidence: source))
                continue
            }
            if let rule = rules.first(where: { $0.matches(n.support.suite) }) {
                removed.append(
                    RemovedSuite(
                        suite: n.support.suite, windowsName: n.name, reason: rule.reason, evidence: rule.evidence))
            } else {
                kept.append(
                    EffectiveSuite(
                        suite: n.support.suite, windowsName: n.name, pinnedCurves: n.curves, source: n.source,
                        line: n.line))
            }
        }
        return (kept, removed)
    }

    mutating func checkSuites(_ config: WindowsTLSConfig) {
        if !config.removedSuites.isEmpty {
            let byReason = Dictionary(
                grouping: config.removedSuites.filter { !$0.reason.hasPrefix("PSK only") }, by: \.reason)
            for reason in byReason.keys.sorted() {
                let list = byReason[reason]!
                warnings.append(
                    ConfigWarning(
                        .suitesRemovedBySwitch,
                        "\(reason) removes \(list.count) suite(s) from the order: \(list.map(\.windowsName).joined(separator: ", "))",
                        evidence: [list[0].evidence]))
            }
        }
        let orderEvidence = [config.suiteOrderSource.provenance].compactMap { $0 }
        if config.cipherSuites.isEmpty {
            warnings.append(
                ConfigWarning(
                    .noCipherSuites,
                    "the effective cipher suite list is empty: every TLS connection from this machine fails (Windows Update reports 0x80072EFE or 0x80072F8F)",
                    evidence: orderEvidence + config.removedSuites.prefix(3).map(\.evidence)))
            return
        }
        let offered = config.offeredProtocols()
        if !offered.isEmpty,
            !config.cipherSuites.contains(where: { s in
                offered.contains(where: { $0 >= s.suite.minVersion && $0 <= s.suite.maxVersion })
            })
        {
            warnings.append(
                ConfigWarning(
                    .noSuiteForOfferedProtocols,
                    "no suite in the list can be used with the protocols WinHTTP offers (\(offered.map(\.rawValue).joined(separator: ", ")))",
                    evidence: orderEvidence))
        }
        if config.cipherSuites.allSatisfy({ $0.suite.encryption.hasPrefix("RC4") }) {
            warnings.append(
                ConfigWarning(
                    .onlyRC4Suites,
                    "every suite in the list uses RC4; Windows Update no longer accepts RC4 (KB3186695)",
                    evidence: orderEvidence))
        }
        // Curves.
        let curveEntry =
            registry.value(RegistryPath.policySSL, "EccCurves") ?? registry.value(RegistryPath.localSSL, "EccCurves")
        if let curveEntry {
            if info.usesCurveSuffixes {
                warnings.append(
                    ConfigWarning(
                        .eccCurvesIgnored,
                        "EccCurves (ECC Curve Order) exists only from Windows 10; \(release.displayName) takes curves from the _P256/_P384 suffixes of the suite names",
                        evidence: [curveEntry.provenance]))
            } else if config.curvesSource == nil, curveEntry.data.stringList != nil {
                warnings.append(
                    ConfigWarning(
                        .curvesUnreadable,
                        "EccCurves (\(curveEntry.data.displayText)) holds no curve name tlsfit could read: the curves this client offers are unknown; tlsfit assumes the \(release.displayName) defaults (\(info.defaultCurves.joined(separator: ", "))). Export the key with regedit to check",
                        evidence: [curveEntry.provenance]))
            } else {
                for curve in config.curves where !SchannelSwitches.knownCurves.contains(curve.lowercased()) {
                    warnings.append(
                        ConfigWarning(
                            .unknownCurve, "\(curve) is not a curve name Schannel knows; it is ignored",
                            evidence: [curveEntry.provenance]))
                }
            }
        }
    }

    func readCurves() -> ([String], Provenance?) {
        if info.usesCurveSuffixes { return (info.defaultCurves, nil) }
        let entry =
            registry.value(RegistryPath.policySSL, "EccCurves") ?? registry.value(RegistryPath.localSSL, "EccCurves")
        let list = entry?.data.stringList?.map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty } ?? []
        if let entry, !list.isEmpty { return (list, entry.provenance) }
        // An empty or unreadable list is not "no curve": the curves are unknown (checkSuites warns).
        return (info.defaultCurves, nil)
    }
}

/// What each SCHANNEL switch key removes, by its key name.
enum SchannelSwitches {
    /// `SCHANNEL\Ciphers\<name>` -> suites whose bulk cipher it is; nil for a name Schannel does not read.
    static func cipherMatcher(_ keyName: String) -> ((CipherSuite) -> Bool)? { matcher("Ciphers", keyName) }

    /// `SCHANNEL\Hashes\<name>` -> suites whose record MAC is that HMAC. AEAD suites are not affected.
    static func hashMatcher(_ keyName: String) -> ((CipherSuite) -> Bool)? { matcher("Hashes", keyName) }

    /// `SCHANNEL\KeyExchangeAlgorithms\<name>` -> suites using that key exchange. TLS 1.3 suites
    /// ("any") are not affected.
    static func keyExchangeMatcher(_ keyName: String) -> ((CipherSuite) -> Bool)? {
        matcher("KeyExchangeAlgorithms", keyName)
    }

    /// Exact key names from `schannel-switches.tsv`, as Schannel matches them.
    static func matcher(_ kind: String, _ keyName: String) -> ((CipherSuite) -> Bool)? {
        guard let entry = SchannelSwitchCatalog.shared.entry(kind: kind, name: keyName), entry.read else { return nil }
        return { entry.removes($0) }
    }

    /// Curve names Schannel accepts in EccCurves (lower-cased).
    static let knownCurves: Set<String> = [
        "curve25519", "nistp256", "nistp384", "nistp521", "nistp192", "nistp224",
        "brainpoolp256r1", "brainpoolp384r1", "brainpoolp512r1",
        "secp160k1", "secp160r1", "secp160r2", "secp192k1", "secp192r1", "secp224k1", "secp224r1",
        "secp256k1", "secp256r1", "secp384r1", "secp521r1",
    ]
}
