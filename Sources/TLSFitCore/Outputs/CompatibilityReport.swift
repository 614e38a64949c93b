import FoundationEssentials

/// Whether a Windows client configuration reaches a host.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    case ok
    case fails
}

/// One cell of a compatibility matrix: a candidate configuration, on a Windows release, against a host.
public struct MatrixCell: Sendable, Hashable, Codable {
    public var candidate: String
    public var windowsRelease: WindowsRelease
    /// `host:port`.
    public var host: String
    public var verdict: Verdict
    /// What would be (or was) negotiated when the verdict is ok.
    public var `protocol`: TLSVersion?
    /// IANA name of the suite.
    public var cipher: String?
    /// Cause codes when the verdict is fails (the diagnosis vocabulary).
    public var causes: [String]
    /// The Windows error the client would show.
    public var windowsError: String?
    /// One line for people.
    public var summary: String
    /// True when a real handshake confirmed the simulation, false when it disagreed, nil when not tried.
    public var confirmed: Bool?

    public init(
        candidate: String, windowsRelease: WindowsRelease, host: String, verdict: Verdict, protocol: TLSVersion? = nil,
        cipher: String? = nil, causes: [String] = [], windowsError: String? = nil, summary: String,
        confirmed: Bool? = nil
    ) {
        self.candidate = candidate
        self.windowsRelease = windowsRelease
        self.host = host
        self.verdict = verdict
        self.protocol = `protocol`
        self.cipher = cipher
        self.causes = causes
        self.windowsError = windowsError
        self.summary = summary
        self.confirmed = confirmed
    }
}

/// A candidate configuration: a name and the files it was read from.
public struct CandidateInfo: Sendable, Hashable, Codable {
    public var name: String
    public var files: [String]
    /// Every configuration warning of the candidate that changes the hello (on any release of the
    /// report), with its file and line and the causes it produces in the matrix.
    public var configurationFindings: [ConfigurationFinding]

    public init(name: String, files: [String], configurationFindings: [ConfigurationFinding] = []) {
        self.name = name
        self.files = files
        self.configurationFindings = configurationFindings
    }

    enum CodingKeys: String, CodingKey { case name, files, configurationFindings }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        files = try c.decode([String].self, forKey: .files)
        configurationFindings = try c.decodeIfPresent([ConfigurationFinding].self, forKey: .configurationFindings) ?? []
    }
}

/// The verdict on one candidate across every release and host.
public struct CandidateSummary: Sendable, Hashable, Codable {
    public var candidate: String
    /// True when every cell of the candidate is ok: safe to roll out to the releases tested.
    public var safe: Bool
    public var okCells: Int
    public var failingCells: Int
    /// Why not, in plain words (empty when safe).
    public var reasons: [String]

    public init(candidate: String, safe: Bool, okCells: Int, failingCells: Int, reasons: [String]) {
        self.candidate = candidate
        self.safe = safe
        self.okCells = okCells
        self.failingCells = failingCells
        self.reasons = reasons
    }
}

/// A set of machines with identical effective configurations (fleet mode).
public struct FleetGroup: Sendable, Hashable, Codable {
    public var id: String
    public var windowsRelease: WindowsRelease
    public var machineCount: Int
    public var machines: [String]
    /// The candidate name used for this group in `cells`.
    public var candidate: String
    public var verdicts: [MatrixCell]

    public init(
        id: String, windowsRelease: WindowsRelease, machines: [String], candidate: String, verdicts: [MatrixCell]
    ) {
        self.id = id
        self.windowsRelease = windowsRelease
        self.machineCount = machines.count
        self.machines = machines
        self.candidate = candidate
        self.verdicts = verdicts
    }
}

/// A compatibility report: candidates x Windows releases x hosts.
public struct CompatibilityReport: Sendable, Hashable, Codable {
    public var schemaVersion: Int
    public var generatedAt: Date
    public var candidates: [CandidateInfo]
    public var windowsReleases: [WindowsRelease]
    public var hosts: [String]
    public var cells: [MatrixCell]
    public var summary: [CandidateSummary]
    /// Fleet mode only.
    public var groups: [FleetGroup]?
    /// Where each host's server profile came from (`scan`, `file`, `built-in`).
    public var serverSources: [String: String]
    /// Fleet mode only: exports that could not be read (file, line, reason).
    public var skipped: [SkippedInput]?

    public init(
        generatedAt: Date = Date(), candidates: [CandidateInfo], windowsReleases: [WindowsRelease], hosts: [String],
        cells: [MatrixCell], groups: [FleetGroup]? = nil, serverSources: [String: String] = [:],
        skipped: [SkippedInput]? = nil
    ) {
        self.schemaVersion = JSONOutput.schemaVersion
        self.generatedAt = generatedAt
        self.candidates = candidates
        self.windowsReleases = windowsReleases
        self.hosts = hosts
        self.cells = cells
        self.groups = groups
        self.serverSources = serverSources
        self.skipped = skipped
        self.summary = Self.summarize(candidates: candidates, cells: cells)
    }

    /// True when every cell is ok.
    public var allOK: Bool { cells.allSatisfy { $0.verdict == .ok } }

    public func cell(candidate: String, release: WindowsRelease, host: String) -> MatrixCell? {
        cells.first { $0.candidate == candidate && $0.windowsRelease == release && $0.host == host }
    }

    /// The cells by (candidate, release, host), for renderers that look up many cells (a fleet has thousands).
    public func cellIndex() -> CellIndex { CellIndex(cells) }

    /// Constant-time cell lookup.
    public struct CellIndex: Sendable {
        struct Key: Hashable {
            var candidate: String
            var release: WindowsRelease
            var host: String
        }
        private var cells: [Key: MatrixCell] = [:]

        init(_ list: [MatrixCell]) {
            cells.reserveCapacity(list.count)
            for c in list where cells[Key(candidate: c.candidate, release: c.windowsRelease, host: c.host)] == nil {
                cells[Key(candidate: c.candidate, release: c.windowsRelease, host: c.host)] = c
            }
        }

        public func cell(candidate: String, release: WindowsRelease, host: String) -> MatrixCell? {
            cells[Key(candidate: candidate, release: release, host: host)]
        }
    }

    static func summarize(candidates: [CandidateInfo], cells: [MatrixCell]) -> [CandidateSummary] {
        let byCandidate = Dictionary(grouping: cells, by: \.candidate)
        return candidates.map { candidate in
            let mine = byCandidate[candidate.name] ?? []
            let failing = mine.filter { $0.verdict == .fails }
            var reasons: [String] = []
            var seen = Set<String>()
            for cell in failing {
                let reason = "\(cell.windowsRelease.rawValue) -> \(cell.host): \(cell.summary)"
                if seen.insert(reason).inserted { reasons.append(reason) }
            }
            return CandidateSummary(
                candidate: candidate.name, safe: failing.isEmpty && !mine.isEmpty, okCells: mine.count - failing.count,
                failingCells: failing.count, reasons: reasons)
        }
    }
}
