import Foundation
import TLSFitCore
import TLSFitHandshake
import Testing

/// The ClientHello reader behind `serve`'s log and SNI choice: exact on real hellos, never a trap.
@Suite("Offered ClientHello")
struct OfferedClientHelloTests {
    @Test func readsAHandBuiltHello() throws {
        let bytes = RawClientHello.build(
            version: .tls12, suites: [0xC030, 0xC02F], serverName: "fe2.update.microsoft.com",
            random: [UInt8](repeating: 7, count: 32))
        guard case .hello(let hello) = OfferedClientHello.parse(bytes) else {
            Issue.record("not parsed")
            return
        }
        #expect(hello.serverName == "fe2.update.microsoft.com")
        #expect(hello.cipherSuites.prefix(2) == [0xC030, 0xC02F])
        #expect(hello.legacyVersion == 0x0303)
        #expect(!hello.signatureAlgorithms.isEmpty)
        // Every prefix is incomplete, never a wrong answer.
        for cut in [0, 3, 5, 40, bytes.count - 1] {
            if case .hello = OfferedClientHello.parse(Array(bytes.prefix(cut))) {
                Issue.record("a prefix of \(cut) bytes parsed")
            }
        }
    }

    @Test func randomAndMutatedInputNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        let seed = RawClientHello.build(
            version: .tls12, suites: [0xC030], serverName: "a.example", random: [UInt8](repeating: 1, count: 32))
        for _ in 0..<5000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = OfferedClientHello.parse(bytes)
            _ = OfferedClientHello.parse((0..<Int.random(in: 0...64)).map { _ in UInt8.random(in: 0...255) })
        }
    }

    @Test(arguments: [
        ([0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603] as [UInt16], "Windows 10"),
        ([0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0201, 0x0403], "Windows 11"),
        ([0x0601, 0x0603, 0x0401, 0x0501, 0x0201, 0x0403, 0x0503], "Windows 7"),
        ([0x0401, 0x0501, 0x0601, 0x0201, 0x0403, 0x0503], "Windows 8.1"),
        ([0x0403, 0x0804, 0x0401], "not a known Windows hello"),
    ])
    func releaseGuessFromSignatureAlgorithms(sigalgs: [UInt16], expected: String) {
        let hello = OfferedClientHello(legacyVersion: 0x0303, cipherSuites: [0xC030], signatureAlgorithms: sigalgs)
        #expect(ClientReleaseGuess.guess(hello).contains(expected))
    }

    /// A whole hello from bytes is matched against every release's WinHTTP hello, as `hello --pcap` does.
    @Test func releaseGuessFromTheWholeHello() throws {
        for (release, name) in [(WindowsRelease.windows10_22H2, "windows-10-22h2"), (.windows7, "windows-7")] {
            let config = try WindowsConfigReader.read([], release: release)
            let built = try WindowsClientHelloBuilder.build(config: config, serverName: "slscr.update.microsoft.com")
            guard case .hello(let offered) = OfferedClientHello.parse(built.hello.encode()) else {
                Issue.record("the emulated hello of \(name) does not parse")
                continue
            }
            let guess = ClientReleaseGuess.guess(offered)
            #expect(guess.contains(name) && guess.contains("identical WinHTTP hello"), "\(guess)")
        }
    }
}
