import Foundation
import TLSFitSystem
import TLSFitTestZips
import Testing

@testable import TLSFitCore

/// The demo's collect bundle (CipherSuites/examples/server-2019-hardening), read from the source tree.
enum DemoBundle {
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("CipherSuites/examples/server-2019-hardening")
    }

    static func files(under prefix: String = "tlsfit-WS2019-APP01-20261201T092102Z/") throws -> [(String, [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (prefix + name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}

@Suite("tlsfit collect: the table, the script, the bundle")
struct CollectTests {
    @Test("every registry key a reader uses is exported by the script (one table for both)")
    func readerKeysAreCollected() {
        #expect(!CollectTable.all.isEmpty)
        for key in RegistryPath.readerKeys {
            #expect(
                CollectTable.isCollected(key),
                "\(key) is read by tlsfit but not exported by collect (add it to CipherSuites/collect.tsv)")
        }
        // And the check itself bites: a key outside every exported one is not collected.
        #expect(!CollectTable.isCollected(#"SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate"#))
    }

    @Test("every registry key named in the readers' sources (TLSFitCore, TLSFitEngines) is exported by the script")
    func keysInTheSourcesAreCollected() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let pattern = try Regex(##"#"((?:SOFTWARE|SYSTEM)\\[^"]+)"#"##)
        var found: Set<String> = []
        for module in ["Sources/TLSFitCore", "Sources/TLSFitEngines"] {
            let folder = root.appendingPathComponent(module)
            let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
                .filter { $0.hasSuffix(".swift") }
            for file in files where !file.hasPrefix("Collect/") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for match in text.matches(of: pattern) {
                    if let key = match.output[1].substring { found.insert(String(key)) }
                }
            }
        }
        #expect(found.count >= 10, "\(found)")
        for key in found.sorted() {
            #expect(
                CollectTable.isCollected(key),
                "\(key) appears in a reader but collect does not export it (CipherSuites/collect.tsv)")
        }
    }

    @Test("the table: sources, confidences, the issue's keys and commands")
    func table() throws {
        for item in CollectTable.all {
            #expect(!item.source.isEmpty && !item.readBy.isEmpty, "collect.tsv line \(item.line)")
        }
        let keys = Set(CollectTable.exportedKeys.map { $0.lowercased() })
        for key in [
            #"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"#,
            #"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL"#,
            #"SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL"#,
            #"SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"#,
            #"SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727"#,
            #"SOFTWARE\Microsoft\SystemCertificates\AuthRoot\AutoUpdate"#,
        ] {
            #expect(keys.contains(key.lowercased()), "\(key)")
        }
        #expect(throws: InputError.self) {
            try CollectTable.load("a\treg\tx.reg\tSOFTWARE\\A\treg.exe\tr\ts\tguessed\n")
        }
    }

    static let script = CollectScript.text(version: "9.9.9")

    @Test("the script is UTF-8 with a BOM and CRLF lines, and names the version")
    func encoding() {
        let bytes = CollectScript.bytes(version: "9.9.9")
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text == Self.script)
        #expect(!text.replacing("\r\n", with: "").contains("\n"), "every line ends in CRLF")
        #expect(text.contains("$tlsfitVersion = '9.9.9'"))
        #expect(text.contains("param([switch]$Probe, [switch]$Capture, [string]$OutputFolder = '')"))
    }

    @Test("the script collects every row of the table, under its id and file, with a manifest entry")
    func scriptMatchesTable() {
        for item in CollectTable.all {
            switch item.kind {
            case .reg:
                #expect(
                    Self.script.contains(
                        "Export-TlsfitKey '\(item.id)' '\(item.what)' '\(item.file)' $\(item.isWow64View)"),
                    "\(item.id)")
            default:
                #expect(Self.script.contains("Add-TlsfitItem '\(item.id)' '\(item.file)' 'collected'"), "\(item.id)")
            }
        }
        // reg export in the machine's own (64-bit) view, the 32-bit keys by their WOW6432Node path.
        #expect(Self.script.contains("& reg.exe export ('HKLM\\' + $key) $path /y @view"))
        #expect(Self.script.contains("$view = @('/reg:64')"))
        #expect(Self.script.contains("& gpresult.exe /scope computer /x $path /f"))
        #expect(Self.script.contains("& netsh.exe 'winhttp' 'show' 'proxy'"))
        #expect(Self.script.contains("Get-WindowsUpdateLog -LogPath $path"))
        #expect(Self.script.contains("Join-Path $env:windir 'WindowsUpdate.log'"))
        #expect(Self.script.contains("Compress-Archive -Path $folder -DestinationPath ($folder + '.zip')"))
        #expect(Self.script.contains("('tlsfit-' + $env:COMPUTERNAME + '-' + $stamp)"))
        #expect(Self.script.contains("Write-TlsfitText (Join-Path $folder 'manifest.json') $manifest"))
        // -Probe: winhttp.dll through Add-Type, the default proxy (WINHTTP_ACCESS_TYPE_DEFAULT_PROXY = 0), every update host.
        #expect(Self.script.contains("[DllImport(\"winhttp.dll\""))
        #expect(Self.script.contains("WinHttpOpen(\"tlsfit-collect\", 0, null, null, 0)"))
        for release in [WindowsRelease.windows10_22H2, .windows7] {
            for host in UpdateRole.client.hosts(release: release) {
                #expect(Self.script.contains("'\(host.scheme) \(host.host) \(host.port)'"), "\(host.host)")
            }
        }
        // -Capture: pktmon with whole packets, converted to pcapng; netsh trace otherwise.
        #expect(Self.script.contains("pktmon.exe start --capture --pkt-size 0 --file-name $etl"))
        #expect(Self.script.contains("pktmon.exe etl2pcap $etl --out"))
        #expect(Self.script.contains("netsh.exe trace start capture=yes"))
    }

    @Test("the script is read-only: nothing that writes the registry, a setting or a service")
    func readOnly() throws {
        let lower = Self.script.lowercased()
        for verb in [
            "reg add", "reg import", "reg delete", "reg copy", "reg restore", "reg load", "reg unload", "reg.exe add",
            "reg.exe import",
            "reg.exe delete", "regedit", "set-itemproperty", "new-itemproperty", "remove-itemproperty", "set-item ",
            "remove-item",
            "clear-item", "rename-item", "netsh winhttp set", "netsh winhttp reset", "netsh winhttp import", "'set'",
            "'reset'",
            "enable-tls", "disable-tls", "set-service", "stop-service", "start-service", "restart-service", "gpupdate",
            "set-executionpolicy", "bcdedit", "invoke-webrequest", "start-bitstransfer", "secedit", "auditpol",
        ] {
            #expect(!lower.contains(verb), "the script contains '\(verb)'")
        }
        // No cmdlet of a changing verb at all.
        let changing = try Regex(
            #"\b(Set|Remove|Clear|Enable|Disable|Stop|Restart|Install|Uninstall|Register|Unregister|Reset|Update)-[A-Za-z]+"#
        )
        #expect(Self.script.firstMatch(of: changing) == nil)
    }

    @Test("the script runs on PowerShell 2.0: no newer syntax, and every cmdlet newer than 2.0 checked before use")
    func powerShell2() throws {
        // The PowerShell code: without the comment block at the top, comment lines, and the C# of -Probe.
        let afterHelp = Self.script.split(separator: "#>", maxSplits: 1).last.map(String.init) ?? ""
        let code = afterHelp.replacing(try Regex(#"@'(?s:.*?)'@"#), with: "").split(separator: "\r\n")
            .filter { !$0.trimmingPrefix(while: { $0 == " " }).hasPrefix("#") }.joined(separator: "\n")
        for newer in [
            "[ordered]", "::new(", "$PSScriptRoot", " -in ", " -notin ", "class ", "using namespace", "?.", "??",
            "[pscustomobject]",
            "-Encoding utf8NoBOM", "ForEach-Object -Parallel", "&&", "||", "$using:",
        ] {
            #expect(!code.contains(newer), "PowerShell 2.0 has no \(newer)")
        }
        let powerShell2: Set<String> = [
            "Get-Command", "Get-ItemProperty", "Get-Location", "Join-Path", "New-Item", "New-Object", "Write-Host",
            "Write-Warning", "Test-Path", "Copy-Item", "Out-String", "Add-Type", "Split-Path", "Write-Output",
        ]
        let defined = Set(
            Self.script.matches(of: try Regex(#"function ([A-Za-z]+-[A-Za-z]+)"#)).compactMap {
                $0.output[1].substring.map(String.init)
            })
        let checked = Set(
            Self.script.matches(of: try Regex(#"Test-TlsfitCommand '([A-Za-z.]+-[A-Za-z]+)'"#)).compactMap {
                $0.output[1].substring.map(String.init)
            })
        for match in code.matches(of: try Regex(#"\b([A-Z][a-z]+-[A-Z][A-Za-z]+)\b"#)) {
            guard let name = match.output[1].substring.map(String.init) else { continue }
            #expect(
                powerShell2.contains(name) || defined.contains(name) || checked.contains(name),
                "\(name) is not in PowerShell 2.0 and not checked with Get-Command")
        }
        // Newer cmdlets are checked *before* their first use.
        for name in [
            "Get-TlsCipherSuite", "ConvertTo-Json", "Get-TlsEccCurve", "Get-WindowsUpdateLog", "Compress-Archive",
        ] {
            guard let check = code.firstRange(of: "Test-TlsfitCommand '\(name)'"),
                let use = code.ranges(of: name).first(where: {
                    !code[..<$0.lowerBound].hasSuffix("Test-TlsfitCommand '")
                })
            else {
                Issue.record("\(name): no check or no use")
                continue
            }
            #expect(check.lowerBound < use.lowerBound, "\(name) used before Get-Command checks it")
        }
    }

    @Test("a collect folder is read whole, every file by its content: configuration, log, manifest, probe")
    func demoBundleFolder() throws {
        let bundle = try #require(try CollectedBundle.readFolder(DemoBundle.folder.path))
        let formats = Dictionary(grouping: bundle.configFiles, by: { $0.format! }).mapValues(\.count)
        #expect(formats[.regedit] == 8)
        #expect(formats[.gpresultXML] == 1)
        #expect(formats[.netshWinHTTPProxy] == 1)
        #expect(formats[.tlsCipherSuiteJSON] == 1)
        #expect(bundle.updateLog?.name.hasSuffix("WindowsUpdate.log") == true)
        #expect(bundle.manifest?.machine == "WS2019-APP01")
        #expect(bundle.manifest?.build == "17763.5329")
        #expect(bundle.probe?.results.count == 5)
        #expect(bundle.probe?.results.first?.hresult == "0x80072EFE")
        #expect(bundle.capture == nil)
        #expect(bundle.keptForAdmin.map { $0.hasSuffix("tls-ecc-curves.txt") } == [true])
        #expect(bundle.notes.isEmpty, "\(bundle.notes)")
        #expect(!bundle.notes.contains { $0.contains("no manifest") })
        // Evaluated: the release from CurrentVersion, the policy order, the direct WinHTTP path.
        let config = WindowsConfigReader.evaluate(
            try WindowsConfigReader.parse(bundle.configFiles, xml: LibXML2Reader()), release: nil)
        #expect(config.release == .server2019)
        #expect(!config.releaseAssumed)
        guard case .policy = config.suiteOrderSource else {
            Issue.record("no policy order: \(config.suiteOrderSource)")
            return
        }
        #expect(!config.cipherSuites.contains { $0.windowsName.contains("ECDSA") })
        let proxy = try MachineProxyConfiguration.read(from: config.registry)
        #expect(proxy.winHTTP?.path == .direct)
    }

    @Test("its zip reads the same, with the machine's folder in the names")
    func demoBundleZip() throws {
        let zip = try ZipMaker.make(try DemoBundle.files())
        #expect(ZipArchiveReader.looksLikeZip(zip))
        let bundle = try CollectedBundle.readZip(zip, source: "bundle.zip")
        let folder = try #require(try CollectedBundle.readFolder(DemoBundle.folder.path))
        #expect(bundle.configFiles.count == folder.configFiles.count)
        #expect(bundle.configFiles.map(\.bytes) == folder.configFiles.map(\.bytes))
        #expect(bundle.configFiles.first?.name.hasPrefix("bundle.zip:tlsfit-WS2019-APP01-20261201T092102Z/") == true)
        #expect(bundle.updateLog != nil && bundle.probe != nil && bundle.manifest != nil)
        #expect(bundle.notes.isEmpty, "\(bundle.notes)")
        // Compress-Archive of Windows PowerShell 5.1 writes backslashes between folder and file.
        let backslashed = try CollectedBundle.readZip(
            try ZipMaker.make(try DemoBundle.files(under: "tlsfit-WS2019-APP01-20261201T092102Z\\")), source: "ps51.zip"
        )
        #expect(backslashed.configFiles.count == folder.configFiles.count)
        #expect(backslashed.configFiles.first?.name.hasPrefix("ps51.zip:tlsfit-WS2019-APP01-20261201T092102Z/") == true)
        #expect(backslashed.notes.isEmpty, "\(backslashed.notes)")
        #expect(backslashed.updateLog != nil && backslashed.probe != nil && backslashed.manifest != nil)
        // Stored (uncompressed) entries too.
        let stored = try CollectedBundle.readZip(
            try ZipMaker.make(try DemoBundle.files(under: ""), stored: true), source: "stored.zip")
        #expect(stored.configFiles.count == folder.configFiles.count)
    }

    @Test("files are recognised by content, whatever their names: a reg query of CurrentVersion counts as an export")
    func contentNotNames() throws {
        let query =
            "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\r\n    SystemRoot    REG_SZ    C:\\Windows\r\n    CurrentBuild    REG_SZ    17763\r\n    UBR    REG_DWORD    0x14d1\r\n    ProductName    REG_SZ    Windows Server 2019 Datacenter\r\n    InstallationType    REG_SZ    Server\r\n\r\n"
        let schannel = try [UInt8](Data(contentsOf: DemoBundle.folder.appendingPathComponent("schannel.reg")))
        let log = try [UInt8](Data(contentsOf: DemoBundle.folder.appendingPathComponent("WindowsUpdate.log")))
        let zip = try ZipMaker.make([
            ("b/output1.txt", Array(query.utf8)), ("b/x.dat", schannel), ("b/notes", log),
            ("b/readme.md", Array("# hello\n".utf8)),
        ])
        let bundle = try CollectedBundle.readZip(zip, source: "renamed.zip")
        #expect(bundle.configFiles.map(\.format) == [.regQuery, .regedit])
        #expect(bundle.updateLog?.name == "renamed.zip:b/notes")
        let config = WindowsConfigReader.evaluate(
            try WindowsConfigReader.parse(bundle.configFiles, xml: LibXML2Reader()), release: nil)
        #expect(config.release == .server2019)
        // A missing manifest is a warning, not an error; so is a file tlsfit does not know.
        #expect(bundle.notes.contains { $0.contains("no manifest.json") })
        #expect(bundle.notes.contains { $0.contains("readme.md") && $0.contains("not read") })
    }

    @Test("the manifest's gaps become warnings that say what they cost")
    func manifestGaps() throws {
        let manifest =
            #"{"tlsfitCollect":1,"machine":"PC7","build":"7601.24544","is64BitWindows":false,"items":["#
            + #"{"id":"gpresult","file":"gpresult.xml","status":"skipped","reason":"not elevated: gpresult /scope computer needs an administrator"},"#
            + #"{"id":"winhttp-wow64","file":"winhttp-wow64.reg","status":"skipped","reason":"32-bit Windows has no WOW6432Node view"},"#
            + #"{"id":"winhttp","file":"winhttp.reg","status":"absent","reason":"the key does not exist"},"#
            + #"{"id":"schannel","file":"schannel.reg","status":"failed","reason":"reg export: ERROR: Access is denied."},"#
            + #"{"id":"currentversion","file":"currentversion.reg","status":"collected","reason":""}]}"#
        let schannel = try [UInt8](Data(contentsOf: DemoBundle.folder.appendingPathComponent("ssl-policy.reg")))
        let bundle = try CollectedBundle.read(
            [
                .init(name: "m/manifest.json", bytes: [0xEF, 0xBB, 0xBF] + Array(manifest.utf8)),
                .init(name: "m/ssl-policy.reg", bytes: schannel),
            ], source: "m", looksCollected: false)
        #expect(
            bundle.notes.contains(
                "m: no gpresult (not elevated: gpresult /scope computer needs an administrator): policy precedence from the exports alone"
            ))
        #expect(
            bundle.notes.contains { $0.contains("schannel.reg not collected (reg export: ERROR: Access is denied.)") })
        #expect(
            bundle.notes.contains {
                $0.contains("lists currentversion.reg as collected, but the bundle does not hold it")
            })
        #expect(
            !bundle.notes.contains { $0.contains("winhttp") },
            "an absent key and the 32-bit view of 32-bit Windows are no gaps")
        // A bundle with nothing to configure from is an error naming it.
        #expect(throws: InputError.self) {
            try CollectedBundle.read(
                [.init(name: "m/manifest.json", bytes: Array(manifest.utf8))], source: "m", looksCollected: true)
        }
    }

    @Test("hostile zips: damaged, path traversal, zip bombs, too many entries: refused naming the entry")
    func hostileZips() throws {
        let reg = try [UInt8](Data(contentsOf: DemoBundle.folder.appendingPathComponent("schannel.reg")))
        // Damaged: flip bytes in the middle of the second entry's compressed data.
        var zip = try ZipMaker.make([("b/ssl-policy.reg", Array(repeating: 0x41, count: 200)), ("b/schannel.reg", reg)])
        let second = try #require(
            zip.indices.dropFirst(4).first {
                zip[$0] == 0x50 && zip[$0 + 1] == 0x4B && zip[$0 + 2] == 3 && zip[$0 + 3] == 4
            })
        for i in (second + 60)..<(second + 90) { zip[i] ^= 0x5A }
        do {
            _ = try ZipArchiveReader.read(zip, source: "damaged.zip")
            Issue.record("a damaged zip was read")
        } catch {
            #expect(error.source == "damaged.zip")
            #expect(error.message.contains("b/schannel.reg"), "\(error.message)")
        }
        // Not a zip at all past its magic.
        #expect(throws: InputError.self) { try ZipArchiveReader.read([0x50, 0x4B, 3, 4, 0, 0, 0], source: "cut.zip") }
        // Path traversal and absolute names.
        for name in ["../evil.reg", "b/../../evil.reg", "/etc/evil.reg", "C:/Windows/evil.reg", "b\\..\\..\\evil.reg"] {
            let zip = try ZipMaker.make([(name, reg)])
            do {
                _ = try ZipArchiveReader.read(zip, source: "t.zip")
                Issue.record("\(name) was accepted")
            } catch {
                #expect(error.message.contains("points outside the bundle"), "\(name): \(error.message)")
            }
        }
        // A zip bomb: one entry inflating past the per-entry cap (64 MiB of zeros, 65 KB deflated).
        let bomb = try ZipMaker.make([
            ("b/bomb.reg", [UInt8](repeating: 0, count: WindowsConfigReader.maximumFileSize + 1))
        ])
        #expect(bomb.count < 1 << 20)
        do {
            _ = try ZipArchiveReader.read(bomb, source: "bomb.zip")
            Issue.record("a zip bomb was inflated")
        } catch {
            #expect(error.message.contains("'b/bomb.reg' inflates to more than 64 MiB"), "\(error.message)")
        }
        // The total cap and the entry count, with small limits.
        let many = try ZipMaker.make((0..<6).map { ("b/f\($0).reg", reg) })
        let limits = ZipArchiveReader.Limits(entryBytes: 1 << 20, totalBytes: reg.count * 3, entries: 100)
        #expect(throws: InputError.self) { try ZipArchiveReader.read(many, source: "many.zip", limits: limits) }
        #expect(throws: InputError.self) {
            try ZipArchiveReader.read(
                many, source: "many.zip", limits: .init(entryBytes: 1 << 20, totalBytes: 1 << 30, entries: 5))
        }
        #expect(try ZipArchiveReader.read(many, source: "many.zip").count == 6)
    }

    @Test("the probe's WinHTTP errors read as the HRESULTs Windows Update shows, and compare with tlsfit's verdict")
    func probeComparison() throws {
        let probe = try #require(
            try WinHTTPProbe.parse(
                try [UInt8](Data(contentsOf: DemoBundle.folder.appendingPathComponent("winhttp-probe.json"))),
                source: "p"))
        #expect(probe.results.map(\.hresult) == ["0x80072EFE", "0x80072EFE", "0x80072EFE", nil, nil])
        #expect(
            WinHTTPProbe.Result(
                scheme: "https", host: "h", port: 443, stage: "send", winhttpError: 12175, httpStatus: 0
            ).hresult == "0x80072F8F")
        func host(_ name: String, ok: Bool) -> HostDiagnosis {
            HostDiagnosis(
                host: name, port: 443, address: nil, serverProfileSource: nil, outcome: ok ? .ok : .fails,
                negotiated: nil, predicted: nil,
                predictedFailure: nil, agrees: nil, observedFailure: nil, certificateRoot: nil, causes: [],
                fixVerified: nil, fixConfirmedOnWire: nil)
        }
        let comparison = MachineProbeComparison(
            probe: probe, source: "bundle",
            hosts: [
                host("slscr.update.microsoft.com", ok: false),
                host("fe2cr.update.microsoft.com", ok: true),
                host("fe3.delivery.mp.microsoft.com", ok: true),
            ])
        #expect(comparison.rows.map(\.agrees) == [true, false, nil, true, nil])
        #expect(comparison.disagreements.map(\.host) == ["fe2cr.update.microsoft.com"])
        #expect(comparison.rows[1].note?.contains("machine's own network path") == true)
    }

    @Test(
        "in a fleet, a collect folder (with manifest.json) and a zip are one machine each, the release from CurrentVersion unless a folder names it"
    )
    func fleetLayout() {
        let machines = FleetLayout.machines(
            relativeFiles: [
                "site/app01.zip", "site/app02/manifest.json", "site/app02/schannel.reg",
                "site/app02/WindowsUpdate.log", "windows-7/pc1.reg", "server-2019/app03.zip",
            ],
            defaultRelease: .server2022)
        #expect(machines.map(\.name) == ["server-2019/app03", "site/app01", "site/app02", "windows-7/pc1"])
        #expect(
            machines.map(\.files) == [
                ["server-2019/app03.zip"], ["site/app01.zip"], ["site/app02/"], ["windows-7/pc1.reg"],
            ])
        #expect(machines.map(\.releaseNamed) == [true, false, false, true])
    }
}
