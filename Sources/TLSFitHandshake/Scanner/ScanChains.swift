import FoundationEssentials
import TLSFitCore

/// Finds a protocol's accepted suites with few connections, one ClientHello per step.
///
/// Offer every candidate at once; the server picks one; remove it and offer the rest; repeat until
/// the server refuses: one connection per accepted suite plus one, instead of one per candidate.
/// As soon as two suites are known, they are offered the other way round: a server that enforces
/// its own order picks its first choice again (the elimination order is then its preference
/// order); one that follows the client picks the other.
///
/// A large candidate set is split into parts eliminated side by side (two by default, more with
/// `--fast`); with a server order, the parts are merged by pairwise probes (offer two suites, see
/// which the server takes), a round at a time, until every neighbour in the merged list has been
/// compared by the server itself: the catalog's strength order is only the first guess.
final class SuiteChain {
    let version: TLSVersion
    unowned let host: HostScan
    /// The first answer goes here too (the TLS 1.3 one starts the groups).
    var onFirstAnswer: ((ProbeAnswer) -> Void)?

    private var remaining: [[UInt16]] = []
    private var found: [[UInt16]] = []
    private var partsActive = 0
    private var checksRunning = 0
    private var preferenceChecked = false
    private var preference: Bool?
    private var errors: [String] = []
    /// What the server chose when offered two suites: the winner, by the unordered pair.
    private var comparisons: [Pair: UInt16] = [:]
    private var rounds = 0
    private var ended = false

    struct Pair: Hashable {
        let a: UInt16, b: UInt16
        init(_ x: UInt16, _ y: UInt16) { (a, b) = x < y ? (x, y) : (y, x) }
    }

    /// With `--fast`, a candidate set is split into parts of about this size.
    static let fastPartSize = 20

    /// How many parts a candidate set is eliminated in. By default one per 32 candidates, at most
    /// three (TLS 1.2's hundred candidates: three parts, so a server with 29 suites costs 11 round
    /// trips instead of 30, for one merge probe per suite at most); with `--fast` one per 20, at most
    /// six. Round-robin over the strength order spreads the suites a server takes over the parts.
    static func partCount(candidates: Int, fast: Bool) -> Int {
        fast ? max(1, min(6, (candidates + fastPartSize - 1) / fastPartSize)) : max(1, min(3, candidates / 32))
    }

    init(version: TLSVersion, host: HostScan) {
        self.version = version
        self.host = host
    }

    private var label: String { version.rawValue }

    func start() {
        host.chainStarted()
        let candidates = ScanCandidates.suites(for: version)
        let parts = Self.partCount(candidates: candidates.count, fast: host.options.fast)
        // Round-robin over the strength order: each part gets strong and weak suites alike.
        remaining = (0..<parts).map { part in
            candidates.enumerated().filter { $0.offset % parts == part }.map(\.element)
        }
        found = Array(repeating: [], count: parts)
        partsActive = parts
        for part in 0..<parts { step(part) }
    }

    private func offer(_ codes: [UInt16], _ done: @escaping (ProbeAnswer) -> Void) {
        host.submit(
            Probe(
                hello: host.hello(version, suites: codes, groups: RawClientHello.suiteProbeGroups(version)),
                read: .serverHello,
                done: done))
    }

    /// The suite chosen when the server answered with this protocol; nil when it did not.
    private func chosen(_ answer: ProbeAnswer) -> UInt16? {
        guard case .chose(let hello, _) = answer else { return nil }
        if version == .tls13 { return hello.negotiatedVersion == 0x0304 ? hello.cipherSuite : nil }
        // Another version means this one is refused (the server would downgrade).
        return hello.version == RawClientHello.wireVersion(version) && hello.selectedVersion == nil
            ? hello.cipherSuite : nil
    }

    private func step(_ part: Int) {
        offer(remaining[part]) { [self] answer in
            if let first = onFirstAnswer {
                onFirstAnswer = nil
                first(answer)
            }
            if let code = chosen(answer) {
                guard let index = remaining[part].firstIndex(of: code) else {
                    errors.append("\(label): the server chose a suite that was not offered")
                    partDone()
                    return
                }
                remaining[part].remove(at: index)
                found[part].append(code)
                if found[part].count == 2, !preferenceChecked { checkPreference(found[part][0], found[part][1]) }
                if remaining[part].isEmpty { partDone() } else { step(part) }
                return
            }
            if case .failed(let detail) = answer { errors.append("\(label): \(detail)") }
            partDone()
        }
    }

