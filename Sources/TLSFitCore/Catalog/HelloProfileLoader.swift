/// Parses `windows-hello.tsv`: profile rows, then release rows that override single fields.
enum HelloProfileLoader {
    static let fields = [
        "extensions", "signature_algorithms", "point_formats", "key_shares", "psk_modes", "session_id",
        "record_version", "status_request", "session_ticket", "winhttp_protocols",
    ]

    typealias Row = (value: String, confidence: FactConfidence, source: String, line: Int)

    /// Scope (profile or release id) -> field -> row.
    static func rows(_ text: String) throws(InputError) -> [String: [String: Row]] {
        let table = try TSVTable(text, source: "windows-hello.tsv", columns: 5)
        var result: [String: [String: Row]] = [:]
        for row in table.rows {
            let f = row.fields
            guard fields.contains(f[1]) else { throw table.error(row, "unknown field '\(f[1])' (known: \(fields.joined(separator: ", ")))") }
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
    static func profile(_ name: String, release: String, rows: [String: [String: Row]]) throws(InputError) -> WindowsHelloProfile {
        guard let base = rows[name] else { throw InputError(source: "windows-hello.tsv", message: "no rows for hello profile '\(name)' (named by \(release) in windows-releases.tsv)") }
        let overrides = rows[release] ?? [:]
        func row(_ field: String) throws(InputError) -> Row {
            guard let r = overrides[field] ?? base[field] else {
                throw InputError(source: "windows-hello.tsv", message: "hello profile \(name) has no \(field) row")
            }
            return r
        }
        func fail(_ r: Row, _ message: String) -> InputError {
            InputError(source: "windows-hello.tsv", line: r.line, message: message)
        }
        func list(_ r: Row) -> [String] { r.value == "-" ? [] : r.value.split(separator: ",").map { $0.trimmingSpaces } }
        func hex16(_ r: Row) throws(InputError) -> [UInt16] {
            var out: [UInt16] = []
            for item in list(r) {
                guard item.count == 4, let v = UInt16(item, radix: 16) else { throw fail(r, "'\(item)' is not a 4-digit hex code point") }
                out.append(v)
            }
            return out
        }
        func hex8(_ r: Row) throws(InputError) -> [UInt8] {
            var out: [UInt8] = []
            for item in list(r) {
                guard item.count == 2, let v = UInt8(item, radix: 16) else { throw fail(r, "'\(item)' is not a 2-digit hex value") }
                out.append(v)
            }
            return out
        }
        func flag(_ r: Row) throws(InputError) -> Bool {
            guard r.value == "yes" || r.value == "no" else { throw fail(r, "write yes or no, not '\(r.value)'") }
            return r.value == "yes"
        }
        func fact<V>(_ r: Row, _ v: V) -> HelloFact<V> { HelloFact(value: v, confidence: r.confidence, source: r.source) }

        let ext = try row("extensions")
        var kinds: [HelloExtensionKind] = []
        for item in list(ext) {
            guard let k = HelloExtensionKind(rawValue: item) else {
                throw fail(ext, "unknown extension '\(item)' (known: \(HelloExtensionKind.allCases.map(\.rawValue).joined(separator: ", ")))")
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
            guard record.value.count == 4, let v = UInt16(record.value, radix: 16) else { throw fail(record, "record_version is hello or a hex version such as 0303") }
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
        return WindowsHelloProfile(
            name: name, extensions: fact(ext, kinds), signatureAlgorithms: fact(sigalgs, try hex16(sigalgs)),
            pointFormats: fact(points, try hex8(points)), keyShares: fact(shares, groups), pskModes: fact(psk, try hex8(psk)),
            sessionIDLength: fact(session, sessionLength), recordVersion: fact(record, recordVersion),
            statusRequest: fact(status, try flag(status)), sessionTicket: fact(ticket, try flag(ticket)),
            winHTTPProtocols: fact(winhttp, protocols.sorted()))
    }
}
