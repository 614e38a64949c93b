import TLSFitCore
import TLSFitHandshake
import Testing

/// The catalog's OpenSSL names and code points must agree with the OpenSSL library tlsfit links.
@Suite struct CatalogOpenSSLTests {
    let table = OpenSSLCipherTable.all()
    let catalog = Catalog.shared

    @Test func linkedOpenSSLListsSuites() {
        #expect(table.count >= 100, "OpenSSL gave only \(table.count) suites")
    }

    @Test func everyCatalogOpenSSLNameMatchesTheLinkedLibrary() {
        let byName = Dictionary(table.map { ($0.openssl, $0) }, uniquingKeysWith: { first, _ in first })
        for suite in catalog.suites {
            guard let name = suite.openssl else { continue }
            guard let entry = byName[name] else {
                // Weak or off-by-default suites (RC4, 3DES, TLS 1.3 CCM) are missing from many OpenSSL 3 builds.
                #expect(
                    suite.opensslNameIsLegacy,
                    "\(suite.codeString) \(name): not in the linked OpenSSL and not flagged openssl-legacy")
                continue
            }
            #expect(
                entry.code == suite.code,
                "\(name): OpenSSL says \(CipherSuite.codeString(entry.code)), catalog says \(suite.codeString)")
            if let iana = entry.iana {
                #expect(
                    iana == suite.iana, "\(suite.codeString): OpenSSL's standard name \(iana), catalog \(suite.iana)")
            }
        }
    }

    @Test func everySuiteOfTheLinkedLibraryIsInTheCatalog() {
        for entry in table {
            let suite = catalog.suite(code: entry.code)
            #expect(suite != nil, "\(entry.openssl) \(CipherSuite.codeString(entry.code)) is missing from suites.tsv")
            if let suite {
                #expect(
                    suite.openssl == entry.openssl,
                    "\(suite.codeString): catalog \(suite.openssl ?? "-"), OpenSSL \(entry.openssl)")
            }
        }
    }
}
