/// The catalog's strength order: how tlsfit lists suites when the server has no order of its own.
///
/// Strongest first: secure before insecure (RC4, 3DES, NULL, export...); forward secret before
/// static RSA (a stolen key cannot decrypt past traffic); AEAD before CBC (no padding oracles);
/// ECDHE before DHE (cheaper, no small-group risk); 256-bit before 128-bit keys; SHA-2 MACs before
/// SHA-1 and MD5. Ties keep the code-point order, so the result is stable.
public enum CipherSuiteStrength {
    /// Lower sorts first.
    public static func rank(_ suite: CipherSuite) -> [Int] {
        let keyExchange = ["any": 0, "ECDHE": 1, "DHE": 2, "RSA": 3].first { $0.key == suite.keyExchange }?.value ?? 4
        let bits = suite.encryption.contains("256") || suite.encryption.hasPrefix("CHACHA20") ? 0 : 1
        let mac = ["AEAD": 0, "SHA384": 1, "SHA256": 2, "SHA": 3].first { $0.key == suite.mac }?.value ?? 4
        return [suite.isInsecure ? 1 : 0, suite.isForwardSecret ? 0 : 1, suite.isAEAD ? 0 : 1, keyExchange, bits, mac]
    }

    /// `suites` strongest first.
    public static func sorted(_ suites: [CipherSuite]) -> [CipherSuite] {
        suites.enumerated().sorted { a, b in
            let ra = rank(a.element)
            let rb = rank(b.element)
            if ra != rb { return ra.lexicographicallyPrecedes(rb) }
            return a.element.code < b.element.code
        }.map(\.element)
    }

    /// IANA names strongest first; names the catalog does not know go last, in their given order.
    public static func sorted(ianaNames: [String]) -> [String] {
        let known = ianaNames.compactMap { Catalog.shared.suite(named: $0) }
        let unknown = ianaNames.filter { Catalog.shared.suite(named: $0) == nil }
        return sorted(known).map(\.iana) + unknown
    }
}
