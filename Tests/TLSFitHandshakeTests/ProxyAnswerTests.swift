import Foundation
import TLSFitCore
import Testing

@testable import TLSFitHandshake

/// What a proxy's error answer to a CONNECT means: a name its DNS cannot resolve is told apart from
/// a server it cannot reach, by squid's header or by the resolver's words in the error page.
@Suite("Proxy error answers")
struct ProxyAnswerTests {
    let proxy = HTTPProxy(host: "10.0.0.8", port: 3128)

    func kind(status: Int, statusLine: String, body: String?, squid: String? = nil) -> FailureKind? {
        var answer = ProxyTunnel.Answer()
        answer.status = status
        answer.statusLine = statusLine
        answer.bodyFirstLine = body
        answer.squidError = squid
        return ProxyTunnel.failure(status: status, answer: answer, proxy: proxy, what: "CONNECT x:443")?.kind
    }

    @Test func squidDNSFailureIsTheProxysName() {
        #expect(
            kind(
                status: 503, statusLine: "HTTP/1.1 503 Service Unavailable",
                body: "ERROR: The requested URL could not be retrieved",
                squid: "ERR_DNS_FAIL 0") == .proxyNameNotResolved)
        // squid's other errors stay upstream errors.
        #expect(
            kind(
                status: 503, statusLine: "HTTP/1.1 503 Service Unavailable", body: "ERROR",
                squid: "ERR_CONNECT_FAIL 111") == .proxyUpstreamError)
    }

    @Test(arguments: [
        "Unable to connect: Name or service not known", "Temporary failure in name resolution",
        "Unable to determine IP address from host name nowhere.invalid",
    ])
    func resolverWordsInThePage(body: String) {
        #expect(kind(status: 500, statusLine: "HTTP/1.0 500 Unable to connect", body: body) == .proxyNameNotResolved)
    }

    @Test func otherServerErrorsAreUpstream() {
        #expect(
            kind(status: 502, statusLine: "HTTP/1.1 502 Bad Gateway", body: "Connection refused") == .proxyUpstreamError
        )
        #expect(
            kind(status: 403, statusLine: "HTTP/1.1 403 Forbidden", body: "Name or service not known")
                == .proxyForbidden)
    }

    @Test func theNameAskedFor() {
        #expect(Diagnoser.requestedHost("CONNECT fe2.update.microsoft.com:443 HTTP/1.1") == "fe2.update.microsoft.com")
        #expect(Diagnoser.requestedHost("CONNECT [2001:db8::1]:443 HTTP/1.1") == "2001:db8::1")
        #expect(Diagnoser.requestedHost("GET http://x/ HTTP/1.1") == nil)
    }
}
