import FoundationEssentials

/// How a captured ClientHello differs from what a release would send.
public struct HelloDifference: Sendable, Hashable, Codable {
    /// A fixed vocabulary that only grows: `protocols`, `suites-missing`, `suites-extra`, `suites-order`,
    /// `signature-algorithms`, `groups`, `point-formats`, `extensions-missing`, `extensions-extra`,
    /// `extensions-order`, `record-version`, `session-id`, `key-shares`.
    public var kind: String
    public var detail: String
    /// How much it counts against the release (lower total: closer match).
    public var weight: Int
}

/// One candidate: the releases that would send the same hello, how far it is from the capture, and why.
public struct HelloMatch: Sendable, Hashable {
    /// Releases whose hellos (for this configuration and stack) are byte for byte the same, in catalog order.
    public var releases: [WindowsRelease]
    /// 0: identical apart from the random, the session id's bytes and the key shares' keys.
    public var score: Int
    public var differences: [HelloDifference]
    /// The configuration assumed for the comparison: "defaults", or the DefaultSecureProtocols (or Schannel
    /// client protocol keys) that make the protocols agree.
    public var configuration: String
    /// Facts the candidate hello rests on that are assumed (see `windows-hello.tsv`).
    public var assumptions: [String]
    /// The stack whose hello this is (the likeliest of `stacks`: WinHTTP, the update agent's, first).
    public var stack: ClientStack = .winHTTP
    /// Every modelled stack that sends these same bytes on these releases: a tie the hello cannot break.
    public var stacks: [ClientStack] = [.winHTTP]
    /// The patch levels (`windows-hello.tsv` `PROFILE@LEVEL`) of the releases, distinct, in order; empty when
    /// the releases have one hello for every patch level.
    public var patchLevels: [String] = []

    public var identical: Bool { score == 0 }
}

/// Ranks Windows releases, stacks, patch levels (and simple configuration changes) by how close their
/// ClientHello is to a captured one. Pure.
public enum WindowsHelloMatcher {
    /// Ranks one hello. For many hellos, use one `Session`: it builds every candidate once and remembers
    /// the ranking of hellos already seen.
    public static func rank(
        _ captured: ClientHello, releases: [WindowsRelease] = WindowsRelease.allCases, limit: Int = 10,
        capturedAt: Double? = nil
    ) -> [HelloMatch] {
        let session = Session()
        return session.rank(captured, releases: releases, limit: limit, capturedAt: capturedAt).matches
    }

    /// A ranking with what was left out.
    public struct Ranking: Sendable {
        public var matches: [HelloMatch]
        /// "left out: windows-10-22h2 (made 2022-10-18, after the capture of 2019-01-15)".
        public var notes: [String]
    }

    /// The candidates of one run: built once per (protocols offered, server name present), rankings
    /// remembered by what the comparison reads of a hello. Not thread-safe: one per task.
    public final class Session {
        struct Candidate {
            var release: WindowsRelease
            var stack: ClientStack
            var patch: HelloPatchLevel?
            var label: String
            /// The release's general-availability date (`windows-hello.tsv`).
            var released: String?
            var hello: ClientHello
            var assumptions: [String]
            /// Index of the distinct hello (same bytes, label and stack) among `distinct`.
            var group: Int
        }
        struct CandidateSet {
            var candidates: [Candidate]
            /// One hello per group.
            var distinct: [ClientHello]
            /// Extension orders some modelled hello sends.
            var orders: Set<[UInt16]>
        }
        /// Unfiltered scored candidates of one captured hello.
        struct Scored {
            var candidates: [(candidate: Int, score: Int)]
            var differences: [Int: [HelloDifference]]
            var set: CandidateSet
        }

        private var sets: [String: CandidateSet] = [:]
        private var rankings: [[UInt8]: Scored] = [:]
        /// Final rankings by (features, capture day, releases, limit): a capture repeats its hellos.
        private var selected: [[UInt8]: Ranking] = [:]
        private var configs: [String: WindowsTLSConfig] = [:]
        /// Built hellos by (release, stack, configuration, patch level, server name): the defaults serve every set.
        private var built: [String: WindowsClientHello?] = [:]
        /// Hellos compared with the candidates; every other ranking came from memory.
        private(set) var scoredHellos = 0
        /// Rankings answered without comparing the hello again.
        private(set) var rememberedRankings = 0
        /// Candidate hellos built (`WindowsClientHelloBuilder`): each (release, stack, configuration, patch level,
        /// server name) once per session.
        private(set) var builtHellos = 0

