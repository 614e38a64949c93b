import FoundationEssentials
import TLSFitCore

/// The JSON shape of `tlsfit hello --format json`: a public interface, documented in the README.
public struct ClientHelloReport: Sendable, Codable {
    public struct Suite: Sendable, Codable {
        /// `"0xC030"`.
        public var code: String
        /// IANA name; null for a value tlsfit does not know (GREASE, 0x00FF).
        public var iana: String?
        /// OpenSSL's name; null when OpenSSL 3 cannot negotiate it (RC4, 3DES...).
        public var openssl: String?
        enum CodingKeys: String, CodingKey { case code, iana, openssl }
    }

    public struct Extension: Sendable, Codable {
        /// `"0x000A"`.
        public var type: String
        public var name: String
        public var length: Int
        /// The extension's bytes, hex.
        public var data: String
    }

    public struct Named: Sendable, Codable {
        public var code: String
        public var name: String
    }

    public struct KeyShare: Sendable, Codable {
        public var group: String
        public var name: String
        public var length: Int
    }

    public struct Match: Sendable, Codable {
        /// Plain `--windows` names: every release of a tie (the same hello) in one entry.
        public var releases: [String]
        /// The stack whose hello this is (`winhttp`, `wininet`, `dotnet`, `sspi`).
        public var stack: String
        /// Every modelled stack that sends the same bytes on these releases (a tie the hello cannot break).
        public var stacks: [String]
        /// The patch levels of the releases (`windows-hello.tsv`); empty when they have one hello for all.
        public var patchLevels: [String]
        public var score: Int
        public var identical: Bool
        /// `defaults`, or the `DefaultSecureProtocols` value that makes the protocols agree.
        public var configuration: String
        public var differences: [HelloDifference]
        public var assumptions: [String]
    }

    public var schemaVersion: Int
    /// `emulated` (built from --windows/--config) or `decoded` (from --decode).
    public var source: String
    /// The release the hello was built for; null for a decoded hello.
    public var windowsRelease: String?
    public var windowsReleaseAssumed: Bool?
    /// The stack the hello was built for; null for a decoded hello.
    public var stack: String?
    /// The patch level the hello was built for; null for a decoded hello or a release with one hello for all.
    public var patchLevel: String?
    /// How the release, stack and patch level were chosen, and what a ranking left out (releases made after the capture).
    public var notes: [String] = []
    public var recordVersion: String
    public var helloVersion: String
    /// Protocols the hello offers (supported_versions, or up to the hello version).
    public var offeredVersions: [String]
    public var random: String
    public var sessionID: String
    public var cipherSuites: [Suite]
    public var compressionMethods: [Int]
    public var extensions: [Extension]
    public var serverName: String?
    public var supportedGroups: [Named]
    public var keyShares: [KeyShare]
    public var signatureAlgorithms: [Named]
    public var pointFormats: [Int]?
    public var supportedVersions: [String]
    public var alpn: [String]
    public var ja3: String
    public var ja3Hash: String
    public var ja4: String
    public var ja4Raw: String
    /// The whole record(s), hex.
    public var hex: String
    /// Facts of `windows-hello.tsv` the emulated hello rests on that are assumed; empty for a decoded hello.
    public var assumptions: [String]
    /// For a decoded hello: the closest releases, best first; null for an emulated one.
    public var matches: [Match]?
    /// For an emulated hello: every configuration warning that changes it (a suite name Schannel does
    /// not know, `--windows` against the export's build...), with its file and line; empty for a decoded hello.
    public var configurationFindings: [ConfigurationFinding] = []

