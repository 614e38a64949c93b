import Testing

@testable import TLSFitCore

@Suite struct WindowsHelloMatcherTests {
    @Test func anEmulatedHelloMatchesItsReleaseFirstWithTheReleasesThatShareIt() throws {
        let config = try WindowsClientHelloTests.config([], .windows10_1809)
        let hello = try WindowsClientHelloBuilder.build(config: config, serverName: "a.example").hello
        let ranking = WindowsHelloMatcher.rank(hello)
        let best = try #require(ranking.first)
        #expect(best.identical)
        // 1903-21H2 differ from 1809 only in SCH_USE_STRONG_CRYPTO, which the hello does not show; 22H2's 2023
        // patch level sends the 1903 list too (captured), at the same patch level (RSA-PSS first).
        #expect(
            Set(best.releases) == [
                .windows10_1709, .windows10_1803, .windows10_1809, .server2019, .windows10_1903,
                .windows10_1909, .windows10_2004, .windows10_20H2, .windows10_21H1, .windows10_21H2,
                .windows10_22H2,
            ])
        #expect(best.patchLevels == ["2023"])
        #expect(best.stack == .winHTTP && best.stacks.contains(.sspi))
        #expect(best.configuration == "defaults")
        #expect(ranking.dropFirst().allSatisfy { $0.score > 0 })
    }

    @Test func windows11ReleasesSendTheSameHello() throws {
        let hello = try WindowsClientHelloBuilder.build(
            config: try WindowsClientHelloTests.config([], .windows11_23H2), serverName: "a.example"
        ).hello
        let best = try #require(WindowsHelloMatcher.rank(hello).first)
        #expect(best.identical)
        #expect(Set(best.releases).isSuperset(of: [.windows11_22H2, .windows11_23H2, .windows11_24H2, .windows11]))
        #expect(!best.releases.contains(.windows11_21H2))
    }

    /// IE 11 is WinINet: without RC4, with status_request, TLS 1.2 by its own settings; the 2016 patch level.
    @Test func theIE11Windows7CaptureIsWindows7WinINetAtItsPatchLevel() throws {
        let captured = try ClientHello.decode(try CapturedHellos.capture("ie_11_win7").bytes)
        let ranking = WindowsHelloMatcher.rank(captured)
        let best = try #require(ranking.first)
        #expect(best.identical)
        #expect(Set(best.releases) == [.windows7, .server2008R2])
        #expect(best.stack == .winINet)
        #expect(best.patchLevels == ["2016"])
        #expect(best.configuration == "defaults")
        #expect(!ranking.contains { $0.releases.contains(.windows81) && $0.score <= best.score })
    }

    /// Edge removed RC4 and the DHE suites itself, so 1703's list and 22H2's (which lacks only 3DES) are both
    /// a few suites away: 1703 must be among the closest, with the same signature algorithms and groups.
    @Test func edge15RanksWindows10_1703AmongTheClosest() throws {
        let captured = try ClientHello.decode(try CapturedHellos.capture("edge_15_win10").bytes)
        let ranking = WindowsHelloMatcher.rank(captured)
        let match = try #require(ranking.prefix(3).first { $0.releases.contains(.windows10_1703) })
        #expect(!match.differences.contains { $0.kind == "signature-algorithms" || $0.kind == "groups" })
        #expect(Set(match.differences.map(\.kind)).isSubset(of: ["suites-missing", "extensions-extra"]))
        // Windows 7 / 8.1 / 11 send other signature algorithms.
        #expect(
            ranking.first { $0.releases.contains(.windows81) }?.differences.contains {
                $0.kind == "signature-algorithms"
            } == true)
    }
}
