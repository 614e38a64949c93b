import CipherSuites

/// How sure tlsfit is that a cause shows as a given Windows error.
public enum ErrorEvidence: String, Sendable, Hashable, Codable, CaseIterable {
    /// Microsoft documents it (an error's definition, or a support article).
    case documented
    /// Public reports show it, Microsoft does not say so.
    case observed
    /// Inferred from how the failure happens; nobody reported it.
    case assumed
}

/// One row of `cause-errors.tsv`: the Windows error(s) a cause shows as.
public struct CauseErrors: Sendable, Hashable {
    /// The cause code, or `*` for a row that applies to every configuration cause.
    public var cause: String
    /// `nil` always; `no-client-hello` when the client sends no ClientHello at all.
    public var context: String?
    /// The code the cause most likely shows as.
    public var primary: String
    /// Other codes seen for the same cause.
    public var others: [String]
    public var evidence: ErrorEvidence
    public var source: String
    /// One line without host names: the heading of a finding that groups hosts.
    public var title: String
    public var line: Int
}

/// The single source of the cause -> Windows error mapping (`CipherSuites/cause-errors.tsv`): every
/// header, explanation and JSON field that names an error for a cause reads it from here.
public struct CauseErrorCatalog: Sendable {
    public static let contextNoClientHello = "no-client-hello"

    /// Loaded once from the embedded file; a malformed file (or a cause code without a row) is a programming error.
    public static let shared: CauseErrorCatalog = {
        do { return try CauseErrorCatalog(CipherSuitesData.causeErrorsTSV) } catch {
            fatalError("embedded cause-errors.tsv is malformed: \(error)")
        }
    }()

    public let rows: [CauseErrors]

    /// Parses the file; throws with file and line on a malformed row, a duplicate, or a `CauseCode` with no row.
    public init(_ text: String, requireEveryCause: Bool = true) throws(InputError) {
        let table = try TSVTable(text, source: "cause-errors.tsv", columns: 7)
        var rows: [CauseErrors] = []
        for row in table.rows {
            let f = row.fields
            guard f[0] == "*" || CauseCode(rawValue: f[0]) != nil else {
                throw table.error(row, "'\(f[0])' is not a cause code (see CauseCode)")
            }
            let context: String? = f[1] == "-" ? nil : f[1]
            guard context == nil || context == Self.contextNoClientHello else {
                throw table.error(row, "context must be - or \(Self.contextNoClientHello), not '\(f[1])'")
            }
            let others = f[3] == "-" ? [] : f[3].split(separator: ",").map { String($0).trimmingSpaces }
            for code in [f[2]] + others where !Self.isErrorCode(code) {
                throw table.error(row, "'\(code)' is not an error code of the form 0x80072EFE")
            }
            guard let evidence = ErrorEvidence(rawValue: f[4]) else {
                throw table.error(row, "evidence must be documented, observed or assumed, not '\(f[4])'")
            }
            guard !rows.contains(where: { $0.cause == f[0] && $0.context == context }) else {
                throw table.error(row, "\(f[0]) has two rows for the same context")
            }
            rows.append(
                CauseErrors(
                    cause: f[0], context: context, primary: f[2], others: others, evidence: evidence, source: f[5],
                    title: f[6], line: row.line))
        }
        if requireEveryCause,
            let missing = CauseCode.allCases.first(where: { c in
                !rows.contains { $0.cause == c.rawValue && $0.context == nil }
            })
        {
            throw InputError(
                source: "cause-errors.tsv",
                message:
                    "cause code \(missing.rawValue) has no row; add one (cause, context, primary error, other errors, evidence, source, title)"
            )
        }
        self.rows = rows
    }

    static func isErrorCode(_ s: String) -> Bool {
        s.hasPrefix("0x") && s.count == 10 && UInt32(s.dropFirst(2), radix: 16) != nil
            && s.dropFirst(2).uppercased() == s.dropFirst(2)
    }

    /// The errors for a cause, in a context (nil: the usual one). A context row for `*` applies to every cause.
    public func errors(for code: CauseCode, context: String? = nil) -> CauseErrors {
        if let context,
            let row = rows.first(where: { ($0.cause == code.rawValue || $0.cause == "*") && $0.context == context })
        {
            return row
        }
        if let row = rows.first(where: { $0.cause == code.rawValue && $0.context == nil }) { return row }
        // Unreachable with the embedded file (the loader requires a row per code).
        return CauseErrors(
            cause: code.rawValue, context: nil, primary: WindowsErrorMapping.connectionAborted, others: [],
            evidence: .assumed,
            source: "no row in cause-errors.tsv", title: code.rawValue, line: 0)
    }
}
