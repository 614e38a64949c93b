import CipherSuites
import Foundation
import Testing

@testable import TLSFitCore

/// `CipherSuites/fix-locations.tsv`: where a fix is made, as data with its sources.
@Suite("Where a fix applies")
struct FixLocationTests {
    @Test func theFileLoadsAndEveryRowHasASource() throws {
        let rows = try FixLocation.load(CipherSuitesData.fixLocationsTSV)
        #expect(rows == FixLocation.all)
        #expect(rows.allSatisfy { !$0.source.isEmpty && $0.source != "-" })
        #expect(FixLocation.note("refresh")?.contains("undone") == true)
    }

    @Test func policyValuesAreFixedInTheGPOLocalOnesOnTheMachine() {
        let policyOrder = RegFileWriter.Change(
            key: RegistryPath.policySSL, action: .setValue(name: "Functions", data: .string("TLS_AES_128_GCM_SHA256")))
        let (scope, note) = FixScope.of([policyOrder])
        #expect(scope == .groupPolicy)
        #expect(
            note?.contains(
                "Computer Configuration > Administrative Templates > Network > SSL Configuration Settings > SSL Cipher Suite Order"
            ) == true)
        let curves = RegFileWriter.Change(
            key: RegistryPath.policySSL, action: .setValue(name: "EccCurves", data: .multiString(["NistP256"])))
        #expect(FixScope.of([curves]).1?.contains("> ECC Curve Order") == true)
        let local = RegFileWriter.Change(
            key: RegistryPath.localSSL,
            action: .setValue(name: "Functions", data: .multiString(["TLS_AES_128_GCM_SHA256"])))
        #expect(FixScope.of([local]).0 == .local)
        #expect(
            FixScope.of([local]).1?.contains("Enable-TlsCipherSuite -Name TLS_AES_128_GCM_SHA256 -Position 0") == true)
        let protocolKey = RegFileWriter.Change(
            key: RegistryPath.protocolKey(.tls12, client: true), action: .setValue(name: "Enabled", data: .dword(1)))
        #expect(FixScope.of([protocolKey]).0 == .local)
        // One policy change among local ones: the GPO decides.
        #expect(FixScope.of([protocolKey, policyOrder]).0 == .groupPolicy)
        #expect(FixScope.of([]).0 == nil)
    }
}