    /// `offered`: the protocols the client offers when known better than the hello shows (SSL 3.0 below a TLS 1.0 hello).
    public init(hello: ClientHello, source: String, release: WindowsRelease?, releaseAssumed: Bool?, assumptions: [String],
                matches: [HelloMatch]?, offered: [TLSVersion]? = nil, stack: ClientStack? = nil, patchLevel: String? = nil,
                notes: [String] = [], catalog: Catalog = .shared) {
        func h16(_ v: UInt16) -> String { "0x" + v.hex(width: 4) }
        schemaVersion = JSONOutput.schemaVersion
        self.source = source
        windowsRelease = release?.rawValue
        windowsReleaseAssumed = releaseAssumed
        self.stack = stack?.rawValue
        self.patchLevel = patchLevel
        self.notes = notes
        recordVersion = h16(hello.recordVersion)
        helloVersion = h16(hello.version)
        offeredVersions = (offered ?? hello.offeredVersions).map(\.rawValue)
        random = Digest.hex(hello.random)
        sessionID = Digest.hex(hello.sessionID)
        cipherSuites = hello.cipherSuites.map { code in
            let s = catalog.suite(code: code)
            return Suite(code: h16(code), iana: s?.iana, openssl: (s?.opensslNameIsLegacy ?? true) ? nil : s?.openssl)
        }
        compressionMethods = hello.compressionMethods.map(Int.init)
        extensions = hello.extensions.map { Extension(type: h16($0.type), name: TLSExtensionNames.name($0.type), length: $0.data.count, data: Digest.hex($0.data)) }
        serverName = hello.serverName
        supportedGroups = hello.supportedGroups.map { Named(code: h16($0), name: ClientHello.isGREASE($0) ? "GREASE" : NamedGroup.name(forID: Int($0))) }
        keyShares = hello.keyShares.map { KeyShare(group: h16($0.group), name: ClientHello.isGREASE($0.group) ? "GREASE" : NamedGroup.name(forID: Int($0.group)), length: $0.keyExchange.count) }
        signatureAlgorithms = hello.signatureAlgorithms.map { Named(code: h16($0), name: SignatureScheme.name($0)) }
        pointFormats = hello.pointFormats.map { $0.map(Int.init) }
        supportedVersions = hello.supportedVersions.map(h16)
        alpn = hello.alpn
        ja3 = hello.ja3String
        ja3Hash = hello.ja3
        (ja4, ja4Raw) = hello.ja4AndRaw
        hex = Digest.hex(hello.encode())
        self.assumptions = assumptions
        self.matches = matches?.map {
            Match(releases: $0.releases.map(\.rawValue), stack: $0.stack.rawValue, stacks: $0.stacks.map(\.rawValue), patchLevels: $0.patchLevels, score: $0.score, identical: $0.identical, configuration: $0.configuration,
                  differences: $0.differences, assumptions: $0.assumptions)
        }
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, source, windowsRelease, windowsReleaseAssumed, stack, patchLevel, notes, recordVersion, helloVersion, offeredVersions, random,
            sessionID, cipherSuites, compressionMethods, extensions, serverName, supportedGroups, keyShares, signatureAlgorithms,
            pointFormats, supportedVersions, alpn, ja3, ja3Hash, ja4, ja4Raw, hex, assumptions, matches, configurationFindings
    }
}

