/// Strict input: key and value names under the keys tlsfit reads (SCHANNEL, Cryptography\Configuration,
/// WinHTTP, .NET) that Windows does not read, with the name that was probably meant. Windows ignores a
/// misspelt name silently; tlsfit warns with the file and line.
extension Evaluator {
    static let schannelSubkeys = [
        "Protocols", "Ciphers", "Hashes", "KeyExchangeAlgorithms", "CipherSuites", "Messaging",
    ]
    static let protocolNames = [
        "Multi-Protocol Unified Hello", "PCT 1.0", "SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3",
        "DTLS 1.0", "DTLS 1.2", "DTLS 1.3",
    ]
    static let keyExchangeValues = [
        "Enabled", "ClientMinKeyBitLength", "ServerMinKeyBitLength", "ClientMaxKeyBitLength",
    ]
    static let suiteOrderValues = ["Functions", "EccCurves"]
    static let winHTTPValues = ["DefaultSecureProtocols", "WinHttpSettings"]
    static let dotNetValues = ["SchUseStrongCrypto", "SystemDefaultTlsVersions"]
    static let schannelSubkeysByLowercase = Dictionary(
        uniqueKeysWithValues: schannelSubkeys.map { ($0.lowercased(), $0) })
    static let protocolNamesLowercased = Set(protocolNames.map { $0.lowercased() })
    static let schannelPrefix = RegistryPath.folded(RegistryPath.schannel) + "\\"

    mutating func checkNames() {
        // Found in any order, reported in file and line order (as the admin reads the export), one
        // warning per misspelt key (at its first line).
        var found: [(dedupe: String?, warning: ConfigWarning)] = []
        defer {
            var warnedKeys = Set<String>()
            for item in found.sorted(by: {
                ($0.warning.file ?? "", $0.warning.line ?? 0, $0.warning.message) < (
                    $1.warning.file ?? "", $1.warning.line ?? 0, $1.warning.message
                )
            }) {
                if let key = item.dedupe, !warnedKeys.insert(key).inserted { continue }
                warnings.append(item.warning)
            }
        }
        let schannel = Self.schannelPrefix
        let policyConfig = RegistryPath.folded(#"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL"#) + "\\"
        let localConfig =
            RegistryPath.folded(#"SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL"#) + "\\"
        let winHTTP = [RegistryPath.winHTTP, RegistryPath.winHTTPWow64].map(RegistryPath.folded)
        let dotNet = [
            #"SOFTWARE\Microsoft\.NETFramework\v4.0.30319"#,
            #"SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319"#,
            #"SOFTWARE\Microsoft\.NETFramework\v2.0.50727"#,
            #"SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727"#,
        ].map(RegistryPath.folded)

        registry.forEachValue { folded, key, entry in
            let p = entry.provenance
            func keyWarning(_ message: String) {
                found.append((folded, ConfigWarning(.unknownRegistryName, message, evidence: [p])))
            }
            func valueWarning(_ known: [String], typosOnly: Bool = false) {
                let lower = entry.name.lowercased()
                guard !known.contains(where: { $0.count == lower.count && $0.lowercased() == lower }) else { return }
                let near = Self.nearest(entry.name, among: known)
                if typosOnly, near == nil { return }
                found.append(
                    (
                        nil,
                        ConfigWarning(
                            .unknownRegistryName,
                            "\"\(entry.name)\" under \(key) is not a value Windows reads there; it is ignored\(near.map { " (did you mean \"\($0)\"?)" } ?? "")",
                            evidence: [p])
                    ))
            }
            if folded.hasPrefix(schannel) {
                switch schannelVerdict(key) {
                case .unread(let message): keyWarning(message)
                case .values(let known): valueWarning(known)
                case .nothing: return
                }
            } else if folded.hasPrefix(policyConfig) || folded.hasPrefix(localConfig) {
                let last = folded.split(separator: "\\").last.map(String.init) ?? ""
                if last == "00010002" || last == "00010003" {
                    valueWarning(Self.suiteOrderValues)
                } else {
                    keyWarning("\(key) is not read: the cipher suite and curve order live under ...\\SSL\\00010002")
                }
            } else if winHTTP.contains(folded) {
                valueWarning(Self.winHTTPValues, typosOnly: true)
            } else if dotNet.contains(folded) {
                valueWarning(Self.dotNetValues, typosOnly: true)
            }
        }
    }

    /// What a value under SCHANNEL needs: nothing (not a key tlsfit checks), a warning that its key is
    /// not read, or the value names Windows reads there.
    func schannelVerdict(_ key: String) -> NameVerdict {
        let original = RegistryPath.normalize(key)
        let comps = original.dropFirst(RegistryPath.schannel.count + 1).split(separator: "\\").map(String.init)
        guard let first = comps.first else { return .nothing }
        guard let sub = Self.schannelSubkeysByLowercase[first.lowercased()] else {
            let near = Self.nearest(first, among: Self.schannelSubkeys)
            return .unread(
                "SCHANNEL\\\(first) is not a key Schannel reads; everything under it is ignored\(near.map { " (did you mean SCHANNEL\\\($0)?)" } ?? "")"
            )
        }
        switch sub {
        case "Protocols":
            guard comps.count >= 2 else { return .nothing }
            guard Self.protocolNamesLowercased.contains(comps[1].lowercased()) else {
                let near = Self.nearest(comps[1], among: Self.protocolNames)
                return .unread(
                    "Protocols\\\(comps[1]) is not a protocol key Schannel reads; it is ignored\(near.map { " (did you mean Protocols\\\($0)?)" } ?? "")"
                )
            }
            guard comps.count == 3, ["client", "server"].contains(comps[2].lowercased()) else {
                return .unread(
                    "\(original) is not read: protocol switches live under Protocols\\\(comps[1])\\Client or \\Server")
            }
            return .values(["Enabled", "DisabledByDefault"])
        case "Ciphers", "Hashes", "KeyExchangeAlgorithms":
            guard comps.count >= 2 else { return .nothing }
            if let e = SchannelSwitchCatalog.shared.entry(kind: sub, name: comps[1]) {
                if !e.read {
                    return .unread(
                        "\(sub)\\\(comps[1]) is not read by \(release.displayName)\(e.note.map { ": \($0)" } ?? ""); it switches nothing off"
                    )
                }
            } else {
                let near = Self.nearest(comps[1], among: SchannelSwitchCatalog.shared.names(kind: sub))
                return .unread(
                    "\(sub)\\\(comps[1]) is not a key name Schannel reads (it matches names exactly); it switches nothing off\(near.map { " (did you mean \(sub)\\\($0)?)" } ?? "")"
                )
            }
            return .values(sub == "KeyExchangeAlgorithms" ? Self.keyExchangeValues : ["Enabled"])
        default:
            return .nothing
        }
    }

    /// The known name closest to `name`, when it is close enough to be a typo (a few edits, case aside).
    static func nearest(_ name: String, among known: [String]) -> String? {
        let query = Array(name.lowercased().utf8)
        let scored = known.map { ($0, NameDistance.levenshtein(query, Array($0.lowercased().utf8))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 > 0, best.1 <= max(2, min(4, name.count / 4)) else {
            return nil
        }
        return best.0
    }
}

/// The verdict on a registry key's name, for `checkNames`.
enum NameVerdict {
    case nothing
    case unread(String)
    case values([String])
}