        public init() {}

        public func rank(
            _ captured: ClientHello, releases: [WindowsRelease] = WindowsRelease.allCases, limit: Int = 10,
            capturedAt: Double? = nil
        ) -> Ranking {
            let key = Self.featureKey(captured)
            let day = Self.trustedDay(capturedAt)
            var selectionKey = key
            selectionKey += Array((day ?? "-").utf8)
            selectionKey.append(u16: UInt16(truncatingIfNeeded: limit))
            if releases.count != WindowsRelease.allCases.count {
                selectionKey += releases.flatMap { Array($0.rawValue.utf8) + [0] }
            }
            if let hit = selected[selectionKey] {
                rememberedRankings += 1
                return hit
            }
            let scored: Scored
            if let cached = rankings[key] {
                rememberedRankings += 1
                scored = cached
            } else {
                scoredHellos += 1
                scored = score(captured)
                if rankings.count < 100_000 { rankings[key] = scored }
            }
            let ranking = select(scored, releases: releases, limit: limit, captureDay: day)
            if selected.count < 100_000 { selected[selectionKey] = ranking }
            return ranking
        }

        /// The capture's day (`YYYY-MM-DD`), when its time can be trusted: not before 2000, not in the future.
        static func trustedDay(_ capturedAt: Double?) -> String? {
            guard let t = capturedAt, t >= 946_684_800, t <= Date().timeIntervalSince1970 + 86_400 else { return nil }
            return Timestamp.day(Date(timeIntervalSince1970: t))
        }

        /// What `compare` reads of a hello, as bytes: two hellos with the same key get the same ranking.
        static func featureKey(_ h: ClientHello) -> [UInt8] {
            var out: [UInt8] = []
            func list(_ values: [UInt16]) {
                out.append(u16: UInt16(truncatingIfNeeded: values.count))
                for v in values { out.append(u16: v) }
            }
            list([h.recordVersion])
            list(h.offeredVersions.map(\.wireValue))
            list(h.cipherSuites)
            list(h.extensionTypes)
            list(h.supportedGroups)
            list(h.signatureAlgorithms)
            list((h.pointFormats ?? []).map(UInt16.init))
            out.append(h.pointFormats == nil ? 0 : 1)
            list(h.keyShares.map(\.group))
            out.append(UInt8(truncatingIfNeeded: h.sessionID.count))
            out.append(h.serverName == nil ? 0 : 1)
            return out
        }

        /// The release's default configuration (read once), or a variant of it made in memory: WinHTTP's
        /// `DefaultSecureProtocols` (with the Schannel client keys it needs before Windows 10), or for the other
        /// stacks the Schannel client keys enabling exactly the wanted protocols.
        private func config(_ release: WindowsRelease, mask: UInt32?, stack: ClientStack, versions: [TLSVersion])
            -> WindowsTLSConfig?
        {
            let baseKey = release.rawValue
            if configs[baseKey] == nil {
                guard let base = try? WindowsHelloMatcher.config(release, defaultSecureProtocols: nil) else {
                    return nil
                }
                configs[baseKey] = base
            }
            guard var config = configs[baseKey] else { return nil }
            guard let mask else { return config }
            let wanted = WinHTTPSetting.protocols(in: mask)
            if stack == .winHTTP {
                config.winHTTPDefaultSecureProtocols = WinHTTPSetting(
                    value: mask,
                    source: Provenance(file: "candidate", key: RegistryPath.winHTTP, value: "DefaultSecureProtocols"))
                for v in wanted {
                    config.protocols[v]?.clientEnabled = true
                    config.protocols[v]?.clientDisabledByDefault = false
                }
            } else {
                for v in config.protocols.keys {
                    config.protocols[v]?.clientEnabled = wanted.contains(v)
                    config.protocols[v]?.clientDisabledByDefault = !wanted.contains(v)
                }
            }
            return config
        }