/// `tlsfit hello` as text: the decoded hello, its fingerprints, and (for a capture) the closest releases.
public enum ClientHelloTextRenderer {
    /// The text at `layout.width` columns: lists and explanations wrap; suite names, JA3 and hex stay whole.
    public static func render(_ r: ClientHelloReport, layout: TextLayout = TextLayout(), into out: inout some TextOutputStream) {
        if let release = r.windowsRelease {
            let name = WindowsRelease(rawValue: release)?.displayName ?? release
            let stack = r.stack.flatMap(ClientStack.init(rawValue:))?.displayName ?? "WinHTTP"
            out.write(layout.wrap("ClientHello of \(name) (\(release))\(r.windowsReleaseAssumed == true ? " [release assumed]" : ""), \(stack)"
                + (r.patchLevel.map { ", patch level \($0)" } ?? ""), first: "", indent: "  "))
        } else {
            out.write("Decoded ClientHello\n")
        }
        if !r.configurationFindings.isEmpty {
            out.write("\nConfiguration findings (they change this hello):\n")
            for w in r.configurationFindings {
                out.write(layout.wrapKeepingKeys("[\(w.severity)] \(w.code.rawValue): \(w.message)\(w.location.map { " (\($0))" } ?? "")",
                                                  first: "  ", indent: "    "))
            }
            out.write("\n")
        }
        out.write("  record version   \(r.recordVersion)    hello version \(r.helloVersion)\n")
        let field = String(repeating: " ", count: 19)
        out.write(layout.wrap(r.offeredVersions.joined(separator: ", "), first: "  offers           ", indent: field))
        out.write(layout.wrap(atoms: [r.serverName ?? "(none)"], first: "  server name      ", indent: field))
        out.write("  session id       \(r.sessionID.isEmpty ? "(empty)" : "\(r.sessionID.count / 2) bytes")\n")
        out.write("\nCipher suites (\(r.cipherSuites.count), in order):\n")
        let suites = r.cipherSuites.enumerated().map { i, s in
            let openssl = s.iana == nil ? "" : (s.openssl.map { "  \($0)" } ?? "  (OpenSSL cannot offer it)")
            let name = s.iana ?? (s.code == "0x00FF" ? "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" : "unknown")
            return (start: "  \(pad("\(i + 1).", 4)) \(s.code)  ", name: name, openssl: openssl)
        }
        // When one row is too long, every OpenSSL name goes under its IANA name (one layout for the list).
        let oneLine = suites.allSatisfy { $0.start.count + ($0.openssl.isEmpty ? $0.name.count : max($0.name.count, 42) + $0.openssl.count) <= layout.width }
        for s in suites {
            if oneLine || s.openssl.isEmpty {
                out.write(s.start + (s.openssl.isEmpty ? s.name : pad(s.name, 42)) + s.openssl + "\n")
            } else {
                out.write(s.start + s.name + "\n" + String(repeating: " ", count: s.start.count) + s.openssl.dropFirst(2) + "\n")
            }
        }
        out.write("\nExtensions (\(r.extensions.count), in order):\n")
        for e in r.extensions {
            var detail = ""
            switch e.name {
            case "server_name": detail = r.serverName ?? ""
            case "supported_groups": detail = r.supportedGroups.map(\.name).joined(separator: ", ")
            case "ec_point_formats": detail = (r.pointFormats ?? []).map { $0 == 0 ? "uncompressed" : "\($0)" }.joined(separator: ", ")
            case "signature_algorithms": detail = r.signatureAlgorithms.map(\.name).joined(separator: ", ")
            case "supported_versions": detail = r.supportedVersions.map { TLSVersion(wireValue: UInt16($0.dropFirst(2), radix: 16) ?? 0)?.rawValue ?? $0 }.joined(separator: ", ")
            case "key_share": detail = r.keyShares.map { "\($0.name) (\($0.length) bytes)" }.joined(separator: ", ")
            case "application_layer_protocol_negotiation": detail = r.alpn.joined(separator: ", ")
            case "renegotiation_info": detail = "empty (initial handshake)"
            default: detail = e.length == 0 ? "empty" : e.data.count > 40 ? "\(e.length) bytes" : e.data
            }
            let first = "  \(e.type) \(pad(e.name, 24)) "
            let indent = String(repeating: " ", count: layout.width >= 72 ? first.count : 4)
            // A first word that does not fit after the name starts the next line.
            let firstWord = detail.split(separator: " ").first.map(\.count) ?? 0
            out.write(first.count + firstWord > layout.width && indent.count < first.count
                ? String(first.reversed().drop { $0 == " " }.reversed()) + "\n" + layout.wrap(detail, indent: indent)
                : layout.wrap(detail, first: first, indent: indent))
        }
        out.write("\nJA3  \(r.ja3Hash)\n     \(r.ja3)\n")
        out.write("JA4  \(r.ja4)\n")
        if !r.assumptions.isEmpty {
            out.write("\nAssumed (no capture or document says so; see CipherSuites/windows-hello.tsv):\n")
            for a in r.assumptions { out.write(layout.wrapKeepingKeys(a, first: "  - ", indent: "    ")) }
        }
        if !r.notes.isEmpty {
            out.write("\nNotes:\n")
            for n in r.notes { out.write(layout.wrapKeepingKeys(n, first: "  - ", indent: "    ")) }
        }
        if let matches = r.matches {
            out.write("\nClosest Windows releases, best first:\n")
            for (i, m) in matches.enumerated() {
                let tie = matches.indices.contains { $0 != i && matches[$0].score == m.score }
                let verdict = (m.identical ? "identical" : "score \(m.score)") + (tie ? ", tie" : "")
                let stack = m.stacks.count > 1
                    ? m.stacks.map { ClientStack(rawValue: $0)?.displayName ?? $0 }.joined(separator: " or ") + " (the same bytes)"
                    : ClientStack(rawValue: m.stack)?.displayName ?? m.stack
                let patch = m.patchLevels.isEmpty ? "" : "; patch level \(m.patchLevels.joined(separator: "/"))"
                out.write(layout.wrap("\(i + 1). \(m.releases.joined(separator: ", ")) [\(verdict); \(stack)\(patch); \(m.configuration)]",
                                      first: "  ", indent: "       "))
                for d in m.differences { out.write(layout.wrap("\(d.kind): \(d.detail)", first: "       ", indent: "         ")) }
            }
        }
        out.write("\nHex (\(r.hex.count / 2) bytes):\n")
        var i = r.hex.startIndex
        while i < r.hex.endIndex {
            let end = r.hex.index(i, offsetBy: 64, limitedBy: r.hex.endIndex) ?? r.hex.endIndex
            out.write("  \(r.hex[i..<end])\n")
            i = end
        }
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
}
