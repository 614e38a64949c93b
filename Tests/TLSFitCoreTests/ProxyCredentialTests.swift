import Foundation
import Testing

@testable import TLSFitCore

/// Credentials are never printed (issue 25): one parser for proxy addresses, `user:***` in every
/// message about one, echoed headers redacted, credentials apart from the address.
@Suite("Proxy credentials never printed")
struct ProxyCredentialTests {
    static func message(_ text: String) -> String? {
        do {
            _ = try HTTPProxy(parsing: text)
            return nil
        } catch {
            return error.description
        }
    }

    /// `http://alice:S3cr3tPW:8080` and `http://alice:S3cr3tPW` are a user and a password without a host.
    @Test(arguments: [
        "http://alice:S3cr3tPW:8080", "http://alice:S3cr3tPW", "alice:S3cr3tPW:8080", "http://alice:S3cr3tPW:8080/",
    ])
    func userAndPasswordWithoutAHostAreNotAHost(text: String) throws {
        let message = try #require(Self.message(text))
        #expect(!message.contains("S3cr3tPW"), "\(message)")
        #expect(message.contains("alice:***"), "\(message)")
        #expect(message.contains("no proxy host"))
    }

    @Test(arguments: ["proxy:8080", "10.0.0.8:3128", "[::1]:3128", "::1", "fe80::1", "http://alice:pw@proxy:8080"])
    func hostsAndPortsStillParse(text: String) throws {
        _ = try HTTPProxy(parsing: text)
    }

    @Test func redactedFormsHideThePassword() {
        #expect(HTTPProxy.redacted("http://alice:S3cr3tPW@proxy:8080") == "http://alice:***@proxy:8080")
        #expect(HTTPProxy.redacted("http://alice:S3cr3tPW:8080") == "http://alice:***:8080")
        #expect(HTTPProxy.redacted("alice:S3cr3tPW") == "alice:***")
        #expect(HTTPProxy.redacted("proxy:8080") == "proxy:8080")
        #expect(HTTPProxy.redacted("https=alice:pw@p:1") == "https=alice:***@p:1")
    }

    @Test func echoedAuthorizationIsRedacted() {
        let credentials = ProxyCredentials(user: "alice", password: "S3cr3tPW")
        let token = String(credentials.basicAuthorization.dropFirst(6))
        for echoed in [
            "Proxy-Authorization: \(credentials.basicAuthorization)", "you sent Basic \(token)",
            "bad password S3cr3tPW for alice",
            "proxy-authorization: Basic Zm9vOmJhcg== (not yours)",
        ] {
            let shown = ProxyCredentials.redacting(echoed, credentials)
            #expect(
                !shown.contains(token) && !shown.contains("S3cr3tPW") && !shown.contains("Zm9vOmJhcg=="), "\(shown)")
        }
        // Ordinary words after "Basic" stay.
        #expect(ProxyCredentials.redacting("Basic authentication required", nil) == "Basic authentication required")
    }

    /// A WinHttpSettings value naming credentials and no host: the error does not echo the password.
    @Test func winHttpSettingsWithCredentialsAndNoHostIsNotEchoed() throws {
        let settings = WinHTTPProxySettings.netsh(proxy: "alice:S3cr3tPW", bypass: "")
        do {
            _ = try settings.networkPath(source: "export.reg:4: WinHttpSettings")
            Issue.record("accepted a proxy without a host")
        } catch {
            #expect(!error.description.contains("S3cr3tPW"), "\(error.description)")
            #expect(error.description.contains("alice:***"))
        }
        let named = WinHTTPProxySettings.netsh(proxy: "https=alice:S3cr3tPW@proxy:8080", bypass: "")
        #expect(!named.summary.contains("S3cr3tPW"))
        #expect(named.summary.contains("alice:***@proxy:8080"))
    }

    @Test func credentialsApartFromTheAddress() throws {
        let c = try HTTPProxy.credentials(parsing: "alice:S3cr:3tPW\n", source: "file")
        #expect(c.user == "alice" && c.password == "S3cr:3tPW")
        do {
            _ = try HTTPProxy.credentials(parsing: "S3cr3tPW", source: "TLSFIT_PROXY_CREDENTIALS")
            Issue.record("accepted credentials without a user")
        } catch {
            #expect(!error.description.contains("S3cr3tPW"))
        }
    }
}