        private func candidateSet(versions: [TLSVersion], serverName: Bool) -> CandidateSet {
            let key = versions.map(\.rawValue).joined(separator: ",") + (serverName ? "|sni" : "|")
            if let set = sets[key] { return set }
            var candidates: [Candidate] = []
            var groupKeys: [[UInt8]: Int] = [:]
            var distinct: [ClientHello] = []
            var orders = Set<[UInt16]>()
            for release in WindowsRelease.allCases {
                let info = Catalog.shared.release(release)
                let levels: [HelloPatchLevel?] =
                    info.hello.patchLevels.isEmpty ? [nil] : info.hello.patchLevels.map { $0 }
                for stack in ClientStack.selectable where info.hello.stacks[stack] != nil || stack == .winHTTP {
                    var defaultProtocols: [TLSVersion]?
                    for (label, mask) in WindowsHelloMatcher.configurations(release, versions: versions, stack: stack) {
                        // A changed configuration that offers what the defaults offer adds nothing.
                        if mask != nil, let d = defaultProtocols,
                            d == versions.filter({ info.supportedProtocols.contains($0) }).sorted()
                        {
                            continue
                        }
                        guard var config = config(release, mask: mask, stack: stack, versions: versions) else {
                            continue
                        }
                        config.stack = stack
                        for level in levels {
                            let buildKey =
                                "\(release.rawValue)|\(stack.rawValue)|\(label)|\(level?.name ?? "-")|\(serverName)"
                            let cachedBuild: WindowsClientHello?
                            if let hit = self.built[buildKey] {
                                cachedBuild = hit
                            } else {
                                builtHellos += 1
                                cachedBuild = try? WindowsClientHelloBuilder.build(
                                    config: config, serverName: serverName ? "a.example" : nil, patch: level?.name)
                                self.built[buildKey] = .some(cachedBuild)
                            }
                            guard let built = cachedBuild else { continue }
                            if mask == nil, defaultProtocols == nil { defaultProtocols = built.profile.protocols }
                            var normalized = built.hello
                            normalized.random = []
                            normalized.sessionID = normalized.sessionID.map { _ in 0 }
                            let groupKey = normalized.encode()
                            let group: Int
                            if let g = groupKeys[groupKey] {
                                group = g
                            } else {
                                group = distinct.count
                                groupKeys[groupKey] = group
                                distinct.append(built.hello)
                                orders.insert(built.hello.extensionTypes)
                            }
                            candidates.append(
                                Candidate(
                                    release: release, stack: stack, patch: level, label: label,
                                    released: info.hello.released?.value, hello: built.hello,
                                    assumptions: built.assumptions, group: group))
                        }
                    }
                }
            }
            let set = CandidateSet(candidates: candidates, distinct: distinct, orders: orders)
            sets[key] = set
            return set
        }

        private func score(_ captured: ClientHello) -> Scored {
            let set = candidateSet(versions: captured.offeredVersions, serverName: captured.serverName != nil)
            var differences: [Int: [HelloDifference]] = [:]
            var scores: [Int: Int] = [:]
            for (i, hello) in set.distinct.enumerated() {
                let d = WindowsHelloMatcher.compare(captured, hello, knownOrders: set.orders)
                differences[i] = d
                scores[i] = d.reduce(0) { $0 + $1.weight }
            }
            return Scored(
                candidates: set.candidates.indices.map { ($0, scores[set.candidates[$0].group] ?? 0) },
                differences: differences, set: set)
        }

