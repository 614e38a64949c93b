/// Parses and validates each data file of `CipherSuites/`; every error names the file and line.
enum CatalogLoader {
    static let knownFlags: Set<String> = ["insecure", "aead", "pfs", "openssl-legacy"]

    // MARK: suites.tsv

    static func suites(_ text: String) throws(InputError) -> [CipherSuite] {
        let table = try TSVTable(text, source: "suites.tsv", columns: 11)
        var suites: [CipherSuite] = []
        var codes = Set<UInt16>()
        var names: [String: Int] = [:]
        for row in table.rows {
            let f = row.fields
            guard f[0].hasPrefix("0x"), f[0].count == 6, let code = UInt16(f[0].dropFirst(2), radix: 16),
                CipherSuite.codeString(code) == f[0]
            else { throw table.error(row, "code point '\(f[0])' is not of the form 0xC030") }
            guard codes.insert(code).inserted else { throw table.error(row, "code point \(f[0]) appears twice") }
            let iana = f[1]
            guard iana.hasPrefix("TLS_"), isName(iana) else {
                throw table.error(row, "IANA name '\(iana)' must start with TLS_ and hold only letters, digits and _")
            }
            let openssl = f[2] == "-" ? nil : f[2]
            if let openssl, !isName(openssl) {
                throw table.error(
                    row, "OpenSSL name '\(openssl)' holds a character that is not a letter, digit, - or _")
            }
            let windowsNames = f[3] == "-" ? [] : f[3].split(separator: ",").map { $0.trimmingSpaces }
            for name in windowsNames where CipherSuite.stripCurveSuffix(name) != iana {
                throw table.error(
                    row, "Windows name '\(name)' is neither the IANA name nor the IANA name with _P256, _P384 or _P521")
            }
            for name in [iana] + (openssl.map { [$0] } ?? []) + windowsNames {
                if let other = names[name.uppercased()], other != row.line {
                    throw table.error(row, "name '\(name)' is already used on line \(other)")
                }
                names[name.uppercased()] = row.line
            }
            guard let minVersion = TLSVersion(rawValue: f[8]) else {
                throw table.error(row, "unknown minimum version '\(f[8])' (use SSLv3, TLSv1.0 ... TLSv1.3)")
            }
            guard let maxVersion = TLSVersion(rawValue: f[9]) else {
                throw table.error(row, "unknown maximum version '\(f[9])' (use SSLv3, TLSv1.0 ... TLSv1.3)")
            }
            guard minVersion <= maxVersion else {
                throw table.error(row, "minimum version \(f[8]) is above maximum \(f[9])")
            }
            let flags = f[10] == "-" ? [] : f[10].split(separator: ",").map { $0.trimmingSpaces }
            if let unknown = flags.first(where: { !knownFlags.contains($0) }) {
                throw table.error(
                    row, "unknown flag '\(unknown)' (known: \(knownFlags.sorted().joined(separator: ", ")))")
            }
            let mac = f[7]
            guard ["SHA", "SHA256", "SHA384", "MD5", "AEAD"].contains(mac) else {
                throw table.error(row, "unknown MAC '\(mac)'")
            }
            if flags.contains("aead") != (mac == "AEAD") {
                throw table.error(row, "flag aead and MAC '\(mac)' disagree")
            }
            suites.append(
                CipherSuite(
                    code: code, iana: iana, openssl: openssl, windowsNames: windowsNames, keyExchange: f[4],
                    authentication: f[5], encryption: f[6], mac: mac, minVersion: minVersion, maxVersion: maxVersion,
                    isInsecure: flags.contains("insecure"), isAEAD: mac == "AEAD",
                    isForwardSecret: flags.contains("pfs"),
                    opensslNameIsLegacy: flags.contains("openssl-legacy")))
        }
        guard !suites.isEmpty else { throw InputError(source: "suites.tsv", message: "no cipher suites") }
        return suites.sorted { $0.code < $1.code }
    }

