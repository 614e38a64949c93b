import Foundation
import TLSFitCore
import TLSFitReports
import Testing

/// docs/causes.md is generated from the data; this fails when the checked-in page is stale.
@Suite("Causes page")
struct CausesPageTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/causes.md")

    @Test func checkedInPageIsCurrent() throws {
        let generated = CausesPage.markdown()
        if ProcessInfo.processInfo.environment["TLSFIT_UPDATE_DOCS"] == "1" {
            try generated.write(to: Self.page, atomically: true, encoding: .utf8)
        }
        let checkedIn = try String(contentsOf: Self.page, encoding: .utf8)
        #expect(checkedIn == generated, "docs/causes.md is stale: TLSFIT_UPDATE_DOCS=1 swift test --filter CausesPage")
    }

    @Test func everyCauseCodeHasARow() {
        let page = CausesPage.markdown()
        for code in CauseCode.allCases {
            #expect(page.contains("| `\(code.rawValue)` |"), "\(code.rawValue)")
        }
        #expect(page.contains("`0x80072EFE` ERROR\\_INTERNET\\_CONNECTION\\_ABORTED (12030)"))
    }
}
