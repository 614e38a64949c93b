import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitTestSupport

/// Local servers on 127.0.0.1 that play an update host, shared by the engine tests.
final class EngineLab: Sendable {
    static let shared: EngineLab = {
        do { return try EngineLab() } catch { fatalError("cannot start the engine lab: \(error)") }
    }()

    static let host = TestPKI.updateHost
    static let schannel = #"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#
    static let policy = #"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#
    /// The two suites `ecdheRSA` accepts, in its order.
    static let suites = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]

    let pki: TestPKI
    /// TLS 1.2 only, two ECDHE-RSA suites, an RSA certificate for the update host from the test CA.
    let ecdheRSA: LocalTLSServer

    init() throws {
        pki = TestPKI.shared
        ecdheRSA = try LocalTLSServer(
            configuration: ServerConfiguration(
                credentials: [pki.rsaLeaf], minVersion: .tls12, maxVersion: .tls12,
                cipherString: "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"))
    }

    /// `host=127.0.0.1:port`, for `--resolve`.
    var resolve: String { "\(Self.host)=127.0.0.1:\(ecdheRSA.port)" }

    /// A regedit export (line 1 the header, line 2 blank) as an input file.
    static func reg(_ name: String, _ lines: [String]) -> WindowsConfigReader.InputFile {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
        return .init(name: name, bytes: Array(text.utf8))
    }

    /// A configuration that offers nothing the server accepts: the policy lists only ECDSA suites.
    static let ecdsaOnly = reg(
        "ecdsa-only.reg",
        [
            "[\(policy)]",
            "\"Functions\"=\"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"",
        ])
    static let healthy = reg("healthy.reg", [])

    static let windows10 = WindowsRelease(userText: "windows-10-22h2")!

    /// A port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let server = try LocalTLSServer(configuration: ServerConfiguration(credentials: [TestPKI.shared.rsaLeaf]))
        let port = server.port
        server.stop()
        return port
    }
}