        private func select(_ scored: Scored, releases: [WindowsRelease], limit: Int, captureDay: String?) -> Ranking {
            let set = scored.set
            var notes: [String] = []
            // A capture's time leaves out what did not exist yet (times before 2000 or in the future are not trusted).
            var lateReleases: [String] = []
            var lateLevels: [String] = []
            let allowed = Set(releases)
            // Per release, its best (stack, patch level, configuration).
            var best: [WindowsRelease: (candidate: Int, score: Int)] = [:]
            var stacksOf: [WindowsRelease: [Int: [ClientStack]]] = [:]
            for (index, score) in scored.candidates {
                let c = set.candidates[index]
                guard allowed.contains(c.release) else { continue }
                if let day = captureDay {
                    if let made = c.released, made > day {
                        if !lateReleases.contains(c.release.rawValue) { lateReleases.append(c.release.rawValue) }
                        continue
                    }
                    if let level = c.patch, level.date.value > String(day.prefix(7)) {
                        let name = "\(c.release.rawValue) \(level.name)"
                        if !lateLevels.contains(name) { lateLevels.append(name) }
                        continue
                    }
                }
                if !(stacksOf[c.release]?[c.group]?.contains(c.stack) ?? false) {
                    stacksOf[c.release, default: [:]][c.group, default: []].append(c.stack)
                }
                if let current = best[c.release] {
                    let a = set.candidates[current.candidate]
                    if score > current.score { continue }
                    if score == current.score {
                        // At equal score: the release's defaults, then WinHTTP (the update agent), then the newest patch level.
                        if (a.label == "defaults") != (c.label == "defaults") {
                            if a.label == "defaults" { continue }
                        } else if (a.stack == .winHTTP) != (c.stack == .winHTTP) {
                            if a.stack == .winHTTP { continue }
                        } else if (a.patch?.date.value ?? "") >= (c.patch?.date.value ?? "") {
                            continue
                        }
                    }
                }
                best[c.release] = (index, score)
            }
            if let day = captureDay {
                notes += Self.lateNotes(day: day, releases: lateReleases, levels: lateLevels)
            }
            // Releases whose chosen hellos are the same (bytes, configuration, stack) are named together.
            var grouped = Self.grouped(best, stacksOf: stacksOf, scored: scored)
            let order = Dictionary(uniqueKeysWithValues: WindowsRelease.allCases.enumerated().map { ($1, $0) })
            // Best first; at equal score a release's own defaults before a changed configuration, then the newest release.
            grouped.sort { a, b in
                if a.score != b.score { return a.score < b.score }
                if (a.configuration == "defaults") != (b.configuration == "defaults") {
                    return a.configuration == "defaults"
                }
                return (order[a.releases.last!] ?? 0) > (order[b.releases.last!] ?? 0)
            }
            return Ranking(matches: Array(grouped.prefix(limit)), notes: notes)
        }

        /// What a capture's time left out: releases made after it, patch levels whose evidence is newer.
        private static func lateNotes(day: String, releases lateReleases: [String], levels lateLevels: [String])
            -> [String]
        {
            var notes: [String] = []
            if !lateReleases.isEmpty {
                notes.append("left out, made after the capture (\(day)): \(lateReleases.joined(separator: ", "))")
            }
            if !lateLevels.isEmpty {
                notes.append(
                    "patch levels left out, their evidence is newer than the capture (\(day)): \(lateLevels.joined(separator: ", "))"
                )
            }
            return notes
        }

        /// Each release's best candidate as a match, releases whose chosen hellos are the same (bytes,
        /// configuration, stack) named together, in catalog order.
        private static func grouped(
            _ best: [WindowsRelease: (candidate: Int, score: Int)], stacksOf: [WindowsRelease: [Int: [ClientStack]]],
            scored: Scored
        ) -> [HelloMatch] {
            var grouped: [HelloMatch] = []
            var groupIndex: [String: Int] = [:]
            for release in WindowsRelease.allCases {
                guard let (index, score) = best[release] else { continue }
                let c = scored.set.candidates[index]
                let stacks = ClientStack.selectable.filter { (stacksOf[release]?[c.group] ?? [c.stack]).contains($0) }
                let key = "\(c.group)|\(c.label)|\(c.stack.rawValue)"
                if let i = groupIndex[key] {
                    grouped[i].releases.append(release)
                    if let name = c.patch?.name, !grouped[i].patchLevels.contains(name) {
                        grouped[i].patchLevels.append(name)
                    }
                    grouped[i].stacks = ClientStack.selectable.filter {
                        grouped[i].stacks.contains($0) || stacks.contains($0)
                    }
                } else {
                    groupIndex[key] = grouped.count
                    grouped.append(
                        HelloMatch(
                            releases: [release], score: score, differences: scored.differences[c.group] ?? [],
                            configuration: c.label, assumptions: c.assumptions, stack: c.stack, stacks: stacks,
                            patchLevels: c.patch.map { [$0.name] } ?? []))
                }
            }
            return grouped
        }
    }

