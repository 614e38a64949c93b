import Foundation
import TLSFitCore
import TLSFitEngines
import Testing

/// The input pieces that moved out of the CLI: cipher list translation, the proxy options, host arguments.
@Suite("Inputs moved out of the CLI")
struct MovedInputsTests {
    @Test func translationToGPOUsesTheReleaseNamesAndWarnsAboutWhatIsLeftOut() throws {
        var warnings: [String] = []
        let translation = try SuiteTranslation(
            "ECDHE-RSA-AES256-GCM-SHA384:TLS_CHACHA20_POLY1305_SHA256", source: "LIST", to: .gpo,
            release: .server2019, warn: { warnings.append($0) })
        #expect(translation.suites.count == 2)
        #expect(!translation.result.isEmpty)
        #expect(warnings.contains { $0.hasPrefix("left out TLS_CHACHA20_POLY1305_SHA256") })
        #expect(translation.json().to == "gpo")
    }

    @Test func anEmptyGPOStringIsAFailure() {
        #expect(throws: SuiteTranslation.Failure.self) {
            try SuiteTranslation(
                "TLS_CHACHA20_POLY1305_SHA256", source: "LIST", to: .gpo, release: .windows7, warn: { _ in })
        }
    }

    @Test func proxyChoiceRefusesContradictions() throws {
        let both = ProxyChoice(proxy: "http://p:8080", proxyBypass: nil, noProxy: true, proxyCredentialsFile: nil)
        #expect(throws: InputError.self) { try both.path() }
        let direct = ProxyChoice(proxy: nil, proxyBypass: nil, noProxy: true, proxyCredentialsFile: nil)
        #expect(try direct.path() == .direct)
        let none = ProxyChoice(proxy: nil, proxyBypass: nil, noProxy: false, proxyCredentialsFile: nil)
        #expect(try none.path(environment: [:]) == nil)
    }

    @Test func hostArgumentsRefuseFileNames() throws {
        #expect(throws: InputError.self) { try HostArguments.parse(["policy.reg"]) }
        #expect(try HostArguments.parse(["a.example:8443"]).first?.port == 8443)
        #expect(HostAfterConfigHint.message(["a.example"]) != nil)
        #expect(HostAfterConfigHint.message(["/nonexistent/policy.reg"]) == nil)
    }
}
