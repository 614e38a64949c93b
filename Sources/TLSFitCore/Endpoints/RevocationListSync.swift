import FoundationEssentials

/// When the machine last refreshed its disallowed-certificate list:
/// `HKLM\SOFTWARE\Microsoft\SystemCertificates\AuthRoot\AutoUpdate` `DisallowedCertLastSyncTime`
/// (REG_BINARY, a FILETIME). More than 24 hours older than the moment the inputs describe, revocation
/// checks of the update chain fail offline (CRYPT_E_REVOCATION_OFFLINE, 0x80092013), and Windows Update
/// reports 0x80072F8F (incident 5 of tlsfit's reference: Windows 10 22H2, 2023, CryptSvc had lost
/// write access to the key). Pure.
public struct RevocationListSync: Sendable, Hashable, Codable {
    public static let key = #"SOFTWARE\Microsoft\SystemCertificates\AuthRoot\AutoUpdate"#
    public static let valueName = "DisallowedCertLastSyncTime"
    public static let maximumAgeHours = 24.0

    /// The time stored in the value.
    public var lastSync: Date
    /// The value as read, with file and line.
    public var evidence: Evidence
    /// The moment the inputs describe (the newest time stamp among them), nil when none has one.
    public var reference: Date?
    /// Where `reference` comes from (`WindowsUpdate.log:12`, `gpresult.xml ReadTime`, `--as-of`).
    public var referenceSource: String?
    /// `reference - lastSync` in hours, nil without a reference.
    public var ageHours: Double?
    /// True when older than 24 hours; nil when its age cannot be judged.
    public var stale: Bool?
    /// One sentence for a person.
    public var note: String

    /// Reads the value; nil when the inputs do not hold it (or it is not an 8-byte FILETIME).
    public static func evaluate(registry: RegistrySnapshot, reference: (date: Date, source: String)?)
        -> RevocationListSync?
    {
        guard let entry = registry.value(key, valueName), case .binary(_, let bytes) = entry.data, bytes.count == 8,
            let lastSync = date(fromFILETIME: bytes)
        else { return nil }
        let evidence = Evidence(entry.provenance)
        guard let reference else {
            return RevocationListSync(
                lastSync: lastSync, evidence: evidence, reference: nil, referenceSource: nil, ageHours: nil, stale: nil,
                note:
                    "DisallowedCertLastSyncTime is \(iso(lastSync)); its age cannot be judged: the inputs carry no time of their own (give --as-of, a WindowsUpdate.log or a gpresult report)"
            )
        }
        let age = reference.date.timeIntervalSince(lastSync) / 3600
        let stale = age > maximumAgeHours
        let note =
            stale
            ? "DisallowedCertLastSyncTime is \(iso(lastSync)), \(Int(age.rounded())) hours before \(iso(reference.date)) (\(reference.source)): more than 24 hours old, so revocation checks run offline"
            : "DisallowedCertLastSyncTime is \(iso(lastSync)), \(age.fixed(1)) hours before \(iso(reference.date)) (\(reference.source)): fresh"
        return RevocationListSync(
            lastSync: lastSync, evidence: evidence, reference: reference.date, referenceSource: reference.source,
            ageHours: (age * 10).rounded() / 10, stale: stale, note: note)
    }

    /// The cause for one update host, when the list is stale.
    public func cause(host: String, port: Int) -> Cause? {
        guard stale == true else { return nil }
        var evidence = [self.evidence]
        if let reference, let referenceSource {
            evidence.append(
                Evidence(
                    file: nil, key: "time the inputs describe", value: "\(Self.iso(reference)) (\(referenceSource))"))
        }
        return Cause(
            code: .revocationOffline,
            summary:
                "the disallowed-certificate list was last refreshed \(Int((ageHours ?? 0).rounded())) hours earlier: revocation checks of \(host)'s chain fail offline",
            explanation:
                "\(note). Windows then cannot check the revocation of the update chain's intermediate (CRYPT_E_REVOCATION_OFFLINE, 0x80092013), and WinHTTP fails the request to \(host):\(port) with 0x80072F8F (ERROR_WINHTTP_SECURE_FAILURE); WindowsUpdate.log shows *FAILED* [80072F8F]. A known cause: the Cryptographic Services account (CryptSvc) lost write access to \(Self.key).",
            evidence: evidence,
            fix: Fix(
                description:
                    "Give NT SERVICE\\CryptSvc full control of HKLM\\\(Self.key) again, restart the Cryptographic Services (net stop cryptsvc && net start cryptsvc), and check that DisallowedCertLastSyncTime moves to the current time (certutil -verifyCTL disallowedcert)."
            ))
    }

    /// FILETIME (100 ns intervals since 1601-01-01 UTC, little-endian) to a date.
    public static func date(fromFILETIME bytes: [UInt8]) -> Date? {
        guard bytes.count == 8 else { return nil }
        var ticks: UInt64 = 0
        for (i, b) in bytes.enumerated() { ticks |= UInt64(b) << (8 * UInt64(i)) }
        guard ticks > 0 else { return nil }
        return Date(timeIntervalSince1970: Double(ticks) / 10_000_000 - 11_644_473_600)
    }

    /// A date as a FILETIME (for tests and fixtures).
    public static func filetime(_ date: Date) -> [UInt8] {
        let ticks = UInt64((date.timeIntervalSince1970 + 11_644_473_600) * 10_000_000)
        return (0..<8).map { UInt8((ticks >> (8 * UInt64($0))) & 0xFF) }
    }

    static func iso(_ d: Date) -> String {
        Timestamp.iso8601(d)
    }
}

/// The moment an input describes, for rules that depend on age.
public enum InputTime {
    /// `<ReadTime>2023-05-04T10:11:12.1234567Z</ReadTime>` of a `gpresult /x` report, if any.
    public static func gpresultReadTime(_ bytes: [UInt8]) -> Date? {
        guard let text = try? TextDecoding.decode(Array(bytes.prefix(1 << 20)), source: "gpresult").text,
            let open = text.firstOccurrence(of: "<ReadTime>"),
            let close = text[open.upperBound...].firstOccurrence(of: "</ReadTime>")
        else { return nil }
        return parseISO(String(text[open.upperBound..<close.lowerBound]))
    }

    /// ISO 8601 with or without fractional seconds and zone (no zone: UTC).
    public static func parseISO(_ raw: String) -> Date? {
        var text = raw.trimmingASCIIWhitespace()
        if let dot = text.firstIndex(of: ".") {
            // Drop fractional seconds (gpresult writes seven digits), keep the zone.
            var end = text.index(after: dot)
            while end < text.endIndex, text[end].isNumber { end = text.index(after: end) }
            text = String(text[..<dot]) + String(text[end...])
        }
        if !(text.hasSuffix("Z") || text.dropFirst(19).contains("+") || text.dropFirst(19).contains("-")) {
            text += "Z"
        }
        return Timestamp.parse(text)
    }
}