    /// The release's defaults, and (when the capture offers other protocols) the setting that offers them:
    /// WinHTTP's DefaultSecureProtocols, or for other stacks the Schannel client protocol keys.
    static func configurations(_ release: WindowsRelease, versions: [TLSVersion], stack: ClientStack = .winHTTP) -> [(
        String, UInt32?
    )] {
        var result: [(String, UInt32?)] = [("defaults", nil)]
        let supported = Catalog.shared.release(release).supportedProtocols
        let wanted = versions.filter { supported.contains($0) }
        if !wanted.isEmpty {
            let mask = wanted.reduce(UInt32(0)) { $0 | WinHTTPSetting.bit(for: $1) }
            if stack == .winHTTP {
                result.append(
                    (
                        "DefaultSecureProtocols=0x\(String(mask, radix: 16, uppercase: true)) (\(wanted.map(\.rawValue).joined(separator: ", ")))",
                        mask
                    ))
            } else {
                result.append(
                    (
                        "asks for \(wanted.map(\.rawValue).joined(separator: ", ")) only (the application, or the Schannel client protocol keys)",
                        mask
                    ))
            }
        }
        return result
    }

    static func config(_ release: WindowsRelease, defaultSecureProtocols mask: UInt32?) throws(InputError)
        -> WindowsTLSConfig
    {
        var lines = ["Windows Registry Editor Version 5.00", ""]
        if let mask {
            lines.append(#"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp]"#)
            lines.append("\"DefaultSecureProtocols\"=dword:" + mask.hex8)
            // Before Windows 10 the Schannel client keys must be on too (KB3140245).
            for v in WinHTTPSetting.protocols(in: mask) {
                lines.append("[HKEY_LOCAL_MACHINE\\" + RegistryPath.protocolKey(v, client: true) + "]")
                lines.append("\"Enabled\"=dword:00000001")
                lines.append("\"DisabledByDefault\"=dword:00000000")
            }
        }
        let text = lines.joined(separator: "\r\n") + "\r\n"
        return try WindowsConfigReader.read([.init(name: "candidate.reg", bytes: Array(text.utf8))], release: release)
    }

    /// What differs between a captured hello and a candidate, with weights: signature algorithms and
    /// the suite list say most about the release; extensions and protocols often about the application or configuration.
    public static func compare(_ captured: ClientHello, _ candidate: ClientHello, knownOrders: Set<[UInt16]> = [])
        -> [HelloDifference]
    {
        var out: [HelloDifference] = []
        let grease = ClientHello.isGREASE
        let versionsA = captured.offeredVersions
        let versionsB = candidate.offeredVersions
        if versionsA != versionsB {
            out.append(
                HelloDifference(
                    kind: "protocols",
                    detail:
                        "the capture offers \(versionsA.map(\.rawValue).joined(separator: ", ")); this release offers \(versionsB.map(\.rawValue).joined(separator: ", "))",
                    weight: 4))
        }
        out += suiteDifferences(captured, candidate)
        if captured.signatureAlgorithms.filter({ !grease($0) }) != candidate.signatureAlgorithms {
            let a = captured.signatureAlgorithms.map(SignatureScheme.name).joined(separator: ", ")
            let b = candidate.signatureAlgorithms.map(SignatureScheme.name).joined(separator: ", ")
            out.append(
                HelloDifference(kind: "signature-algorithms", detail: "capture: [\(a)]; release: [\(b)]", weight: 10))
        }
        if captured.supportedGroups.filter({ !grease($0) }) != candidate.supportedGroups {
            let a = captured.supportedGroups.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            let b = candidate.supportedGroups.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            out.append(
                HelloDifference(kind: "groups", detail: "capture: [\(a)]; release: [\(b)] (EccCurves?)", weight: 3))
        }
        if captured.pointFormats != candidate.pointFormats {
            out.append(
                HelloDifference(
                    kind: "point-formats",
                    detail:
                        "capture: \(captured.pointFormats.map { "\($0)" } ?? "none"); release: \(candidate.pointFormats.map { "\($0)" } ?? "none")",
                    weight: 2))
        }
        out += extensionDifferences(captured, candidate, knownOrders: knownOrders)
        if captured.recordVersion != candidate.recordVersion {
            out.append(
                HelloDifference(
                    kind: "record-version",
                    detail: "capture: 0x\(hex4(captured.recordVersion)); release: 0x\(hex4(candidate.recordVersion))",
                    weight: 1))
        }
        if captured.sessionID.count != candidate.sessionID.count {
            out.append(
                HelloDifference(
                    kind: "session-id",
                    detail:
                        "capture: \(captured.sessionID.count) bytes; release: \(candidate.sessionID.count) (a resumed session?)",
                    weight: 1))
        }
        let sharesA = captured.keyShares.map(\.group).filter { !grease($0) }
        let sharesB = candidate.keyShares.map(\.group)
        if sharesA != sharesB {
            let a = sharesA.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            let b = sharesB.map { NamedGroup.name(forID: Int($0)) }.joined(separator: ", ")
            out.append(HelloDifference(kind: "key-shares", detail: "capture: [\(a)]; release: [\(b)]", weight: 2))
        }
        return out
    }

    /// The cipher suites only one side offers, and the order of those both offer (the capture's GREASE
    /// and renegotiation SCSV left out).
    private static func suiteDifferences(_ captured: ClientHello, _ candidate: ClientHello) -> [HelloDifference] {
        var out: [HelloDifference] = []
        func names(_ codes: [UInt16]) -> String {
            codes.map { code in Catalog.shared.suite(code: code)?.iana ?? "0x" + hex4(code) }.joined(separator: ", ")
        }
        let grease = ClientHello.isGREASE
        let suitesA = captured.cipherSuites.filter { !grease($0) && $0 != 0x00FF }
        let suitesB = candidate.cipherSuites
        let missing = suitesB.filter { !suitesA.contains($0) }
        let extra = suitesA.filter { !suitesB.contains($0) }
        if !missing.isEmpty {
            out.append(
                HelloDifference(
                    kind: "suites-missing",
                    detail:
                        "not in the capture: \(names(missing)) (a configured suite order or a cipher switch, or the application, removes them)",
                    weight: min(missing.count, 10)))
        }
        if !extra.isEmpty {
            out.append(
                HelloDifference(
                    kind: "suites-extra", detail: "only in the capture: \(names(extra))",
                    weight: min(2 * extra.count, 20)))
        }
        let commonA = suitesA.filter { suitesB.contains($0) }
        let commonB = suitesB.filter { suitesA.contains($0) }
        if commonA != commonB {
            out.append(
                HelloDifference(
                    kind: "suites-order",
                    detail: "the suites both hold are in another order (a configured suite order?)", weight: 3))
        }
        return out
    }

    /// The extensions only one side sends, and the order of those both send, against the orders that
    /// modelled releases and stacks send (the capture's GREASE left out).
    private static func extensionDifferences(
        _ captured: ClientHello, _ candidate: ClientHello, knownOrders: Set<[UInt16]>
    ) -> [HelloDifference] {
        var out: [HelloDifference] = []
        let grease = ClientHello.isGREASE
        let extA = captured.extensionTypes.filter { !grease($0) }
        let extB = candidate.extensionTypes
        let extMissing = extB.filter { !extA.contains($0) }
        let extExtra = extA.filter { !extB.contains($0) }
        func extNames(_ t: [UInt16]) -> String {
            t.map { "\(TLSExtensionNames.name($0)) (0x\(hex4($0)))" }.joined(separator: ", ")
        }
        if !extMissing.isEmpty {
            out.append(
                HelloDifference(
                    kind: "extensions-missing", detail: "not in the capture: \(extNames(extMissing))",
                    weight: 2 * extMissing.count))
        }
        if !extExtra.isEmpty {
            out.append(
                HelloDifference(
                    kind: "extensions-extra",
                    detail:
                        "only in the capture: \(extNames(extExtra)) (WinHTTP sends none of them; a browser or another TLS stack does)",
                    weight: 2 * extExtra.count))
        }
        if extA.filter({ extB.contains($0) }) != extB.filter({ extA.contains($0) }) {
            // Schannel's order, unless no modelled release or stack sends the capture's extensions in this order.
            let known = knownOrders.contains { order in
                let common = extA.filter { order.contains($0) }
                return common.count >= 2 && common == order.filter { extA.contains($0) }
            }
            out.append(
                HelloDifference(
                    kind: "extensions-order",
                    detail: known
                        ? "the extensions both hold are in another order than this candidate's (another modelled release or stack sends the capture's order)"
                        : "the extensions both hold are in another order (no modelled Schannel release or stack sends this order)",
                    weight: 4))
        }
        return out
    }
}