    /// `first` was chosen before `second` from a list holding both: offered as (second, first),
    /// a server with its own order still takes `first`.
    private func checkPreference(_ first: UInt16, _ second: UInt16) {
        preferenceChecked = true
        checksRunning += 1
        offer([second, first]) { [self] answer in
            checksRunning -= 1
            let winner = chosen(answer)
            if winner == first {
                preference = true
                comparisons[Pair(first, second)] = first
            } else if winner == second {
                preference = false
            } else if winner != nil {
                errors.append("\(label): the server's suite order could not be decided")
            } else if case .failed(let detail) = answer {
                errors.append("\(label): \(detail)")
            } else {
                errors.append("\(label): the server refused suites it had accepted")
            }
            maybeEnd()
        }
    }

    /// Two suites found in different parts, offered both ways: the same winner twice is the
    /// server's order.
    private func checkPreferenceBothWays(_ a: UInt16, _ b: UInt16) {
        preferenceChecked = true
        checksRunning += 1
        var answers: [UInt16?] = []
        for order in [[a, b], [b, a]] {
            offer(order) { [self] answer in
                answers.append(chosen(answer))
                if case .failed(let detail) = answer { errors.append("\(label): \(detail)") }
                guard answers.count == 2 else { return }
                checksRunning -= 1
                if let x = answers[0], let y = answers[1] {
                    preference = x == y
                    if x == y { comparisons[Pair(a, b)] = x }
                } else {
                    errors.append("\(label): the server refused suites it had accepted")
                }
                maybeEnd()
            }
        }
    }

    private func partDone() {
        partsActive -= 1
        maybeEnd()
    }

    private func maybeEnd() {
        guard !ended, partsActive == 0, checksRunning == 0 else { return }
        let all = found.flatMap { $0 }
        if all.count >= 2, !preferenceChecked {
            // Every part found at most one: compare two of them.
            let parts = found.filter { !$0.isEmpty }
            checkPreferenceBothWays(parts[0][0], parts[1][0])
            return
        }
        if preference == true, found.filter({ !$0.isEmpty }).count > 1 {
            mergeRound()
            return
        }
        end(order: found.count == 1 ? all : merged())
    }

    /// The parts merged, each in the server's order: between parts, the server's own answer when
    /// it was asked, else the catalog's strength order.
    private func merged() -> [UInt16] {
        var heads = found.map { $0[...] }
        var order: [UInt16] = []
        func better(_ x: UInt16, _ y: UInt16) -> Bool {
            if let winner = comparisons[Pair(x, y)] { return winner == x }
            let (rx, ry) = (ScanCandidates.strengthRank(x), ScanCandidates.strengthRank(y))
            return rx != ry ? rx < ry : x < y
        }
        while true {
            var best: Int?
            for index in heads.indices {
                guard let head = heads[index].first else { continue }
                if let b = best, let current = heads[b].first, !better(head, current) { continue }
                best = index
            }
            guard let b = best else { return order }
            order.append(heads[b].removeFirst())
        }
    }

    /// One round of pairwise probes: every pair of neighbours from different parts that the server
    /// has not yet ordered, all at once. When there is none, the merged list is the server's order
    /// (every neighbour is ordered by the server, within a part or by a probe).
    private func mergeRound() {
        let order = merged()
        let part = Dictionary(
            uniqueKeysWithValues: found.enumerated().flatMap { index, codes in codes.map { ($0, index) } })
        let unknown = zip(order, order.dropFirst()).filter { x, y in
            part[x] != part[y] && comparisons[Pair(x, y)] == nil
        }
        rounds += 1
        guard !unknown.isEmpty, rounds <= 64 else {
            end(order: order)
            return
        }
        checksRunning += unknown.count
        for (x, y) in unknown {
            offer([y, x]) { [self] answer in
                checksRunning -= 1
                if let winner = chosen(answer), winner == x || winner == y {
                    comparisons[Pair(x, y)] = winner
                } else {
                    // No answer to order them: keep the guess, say so.
                    comparisons[Pair(x, y)] = x
                    errors.append(
                        "\(label): the order of \(ScanCandidates.name(x)) and \(ScanCandidates.name(y)) could not be measured"
                    )
                }
                if checksRunning == 0 { mergeRound() }
            }
        }
    }

    private func end(order: [UInt16]) {
        ended = true
        var result = ProtocolScanResult(
            version: version, accepted: !order.isEmpty, suites: [], serverPreference: nil, errors: errors)
        result.serverPreference = order.count >= 2 ? preference : nil
        let listed = preference == false ? ScanCandidates.strengthSorted(order) : order
        result.suites = listed.map(ScanCandidates.name)
        host.record(result)
        host.chainEnded()
    }
}

