import Foundation
import Synchronization
import TLSFitSystem
import Testing

@testable import TLSFitCore

@Suite("Fleet grouping")
struct FleetTests {
    static let policy = #"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#

    @Test func layoutFindsMachinesReleasesAndGPOBackups() {
        let files = [
            "windows-7/pc1.reg", "Win11/site/pc2.POL", "server-2022/a/b/pc3.xml", "pc4.txt", "notes.md",
            ".hidden/pc5.reg",
            "2019/gpo/{GUID}/Backup.xml", "2019/gpo/{GUID}/DomainSysvol/GPO/Machine/registry.pol",
            "2019/gpo/{GUID}/DomainSysvol/GPO/User/registry.pol", "site/inventory.json",
        ]
        let machines = FleetLayout.machines(relativeFiles: files, defaultRelease: .server2022)
        let byName = Dictionary(uniqueKeysWithValues: machines.map { ($0.name, $0) })
        #expect(machines.map(\.name) == machines.map(\.name).sorted())
        #expect(
            Set(byName.keys) == [
                "windows-7/pc1", "Win11/site/pc2", "server-2022/a/b/pc3", "pc4", "2019/gpo/{GUID}", "site/inventory",
            ])
        #expect(byName["windows-7/pc1"]?.release == .windows7)
        #expect(byName["Win11/site/pc2"]?.release == .windows11)
        #expect(byName["server-2022/a/b/pc3"]?.release == .server2022)
        #expect(byName["pc4"]?.release == .server2022)
        #expect(byName["2019/gpo/{GUID}"]?.release == .server2019)
        #expect(byName["2019/gpo/{GUID}"]?.files == ["2019/gpo/{GUID}/DomainSysvol/GPO/Machine/registry.pol"])
    }

    /// Identical exports (same bytes, same release) are parsed once for the whole fleet; the
    /// configuration a group shows is still its first machine's by name, whatever chunk parsed
    /// the content first.
    @Test func identicalExportsAreParsedOnceAndTheFirstMachineIsShown() {
        let a =
            "Windows Registry Editor Version 5.00\r\n\r\n[\(Self.policy)]\r\n\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\"\r\n"
        let machines = (0..<1_000).map {
            FleetMachine(
                name: String(format: "pc%04d", $0), release: .windows11, files: [String(format: "pc%04d.reg", $0)])
        }
        let loads = Mutex(0)
        for chunkSize in [1, 7, 64] {
            loads.withLock { $0 = 0 }
            let reading = FleetGrouping.group(
                machines,
                load: { machine throws(InputError) in
                    loads.withLock { $0 += 1 }
                    return [WindowsConfigReader.InputFile(name: machine.files[0], bytes: Array(a.utf8))]
                }, chunkSize: chunkSize, executor: ConcurrentExecutor())
            #expect(reading.groups.count == 1 && reading.machinesRead == 1_000)
            let group = reading.groups[0]
            #expect(group.machines.first == "pc0000" && group.machines.count == 1_000)
            guard case .policy(let source) = group.configuration.suiteOrderSource else {
                Issue.record("no policy source")
                continue
            }
            #expect(source.file == "pc0000.reg", "chunk size \(chunkSize): shown from \(source.file)")
            // Every machine's files are read; at most one more read re-parses the first machine.
            #expect(loads.withLock { $0 } <= 1_001)
        }
    }

    @Test func groupsByWhatGoesOnTheWireNotByProvenance() {
        let a =
            "Windows Registry Editor Version 5.00\r\n\r\n[\(Self.policy)]\r\n\"Functions\"=\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\"\r\n"
        let sameAsA = a.replacingOccurrences(
            of: "Windows Registry Editor Version 5.00\r\n",
            with: "Windows Registry Editor Version 5.00\r\n; another admin, other lines\r\n\r\n")
        let b = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
        var contents: [String: String] = [:]
        var machines: [FleetMachine] = []
        for i in 0..<300 {
            let name = String(format: "pc%03d", i)
            let release: WindowsRelease = i < 200 ? .windows11 : .server2019
            contents[name] = i % 50 == 49 ? "" : (i % 3 == 0 ? b : (i % 3 == 1 ? a : sameAsA))
            machines.append(FleetMachine(name: name, release: release, files: [name + ".reg"]))
        }
        let files = contents
        let reading = FleetGrouping.group(
            machines,
            load: { machine throws(InputError) in
                [WindowsConfigReader.InputFile(name: machine.files[0], bytes: Array((files[machine.name] ?? "").utf8))]
            }, chunkSize: 7, executor: ConcurrentExecutor())
        #expect(reading.skipped.count == 6)
        #expect(reading.skipped.allSatisfy { $0.line == 1 && $0.file.hasSuffix(".reg") })
        #expect(reading.machinesRead == 294)
        // Two suite lists x two releases.
        #expect(reading.groups.count == 4)
        #expect(reading.groups.map(\.machines.count).reduce(0, +) == 294)
        #expect(Set(reading.groups.map(\.id)).count == 4)
        #expect(reading.groups.map(\.machines.count) == reading.groups.map(\.machines.count).sorted(by: >))
        for g in reading.groups {
            #expect(g.machines == g.machines.sorted())
            #expect(g.configuration.release == g.release)
            #expect(g.client.configurationFingerprint == g.fingerprint)
        }
        // Stable ids: the same input gives the same groups.
        let again = FleetGrouping.group(
            machines,
            load: { machine throws(InputError) in
                [WindowsConfigReader.InputFile(name: machine.files[0], bytes: Array((files[machine.name] ?? "").utf8))]
            }, chunkSize: 64)
        #expect(again.groups.map(\.id) == reading.groups.map(\.id))
        #expect(again.groups.map(\.machines) == reading.groups.map(\.machines))
    }

    @Test func cancellationStopsReading() {
        let machines = (0..<100).map { FleetMachine(name: "pc\($0)", release: .windows11, files: ["pc\($0).reg"]) }
        let reading = FleetGrouping.group(machines, load: { _ throws(InputError) in [] }, isCancelled: { true })
        #expect(reading.cancelled)
        #expect(reading.machinesRead == 0)
    }

    @Test func registryPathFastPathAgreesWithSplitting() {
        let inputs = [
            #"SYSTEM\CurrentControlSet\Control"#, #"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet"#, #"hklm:\software\x"#,
            #"HKLM\a"#,
            #"Computer\HKEY_LOCAL_MACHINE\SOFTWARE"#, #"computer"#, #"SYSTEM\ControlSet001\Control"#,
            #"system\controlset0x1\a"#,
            #"System\ControlSetABC\x"#, #"a\\b"#, #"\a\b"#, #"a\b\"#, #"a\ \b"#, #"a\ b\c"#, #" a\b"#, "", " ", #"\"#,
            #"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"#, "H\u{212A}LM\\x", #"SYSTEM"#,
            #"HKCU\Software"#,
            #"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"#,
        ]
        for input in inputs {
            #expect(RegistryPath.normalize(input) == RegistryPath.normalizeBySplitting(input), "\(input)")
        }
    }
}
