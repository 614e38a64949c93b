/// A cipher list as a user typed it.
public enum CipherListSpec: Sendable, Hashable {
    /// Resolved names or code points, in the given order, duplicates removed.
    case suites([CipherSuite])
    /// An OpenSSL cipher expression with keywords (HIGH, ALL, !aNULL, +, @SECLEVEL, aRSA...), for OpenSSL itself to expand.
    case openssl(String)
}

/// Reads cipher lists in the syntaxes people paste: OpenSSL (`A:B:C`), the GPO field and
/// `Get-TlsCipherSuite` output (commas, spaces, newlines, quotes), and hex code points.
public enum CipherListParser {
    /// Unknown names listed (with suggestions) in the error; the rest are counted.
    static let maximumListedUnknown = 20

    /// Accepts OpenSSL syntax (`A:B:C`, names are OpenSSL names), comma/space/newline separated IANA or Windows
    /// names, hex code points; a colon list made only of known names becomes `.suites`; one with OpenSSL
    /// keywords/operators becomes `.openssl`. Unknown names throw an `InputError` listing each with its closest known names.
    public static func parse(_ text: String, source: String, catalog: Catalog = .shared) throws(InputError)
        -> CipherListSpec
    {
        let items = tokens(text).flatMap { token -> [String] in
            if parseCodePoint(token) != nil { return [token] }
            return token.split(separator: ":").map(String.init)
        }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw InputError(source: source, message: "the cipher list is empty") }

        let isExpression = items.contains { item in
            catalog.suite(named: item) == nil && (isOperatorToken(item) || isKeyword(item) || item.contains("+"))
        }
        var unknown: [String] = []
        var suites: [CipherSuite] = []
        var seen = Set<UInt16>()
        for item in items {
            if isExpression {
                // Check the names inside an expression too: OpenSSL silently ignores a misspelt one.
                let bare = item.drop(while: { "!-+".contains($0) })
                if bare.hasPrefix("@") || bare.isEmpty { continue }
                // Only what looks like a suite name: OpenSSL keywords differ between versions.
                for part in bare.split(separator: "+").map(String.init)
                where looksLikeSuiteName(part) && !isKeyword(part) && catalog.suite(named: part) == nil {
                    unknown.append(part)
                }
            } else if let suite = catalog.suite(named: item) {
                if seen.insert(suite.code).inserted { suites.append(suite) }
            } else {
                unknown.append(item)
            }
        }
        if !unknown.isEmpty {
            var seenUnknown = Set<String>()
            let distinct = unknown.filter { seenUnknown.insert($0).inserted }
            // A suggestion compares the name with every catalog name: only the first few names are
            // listed, so a pasted file of garbage fails at once instead of after minutes (found by fuzzing).
            var lines = distinct.prefix(maximumListedUnknown).map { name -> String in
                let close = catalog.suggestions(for: name, limit: 3)
                return close.isEmpty ? "  \(name)" : "  \(name) (did you mean \(close.joined(separator: ", "))?)"
            }
            if distinct.count > maximumListedUnknown {
                lines.append("  and \(distinct.count - maximumListedUnknown) more")
            }
            let noun = distinct.count == 1 ? "unknown cipher suite" : "\(distinct.count) unknown cipher suites"
            throw InputError(source: source, message: "\(noun):\n" + lines.joined(separator: "\n"))
        }
        if isExpression { return .openssl(items.joined(separator: ":")) }
        return .suites(suites)
    }

    /// Splits a list the way the GPO field / Get-TlsCipherSuite paste / plain list is written
    /// (commas, whitespace, newlines, semicolons, quotes, brackets), no resolution. "0xC0,0x30" stays one token.
    public static func tokens(_ text: String) -> [String] {
        // On UTF-8 bytes (every separator is ASCII): one pass, no grapheme breaking (a 33 MB list
        // took 31 s split by Character).
        let raw = text.utf8.split(whereSeparator: isSeparator).map { String(Substring($0)) }
        var result: [String] = []
        var i = 0
        while i < raw.count {
            if i + 1 < raw.count, isHexByte(raw[i]), isHexByte(raw[i + 1]) {
                result.append(raw[i] + "," + raw[i + 1])
                i += 2
            } else {
                result.append(raw[i])
                i += 1
            }
        }
        return result
    }

    /// `,` space tab CR LF `;` `"` `'` brackets, braces and parentheses.
    private static func isSeparator(_ b: UInt8) -> Bool {
        switch b {
        case 0x2C, 0x20, 0x09, 0x0A, 0x0D, 0x3B, 0x22, 0x27, 0x5B, 0x5D, 0x7B, 0x7D, 0x28, 0x29: true
        default: false
        }
    }

    private static func isHexByte(_ s: String) -> Bool {
        let lower = s.lowercased()
        guard lower.hasPrefix("0x"), lower.count == 4 else { return false }
        return UInt8(lower.dropFirst(2), radix: 16) != nil
    }

    private static func looksLikeSuiteName(_ s: String) -> Bool {
        s.contains("-") || s.contains("_")
    }

    private static func isOperatorToken(_ s: String) -> Bool {
        guard let first = s.first else { return false }
        return "!-+@".contains(first)
    }

    /// OpenSSL cipher-string keywords (openssl-ciphers(1)).
    static func isKeyword(_ s: String) -> Bool {
        keywords.contains(s) || keywords.contains(s.uppercased()) && s == s.uppercased()
    }

    static let keywords: Set<String> = [
        "DEFAULT", "COMPLEMENTOFDEFAULT", "ALL", "COMPLEMENTOFALL", "HIGH", "MEDIUM", "LOW", "EXP", "EXPORT",
        "EXPORT40", "EXPORT56", "eNULL", "NULL", "aNULL", "kRSA", "aRSA", "RSA", "kDHr", "kDHd", "kDH", "kDHE",
        "kEDH", "DH", "DHE", "EDH", "ADH", "kEECDH", "kECDHE", "ECDH", "ECDHE", "EECDH", "AECDH", "aDSS", "DSS",
        "aDH", "aECDSA", "ECDSA", "TLSv1.2", "TLSv1.0", "TLSv1", "SSLv3", "AES128", "AES256", "AES", "AESGCM",
        "AESCCM", "AESCCM8", "ARIA128", "ARIA256", "ARIA", "CAMELLIA128", "CAMELLIA256", "CAMELLIA", "CHACHA20",
        "3DES", "DES", "RC4", "RC2", "IDEA", "SEED", "MD5", "SHA1", "SHA", "SHA256", "SHA384", "kGOST", "aGOST",
        "GOST94", "GOST89MAC", "PSK", "kPSK", "kECDHEPSK", "kDHEPSK", "kRSAPSK", "aPSK", "SRP", "kSRP", "aSRP",
        "SUITEB128", "SUITEB128ONLY", "SUITEB192", "CBC", "FIPS", "aECDH", "kECDH", "kECDHr", "kECDHe", "aGOST01",
        "ECCPSK", "DHEPSK", "RSAPSK", "ECDHEPSK", "CAMELLIA", "ARIAGCM",
    ]
}