    private static func isName(_ s: String) -> Bool {
        !s.isEmpty
            && s.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-"
            }
    }

    // MARK: windows-releases.tsv + windows-suites.tsv

    static func releases(
        releasesText: String, suitesText: String, helloText: String, byName: [String: UInt16],
        byCode: [UInt16: CipherSuite]
    ) throws(InputError) -> ([WindowsRelease: WindowsReleaseInfo], [String: String]) {
        let lists = try suiteLists(suitesText, byName: byName, byCode: byCode)
        let helloRows = try HelloProfileLoader.rows(helloText)
        let table = try TSVTable(releasesText, source: "windows-releases.tsv", columns: 13)
        var builds: [String: String] = [:]
        var releases: [WindowsRelease: WindowsReleaseInfo] = [:]
        var aliases: [String: String] = [:]
        for row in table.rows {
            let f = row.fields
            guard let release = WindowsRelease(rawValue: f[0]) else {
                throw table.error(
                    row,
                    "unknown release '\(f[0])' (known: \(WindowsRelease.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            guard releases[release] == nil else { throw table.error(row, "release \(f[0]) appears twice") }
            guard let supported = lists[f[2]] else {
                throw table.error(row, "suite list '\(f[2])' is not in windows-suites.tsv")
            }
            let supportedProtocols = try versions(f[3], table, row)
            let clientProtocols = try versions(f[4], table, row)
            if let extra = clientProtocols.first(where: { !supportedProtocols.contains($0) }) {
                throw table.error(row, "default client protocol \(extra.rawValue) is not among the supported protocols")
            }
            let curves = f[5].split(separator: ",").map { $0.trimmingSpaces }
            let knownCurves: Set<String> = ["curve25519", "NistP256", "NistP384", "NistP521", "curve448"]
            if let bad = curves.first(where: { !knownCurves.contains($0) }) {
                throw table.error(row, "unknown curve '\(bad)'")
            }
            guard f[6] == "yes" || f[6] == "no" else {
                throw table.error(row, "curve-suffix column must be yes or no, not '\(f[6])'")
            }
            for alias in f[7] == "-" ? [] : f[7].split(separator: ",").map({ $0.trimmingSpaces }) {
                let key = WindowsRelease.aliasKey(alias)
                if let other = aliases[key], other != release.rawValue {
                    throw table.error(row, "alias '\(alias)' already names \(other)")
                }
                aliases[key] = release.rawValue
            }
            guard let build = Int(f[8]), build > 0 else { throw table.error(row, "build '\(f[8])' is not a number") }
            guard f[9] == "client" || f[9] == "server" else {
                throw table.error(row, "edition must be client or server, not '\(f[9])'")
            }
            // 22000 Windows 11 21H2 and 25398 Server 23H2 are unique; a shared build is one client and one server.
            if let other = builds["\(build)-\(f[9])"] {
                throw table.error(row, "build \(build) (\(f[9])) is already \(other)")
            }
            builds["\(build)-\(f[9])"] = release.rawValue
            var documented: [WindowsSuiteSupport]?
            if f[11] != "-" {
                guard let list = lists[f[11]] else {
                    throw table.error(row, "documented list '\(f[11])' is not in windows-suites.tsv")
                }
                documented = list.filter(\.enabledByDefault)
            }
            let hello = try HelloProfileLoader.profile(
                f[10], release: release.rawValue, rows: helloRows, suiteLists: lists)
            releases[release] = WindowsReleaseInfo(
                release: release, displayName: f[1], supported: supported,
                defaultOrder: supported.filter(\.enabledByDefault), defaultClientProtocols: clientProtocols,
                supportedProtocols: supportedProtocols, defaultCurves: curves, usesCurveSuffixes: f[6] == "yes",
                build: build, isServer: f[9] == "server", helloProfile: f[10], documentedOrder: documented,
                note: f[12] == "-" ? nil : f[12], hello: hello)
        }
        if let missing = WindowsRelease.allCases.first(where: { releases[$0] == nil }) {
            throw InputError(source: "windows-releases.tsv", message: "release \(missing.rawValue) has no row")
        }
        return (releases, aliases)
    }

    private static func versions(_ text: String, _ table: TSVTable, _ row: TSVTable.Row) throws(InputError)
        -> [TLSVersion]
    {
        var result: [TLSVersion] = []
        for part in text.split(separator: ",").map({ $0.trimmingSpaces }) {
            guard let v = TLSVersion(rawValue: part) else {
                throw table.error(row, "unknown protocol '\(part)' (use SSLv3, TLSv1.0 ... TLSv1.3)")
            }
            result.append(v)
        }
        guard !result.isEmpty else { throw table.error(row, "empty protocol list") }
        return result.sorted()
    }

    private static func suiteLists(
        _ text: String, byName: [String: UInt16], byCode: [UInt16: CipherSuite]
    ) throws(InputError) -> [String: [WindowsSuiteSupport]] {
        let table = try TSVTable(text, source: "windows-suites.tsv", columns: 7)
        var defaults: [String: [WindowsSuiteSupport]] = [:]
        var others: [String: [WindowsSuiteSupport]] = [:]
        var seen: [String: Set<String>] = [:]
        for row in table.rows {
            let f = row.fields
            let list = f[0]
            let name = f[2]
            guard let code = byName[name.uppercased()], let suite = byCode[code],
                suite.windowsNames.contains(name)
            else { throw table.error(row, "'\(name)' is not a Windows name of any suite in suites.tsv") }
            guard seen[list, default: []].insert(name.uppercased()).inserted else {
                throw table.error(row, "\(name) appears twice in list \(list)")
            }
            let state = f[3]
            guard state == "default" || state == "supported" else {
                throw table.error(row, "state must be default or supported, not '\(state)'")
            }
            guard f[4] == "yes" || f[4] == "no" else {
                throw table.error(row, "strong-crypto column must be yes or no, not '\(f[4])'")
            }
            guard ["-", "explicit", "psk"].contains(f[6]) else {
                throw table.error(row, "note must be -, explicit or psk, not '\(f[6])'")
            }
            let protocols = try versions(f[5], table, row)
            var priority: Int?
            if state == "default" {
                let expected = (defaults[list]?.count ?? 0) + 1
                guard let p = Int(f[1]), p == expected else {
                    throw table.error(
                        row,
                        "priority must be \(expected) here (default rows are numbered 1, 2, 3 ... in order), found '\(f[1])'"
                    )
                }
                guard others[list] == nil else {
                    throw table.error(row, "default rows of list \(list) must come before its supported rows")
                }
                priority = p
            } else if f[1] != "-" {
                throw table.error(row, "a supported (not default) row has no priority: write -")
            }
            let entry = WindowsSuiteSupport(
                windowsName: name, suite: suite, enabledByDefault: state == "default", defaultPriority: priority,
                protocols: protocols, allowedWithStrongCrypto: f[4] == "yes", onlyWhenRequested: f[6] == "explicit",
                pskOnly: f[6] == "psk")
            if state == "default" {
                defaults[list, default: []].append(entry)
            } else {
                others[list, default: []].append(entry)
            }
        }
        var lists: [String: [WindowsSuiteSupport]] = [:]
        for list in Set(defaults.keys).union(others.keys) {
            lists[list] = defaults[list, default: []] + others[list, default: []]
        }
        return lists
    }

    // MARK: update-hosts.tsv

    static let knownRoles: Set<String> = [
        "service-locator", "client-metadata", "wsus-upstream", "content", "trust-lists", "delivery-optimization",
        "web-site", "other",
    ]
    static let knownAgents: Set<String> = ["windows-10+", "before-windows-10", "all", "wsus"]

    static func updateHosts(_ text: String) throws(InputError) -> ([String], [UpdateHost]) {
        let table = try TSVTable(text, source: "update-hosts.tsv", columns: 8)
        var patterns: [String] = []
        var hosts: [UpdateHost] = []
        for row in table.rows {
            let f = row.fields
            let name = f[1].lowercased()
            let labels = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
            guard !labels.isEmpty, labels.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
                !labels.contains("..")
            else {
                throw table.error(row, "'\(f[1])' is not a host name")
            }
            switch f[0] {
            case "pattern":
                patterns.append(name)
            case "host":
                guard !name.contains("*") else { throw table.error(row, "a concrete host has no wildcard: '\(f[1])'") }
                guard let port = Int(f[2]), (1...65535).contains(port) else {
                    throw table.error(row, "port '\(f[2])' is not a number from 1 to 65535")
                }
                guard f[3] == "https" || f[3] == "http" else {
                    throw table.error(row, "scheme must be https or http, not '\(f[3])'")
                }
                let roles = f[4] == "-" ? [] : f[4].split(separator: ",").map { $0.trimmingSpaces }
                if let bad = roles.first(where: { !knownRoles.contains($0) }) {
                    throw table.error(
                        row, "unknown role '\(bad)' (known: \(knownRoles.sorted().joined(separator: ", ")))")
                }
                let agents = f[5] == "-" ? [] : f[5].split(separator: ",").map { $0.trimmingSpaces }
                if let bad = agents.first(where: { !knownAgents.contains($0) }) {
                    throw table.error(
                        row, "unknown agent '\(bad)' (known: \(knownAgents.sorted().joined(separator: ", ")))")
                }
                guard !hosts.contains(where: { $0.host == name }) else {
                    throw table.error(row, "host \(name) appears twice")
                }
                hosts.append(
                    UpdateHost(
                        host: name, port: port, purpose: f[6], scheme: f[3], roles: roles, agents: agents, source: f[7])
                )
            default:
                throw table.error(row, "kind must be pattern or host, not '\(f[0])'")
            }
        }
        return (patterns, hosts)
    }

    // MARK: windows-errors.tsv

    static func windowsErrors(_ text: String) throws(InputError) -> [WindowsErrorCode] {
        let table = try TSVTable(text, source: "windows-errors.tsv", columns: 3)
        var result: [WindowsErrorCode] = []
        for row in table.rows {
            let f = row.fields
            guard f[0].hasPrefix("0x"), f[0].count == 10, UInt32(f[0].dropFirst(2), radix: 16) != nil,
                f[0].dropFirst(2).uppercased() == f[0].dropFirst(2)
            else {
                throw table.error(row, "error code '\(f[0])' is not of the form 0x80072EFE")
            }
            guard !result.contains(where: { $0.code == f[0] }) else {
                throw table.error(row, "error code \(f[0]) appears twice")
            }
            result.append(WindowsErrorCode(code: f[0], name: f[1], meaning: f[2]))
        }
        return result
    }
}
