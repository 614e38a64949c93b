/// Parses `windows-hello.tsv`: profile rows, then release rows that override single fields.
enum HelloProfileLoader {
    static let fields = [
        "extensions", "signature_algorithms", "point_formats", "key_shares", "psk_modes", "session_id",
        "record_version", "status_request", "session_ticket", "winhttp_protocols",
    ]
    /// Fields of a patch level (`PROFILE@LEVEL`), a stack (`stack:NAME`) and a release's date.
    static let patchFields = ["date", "ubr", "signature_algorithms", "suite_list"]
    static let stackFields = [
        "protocols", "drop_suites", "strong_crypto", "status_request", "session_ticket", "point_formats",
    ]

    typealias Row = (value: String, confidence: FactConfidence, source: String, line: Int)

    /// Scope (profile or release id) -> field -> row.
    static func rows(_ text: String) throws(InputError) -> [String: [String: Row]] {
        let table = try TSVTable(text, source: "windows-hello.tsv", columns: 5)
        var result: [String: [String: Row]] = [:]
        for row in table.rows {
            let f = row.fields
            let known: [String]
            if f[0].hasPrefix("stack:") {
                let name = String(f[0].dropFirst(6).prefix { $0 != "@" })
                guard ClientStack(rawValue: name) != nil else {
                    throw table.error(
                        row,
                        "unknown stack '\(name)' (known: \(ClientStack.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                known = stackFields
            } else if f[0].contains("@") {
                known = patchFields
            } else {
                known = fields + ["released"]
            }
            guard known.contains(f[1]) else {
                throw table.error(row, "unknown field '\(f[1])' for \(f[0]) (known: \(known.joined(separator: ", ")))")
            }
            guard let confidence = FactConfidence(rawValue: f[3]) else {
                throw table.error(row, "confidence must be captured, documented, reported or assumed, not '\(f[3])'")
            }
            guard result[f[0]]?[f[1]] == nil else { throw table.error(row, "\(f[0]) \(f[1]) appears twice") }
            guard f[4] != "-" else { throw table.error(row, "every fact needs its source") }
            result[f[0], default: [:]][f[1]] = (f[2], confidence, f[4], row.line)
        }
        return result
    }

    /// The profile `name` with the overrides of `release`.
    static func profile(
        _ name: String, release: String, rows: [String: [String: Row]],
        suiteLists: [String: [WindowsSuiteSupport]] = [:]
    ) throws(InputError) -> WindowsHelloProfile {
        guard let base = rows[name] else {
            throw InputError(
                source: "windows-hello.tsv",
                message: "no rows for hello profile '\(name)' (named by \(release) in windows-releases.tsv)")
        }
        let overrides = rows[release] ?? [:]
        func row(_ field: String) throws(InputError) -> Row {
            guard let r = overrides[field] ?? base[field] else {
                throw InputError(source: "windows-hello.tsv", message: "hello profile \(name) has no \(field) row")
            }
            return r
        }

        let ext = try row("extensions")
        var kinds: [HelloExtensionKind] = []
        for item in list(ext) {
            guard let k = HelloExtensionKind(rawValue: item) else {
                throw fail(
                    ext,
                    "unknown extension '\(item)' (known: \(HelloExtensionKind.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            kinds.append(k)
        }
        let shares = try row("key_shares")
        var groups: [UInt16] = []
        for item in list(shares) {
            guard let id = NamedGroup.id(forName: item) else { throw fail(shares, "unknown group '\(item)'") }
            groups.append(UInt16(id))
        }
        let session = try row("session_id")
        guard let sessionLength = Int(session.value), sessionLength == 0 || sessionLength == 32 else {
            throw fail(session, "session_id is 0 or 32, not '\(session.value)'")
        }
        let record = try row("record_version")
        var recordVersion: UInt16?
        if record.value != "hello" {
            guard record.value.count == 4, let v = UInt16(record.value, radix: 16) else {
                throw fail(record, "record_version is hello or a hex version such as 0303")
            }
            recordVersion = v
        }
        let winhttp = try row("winhttp_protocols")
        var protocols: [TLSVersion] = []
        for item in list(winhttp) {
            guard let v = TLSVersion(rawValue: item) else { throw fail(winhttp, "unknown protocol '\(item)'") }
            protocols.append(v)
        }
        let status = try row("status_request")
        let ticket = try row("session_ticket")
        let sigalgs = try row("signature_algorithms")
        let points = try row("point_formats")
        let psk = try row("psk_modes")
        var result = WindowsHelloProfile(
            name: name, extensions: fact(ext, kinds), signatureAlgorithms: fact(sigalgs, try hex16(sigalgs)),
            pointFormats: fact(points, try hex8(points)), keyShares: fact(shares, groups),
            pskModes: fact(psk, try hex8(psk)),
            sessionIDLength: fact(session, sessionLength), recordVersion: fact(record, recordVersion),
            statusRequest: fact(status, try flag(status)), sessionTicket: fact(ticket, try flag(ticket)),
            winHTTPProtocols: fact(winhttp, protocols.sorted()))

        // Patch levels: the release's own, else its profile's; ordered by date.
        result.patchLevels = try patchLevels(name, release: release, rows: rows, suiteLists: suiteLists)
        result.stacks = try stacks(name, rows: rows)
        if let r = rows[release]?["released"] {
            let parts = r.value.split(separator: "-")
            guard parts.count == 3, parts.allSatisfy({ Int($0) != nil }) else {
                throw fail(r, "released is YYYY-MM-DD, not '\(r.value)'")
            }
            result.released = fact(r, r.value)
        }
        return result
    }

    /// The patch levels of `release` (`RELEASE@LEVEL`), else of its profile (`PROFILE@LEVEL`), by date.
    static func patchLevels(
        _ name: String, release: String, rows: [String: [String: Row]],
        suiteLists: [String: [WindowsSuiteSupport]]
    ) throws(InputError) -> [HelloPatchLevel] {
        let ownLevels = rows.keys.filter { $0.hasPrefix(release + "@") }
        let levelScopes = !ownLevels.isEmpty ? ownLevels : rows.keys.filter { $0.hasPrefix(name + "@") }
        var levels: [HelloPatchLevel] = []
        for scope in levelScopes {
            let r = rows[scope]!
            let levelName = String(scope[scope.index(after: scope.firstIndex(of: "@")!)...])
            guard let date = r["date"] else {
                throw InputError(source: "windows-hello.tsv", message: "patch level \(scope) has no date row")
            }
            guard date.value.count == 7, date.value.dropFirst(4).first == "-", Int(date.value.prefix(4)) != nil,
                Int(date.value.suffix(2)) != nil
            else {
                throw fail(date, "date is YYYY-MM, not '\(date.value)'")
            }
            var level = HelloPatchLevel(name: levelName, date: fact(date, date.value))
            if let u = r["ubr"], u.value != "-" {
                guard let v = Int(u.value), v >= 0 else { throw fail(u, "ubr is a number or -, not '\(u.value)'") }
                level.ubr = v
            }
            if let s = r["signature_algorithms"] { level.signatureAlgorithms = fact(s, try hex16(s)) }
            if let s = r["suite_list"] {
                guard let list = suiteLists[s.value] ?? (suiteLists.isEmpty ? [] : nil) else {
                    throw fail(s, "suite list '\(s.value)' is not in windows-suites.tsv")
                }
                level.suiteList = fact(s, s.value)
                level.suiteOrder = list.isEmpty ? nil : list.filter(\.enabledByDefault)
            }
            levels.append(level)
        }
        return levels.sorted { ($0.date.value, $0.name) < ($1.date.value, $1.name) }
    }

    /// What each client stack changes: `stack:NAME@PROFILE` rows over `stack:NAME` rows.
    static func stacks(_ name: String, rows: [String: [String: Row]]) throws(InputError) -> [ClientStack:
        HelloStackFacts]
    {
        var result: [ClientStack: HelloStackFacts] = [:]
        for stack in ClientStack.allCases {
            let general = rows["stack:" + stack.rawValue] ?? [:]
            let specific = rows["stack:" + stack.rawValue + "@" + name] ?? [:]
            func stackRow(_ field: String) -> Row? { specific[field] ?? general[field] }
            guard let p = stackRow("protocols"), let d = stackRow("drop_suites"), let s = stackRow("strong_crypto")
            else {
                if general.isEmpty && specific.isEmpty { continue }
                throw InputError(
                    source: "windows-hello.tsv",
                    message: "stack:\(stack.rawValue) needs protocols, drop_suites and strong_crypto rows")
            }
            guard let protocols = HelloStackFacts.Protocols(rawValue: p.value) else {
                throw fail(p, "protocols is winhttp, schannel, enabled or dotnet-framework, not '\(p.value)'")
            }
            let drop = list(d)
            if let bad = drop.first(where: { !["DHE", "RC4", "3DES"].contains($0) }) {
                throw fail(d, "drop_suites names DHE, RC4 or 3DES, not '\(bad)'")
            }
            guard let strong = HelloStackFacts.StrongCrypto(rawValue: s.value) else {
                throw fail(s, "strong_crypto is yes, no or registry, not '\(s.value)'")
            }
            var facts = HelloStackFacts(
                stack: stack, protocols: fact(p, protocols), dropSuites: fact(d, drop), strongCrypto: fact(s, strong))
            if let r = stackRow("status_request") { facts.statusRequest = fact(r, try flag(r)) }
            if let r = stackRow("session_ticket") { facts.sessionTicket = fact(r, try flag(r)) }
            if let r = stackRow("point_formats") { facts.pointFormats = fact(r, try hex8(r)) }
            result[stack] = facts
        }
        return result
    }

    // The readers of one row's value; an error names the row's line in windows-hello.tsv.

    static func fail(_ r: Row, _ message: String) -> InputError {
        InputError(source: "windows-hello.tsv", line: r.line, message: message)
    }
    static func list(_ r: Row) -> [String] {
        r.value == "-" ? [] : r.value.split(separator: ",").map { $0.trimmingSpaces }
    }
    static func hex16(_ r: Row) throws(InputError) -> [UInt16] {
        var out: [UInt16] = []
        for item in list(r) {
            guard item.count == 4, let v = UInt16(item, radix: 16) else {
                throw fail(r, "'\(item)' is not a 4-digit hex code point")
            }
            out.append(v)
        }
        return out
    }
    static func hex8(_ r: Row) throws(InputError) -> [UInt8] {
        var out: [UInt8] = []
        for item in list(r) {
            guard item.count == 2, let v = UInt8(item, radix: 16) else {
                throw fail(r, "'\(item)' is not a 2-digit hex value")
            }
            out.append(v)
        }
        return out
    }
    static func flag(_ r: Row) throws(InputError) -> Bool {
        guard r.value == "yes" || r.value == "no" else { throw fail(r, "write yes or no, not '\(r.value)'") }
        return r.value == "yes"
    }
    static func fact<V>(_ r: Row, _ v: V) -> HelloFact<V> {
        HelloFact(value: v, confidence: r.confidence, source: r.source)
    }
}