/// Finds the key-exchange groups a server accepts, by the same elimination: offer the groups,
/// record the one the server names, remove it, repeat until it refuses.
///
/// With TLS 1.3 (when the server has it) the ClientHello carries no key share, so the server names
/// its group in a HelloRetryRequest; the elliptic curves and the finite-field groups are two
/// eliminations side by side (a server may take up to 14 groups, one round trip each in a single
/// line). Below TLS 1.3 the ClientHello offers ECDHE suites only and is read as far as the
/// ServerKeyExchange, whose named curve is the answer. The groups are reported curves first, then
/// finite-field groups, each family in the order the server chose them.
final class GroupChain {
    unowned let host: HostScan
    /// One elimination per family: what is left to offer and what was found.
    private var remaining: [[UInt16]]
    private var found: [[UInt16]]
    private var active = 0
    private var errors: [String] = []
    private var ended = false

    static let tls13Families: [[UInt16]] = {
        let all = ScanCandidates.tls13Groups
        return [all.filter { $0 < 0x0100 || $0 > 0x01FF }, all.filter { (0x0100...0x01FF).contains($0) }]
    }()

    init(host: HostScan) {
        self.host = host
        remaining = Self.tls13Families
        found = Self.tls13Families.map { _ in [] }
    }

    /// Starts from the answer to the first TLS 1.3 suite probe (which offered every group): the
    /// family of the group it named goes on from there, the other starts with its own probe.
    func begin(with answer: ProbeAnswer) {
        switch answer {
        case .chose(let hello, let group) where hello.negotiatedVersion == 0x0304:
            guard let group, let family = remaining.firstIndex(where: { $0.contains(group) }) else {
                errors.append("groups: the server chose a group that was not offered (\(answer.groupName))")
                return end()
            }
            active = remaining.count
            for other in remaining.indices where other != family { probe13(other) }
            take(group, family: family)
        case .failed(let detail):
            errors.append("groups: \(detail)")
            end()
        default:
            // No TLS 1.3: the curves, through the ServerKeyExchange of TLS 1.2.
            remaining = [ScanCandidates.tls12Groups]
            found = [[]]
            active = 1
            probe12()
        }
    }

    private func take(_ group: UInt16, family: Int) {
        remaining[family].removeAll { $0 == group }
        found[family].append(group)
        if remaining[family].isEmpty { familyDone() } else { probe13(family) }
    }

    private func probe13(_ family: Int) {
        host.submit(
            Probe(
                hello: host.hello(.tls13, suites: ScanCandidates.tls13, groups: remaining[family]), read: .serverHello,
                done: { [self] answer in
                    switch answer {
                    case .chose(let hello, let group) where hello.negotiatedVersion == 0x0304:
                        guard let group, remaining[family].contains(group) else {
                            errors.append("groups: the server chose a group that was not offered (\(answer.groupName))")
                            return familyDone()
                        }
                        take(group, family: family)
                    case .failed(let detail):
                        errors.append("groups: \(detail)")
                        familyDone()
                    default:
                        familyDone()
                    }
                }))
    }

    private func probe12() {
        host.submit(
            Probe(
                hello: host.hello(.tls12, suites: ScanCandidates.ecdheSuites, groups: remaining[0]), read: .keyExchange,
                done: { [self] answer in
                    switch answer {
                    case .chose(let hello, let group) where hello.version <= 0x0303 && hello.selectedVersion == nil:
                        guard let group, remaining[0].contains(group) else {
                            errors.append("groups: the server chose a group that was not offered (\(answer.groupName))")
                            return familyDone()
                        }
                        remaining[0].removeAll { $0 == group }
                        found[0].append(group)
                        if remaining[0].isEmpty { familyDone() } else { probe12() }
                    case .failed(let detail):
                        errors.append("groups: \(detail)")
                        familyDone()
                    default:
                        familyDone()
                    }
                }))
    }

    private func familyDone() {
        active -= 1
        if active <= 0 { end() }
    }

    private func end() {
        guard !ended else { return }
        ended = true
        host.recordGroups(found.flatMap { $0 }, errors: errors)
        host.chainEnded()
    }
}

extension ProbeAnswer {
    /// The group a ServerHello or HelloRetryRequest named, for messages.
    var groupName: String {
        guard case .chose(_, let group) = self, let group else { return "none" }
        return NamedGroup.name(forID: Int(group))
    }
}
