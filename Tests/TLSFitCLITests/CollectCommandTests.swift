import Foundation
import TLSFitTestSupport
import TLSFitTestZips
import Testing

/// `tlsfit collect`, and its bundle (the folder, or its zip) as one input of config, diagnose,
/// hello and report: the demo's Server 2019 bundle, zipped here by a real zip writer.
@Suite("collect and its bundle, from the CLI")
struct CollectCommandTests {
    static let machineFolder = "tlsfit-WS2019-APP01-20261201T092102Z"

    /// A temporary folder holding the bundle as a zip and as a folder, and `extra` files in the bundle.
    static func workspace(extra: [(String, [UInt8])] = [], dropping: Set<String> = []) throws -> (
        dir: URL, zip: String, folder: String
    ) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-collect-\(UUID().uuidString)")
        let folder = dir.appendingPathComponent(machineFolder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var entries = try DemoBundleFiles.files(under: machineFolder + "/").filter {
            !dropping.contains(String($0.0.split(separator: "/").last!))
        }
        entries += extra.map { (machineFolder + "/" + $0.0, $0.1) }
        for (name, bytes) in entries { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        let zip = dir.appendingPathComponent(machineFolder + ".zip")
        try Data(try ZipMaker.make(entries)).write(to: zip)
        return (dir, zip.path, folder.path)
    }

    @Test("collect prints the script (UTF-8 with a BOM); --output writes the same bytes")
    func script() throws {
        let printed = try CLI.run(["collect"])
        #expect(printed.exitCode == 0, "\(printed.stderr)")
        #expect(printed.stdout.hasPrefix("\u{FEFF}<#"))
        for needle in [
            "reg.exe export", "schannel.reg", "ssl-local.reg", "gpresult.exe /scope computer /x",
            "netsh.exe 'winhttp' 'show' 'proxy'",
            "Get-TlsCipherSuite | ConvertTo-Json", "manifest.json", "[switch]$Probe", "winhttp.dll", "pktmon.exe",
        ] {
            #expect(printed.stdout.contains(needle), "\(needle)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tlsfit-collect.ps1")
        let written = try CLI.run(["collect", "--output", file.path])
        #expect(written.exitCode == 0 && written.stdout.isEmpty, "\(written.stderr)")
        let bytes = [UInt8](try Data(contentsOf: file))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(bytes == Array(printed.stdout.utf8))
        let bad = try CLI.run(["collect", "--output", dir.appendingPathComponent("no/such/folder.ps1").path])
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.contains("--output"))
    }

    @Test(
        "config reads the zip and the folder alike: the release from CurrentVersion, the GPO order, the proxy from netsh"
    )
    func config() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        for input in [w.zip, w.folder] {
            let result = try CLI.run(["config", input])
            #expect(result.exitCode == 0, "\(result.stderr)")
            let text = result.stdout.unwrapped
            #expect(
                text.contains("Windows release: Windows Server 2019 (server-2019) the export says: build 17763.5329"),
                "\(text.prefix(400))")
            #expect(text.contains("Cipher suites (policy order from"))
            #expect(text.contains("gpresult.xml"))
            #expect(text.contains("WinHTTP proxy (the update agent's path): direct"))
            #expect(
                text.contains(
                    "Bundle \(input): collected on WS2019-APP01 (build 17763.5329) at 2026-12-01T09:21:02Z by tlsfit collect 0.1.0; WindowsUpdate.log"
                ))
            #expect(text.contains("WinHTTP probe of 5 hosts (diagnose shows it); no capture"))
            #expect(!result.stderr.contains("warning"), "\(result.stderr)")
        }
    }

    @Test(
        "diagnose --config BUNDLE: the bundle's WindowsUpdate.log without --log, and the machine's own WinHTTP beside the verdict"
    )
    func diagnose() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let result = try CLI.run(["diagnose", "--config", w.zip, "--offline"])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let text = result.stdout.unwrapped
        #expect(text.contains("Client: Windows Server 2019"), "\(text.prefix(300))")
        #expect(text.contains("[no-shared-cipher, 0x80072EFE]"))
        #expect(text.contains("/WindowsUpdate.log"))
        #expect(text.contains("WindowsUpdate.log shows 0x80072EFE; tlsfit predicts 0x80072EFE: matches"))
        #expect(text.contains("This machine's own WinHTTP (collect -Probe), beside tlsfit's verdict"))
        #expect(
            text.contains(
                "slscr.update.microsoft.com:443  [agree] machine: 0x80072EFE (WinHTTP 12030) at send; tlsfit: fails, 0x80072EFE"
            ), "\(text)")
        // A bundle judges every host of the role, not only those its log shows failing.
        #expect(
            text.contains(
                "fe2cr.update.microsoft.com:443  [agree] machine: 0x80072EFE (WinHTTP 12030) at send; tlsfit: fails, 0x80072EFE"
            ))
        #expect(!text.contains("not diagnosed  [-]") || text.contains("download.windowsupdate.com:80  [-]"))

        // The update hosts tlsfit knows: where the machine and tlsfit disagree, diagnose says so and why.
        let all = try CLI.run([
            "diagnose", "slscr.update.microsoft.com", "fe2cr.update.microsoft.com", "fe3cr.delivery.mp.microsoft.com",
            "fe3.delivery.mp.microsoft.com", "--config", w.folder, "--offline", "--format", "json",
        ])
        #expect(all.exitCode == 1, "\(all.stderr)")
        let json = try CLI.json(all)
        let probe = try #require(json["machineProbe"] as? [String: Any])
        let rows = try #require(probe["rows"] as? [[String: Any]])
        #expect(rows.count == 5)
        let fe3 = try #require(rows.first { $0["host"] as? String == "fe3.delivery.mp.microsoft.com" })
        #expect(fe3["machineSucceeded"] as? Bool == true)
        for row in rows where row["agrees"] as? Bool == false { #expect((row["note"] as? String)?.isEmpty == false) }
        for format in ["markdown", "html"] {
            let rendered = try CLI.run(["diagnose", "--config", w.zip, "--offline", "--format", format])
            #expect(
                rendered.stdout.contains("This machine&#39;s own WinHTTP")
                    || rendered.stdout.contains("This machine's own WinHTTP"), "\(format)")
        }
    }

    @Test("gaps and a missing manifest are warnings, not errors")
    func warnings() throws {
        let noManifest = try Self.workspace(dropping: ["manifest.json"])
        defer { try? FileManager.default.removeItem(at: noManifest.dir) }
        let result = try CLI.run(["config", noManifest.zip])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("no manifest.json"))

        let manifest =
            #"{"tlsfitCollect":1,"machine":"WS2019-APP01","build":"17763.5329","is64BitWindows":true,"items":[{"id":"gpresult","file":"gpresult.xml","status":"failed","reason":"ERROR: Access denied."}]}"#
        let gap = try Self.workspace(
            extra: [("manifest.json", Array(manifest.utf8))], dropping: ["manifest.json", "gpresult.xml"])
        defer { try? FileManager.default.removeItem(at: gap.dir) }
        let gapped = try CLI.run(["diagnose", "--config", gap.zip, "--offline"])
        #expect(gapped.exitCode == 1)
        #expect(
            gapped.stderr.contains("no gpresult (ERROR: Access denied.): policy precedence from the exports alone"),
            "\(gapped.stderr)")
    }

    @Test("a damaged zip, a zip that climbs out of its folder, a zip bomb: exit 2 naming the zip and the entry")
    func hostile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tlsfit-collect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = try DemoBundleFiles.files(under: "b/")
        var damaged = try ZipMaker.make(files)
        // Corrupt the compressed data of the entry holding the SCHANNEL export.
        let name = Array("b/schannel.reg".utf8)
        let at = try #require(damaged.indices.first { damaged[$0...].starts(with: name) })
        for i in (at + name.count + 40)..<(at + name.count + 80) { damaged[i] ^= 0x3C }
        let damagedPath = dir.appendingPathComponent("damaged.zip").path
        try Data(damaged).write(to: URL(fileURLWithPath: damagedPath))
        let result = try CLI.run(["diagnose", "--config", damagedPath, "--offline"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("damaged.zip") && result.stderr.contains("b/schannel.reg"), "\(result.stderr)")

        let traversal = dir.appendingPathComponent("traversal.zip").path
        try Data(try ZipMaker.make([("../../etc/schannel.reg", files[0].1)])).write(to: URL(fileURLWithPath: traversal))
        let climbed = try CLI.run(["config", traversal])
        #expect(climbed.exitCode == 2)
        #expect(climbed.stderr.contains("points outside the bundle"))

        let bomb = dir.appendingPathComponent("bomb.zip").path
        try Data(try ZipMaker.make([("b/x.reg", [UInt8](repeating: 0x20, count: (64 << 20) + 1))])).write(
            to: URL(fileURLWithPath: bomb))
        let inflated = try CLI.run(["config", bomb])
        #expect(inflated.exitCode == 2)
        #expect(inflated.stderr.contains("'b/x.reg' inflates to more than 64 MiB"), "\(inflated.stderr)")
    }

    @Test("hello --config BUNDLE emulates the bundle's release; report takes bundles as --candidate and in --fleet")
    func helloAndReport() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let hello = try CLI.run(["hello", "--config", w.zip, "--format", "json"])
        #expect(hello.exitCode == 0, "\(hello.stderr)")
        let json = try CLI.json(hello)
        #expect(json["windowsRelease"] as? String == "server-2019")
        #expect(json["windowsReleaseAssumed"] as? Bool == false)

        let candidate = try CLI.run([
            "report", "--candidate", "hardened=" + w.zip, "--windows", "server-2019", "--offline",
            "--server-profile", "windows-update", "--format", "json",
        ])
        #expect(candidate.exitCode == 1 || candidate.exitCode == 0, "\(candidate.stderr)")
        #expect(candidate.stdout.contains("\"hardened\""))

        let fleet = w.dir.appendingPathComponent("fleet")
        try FileManager.default.createDirectory(at: fleet, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: w.zip, toPath: fleet.appendingPathComponent("app01.zip").path)
        try FileManager.default.copyItem(atPath: w.folder, toPath: fleet.appendingPathComponent("app02").path)
        let report = try CLI.run([
            "report", "--fleet", fleet.path, "--offline", "--server-profile", "windows-update", "--format", "json",
        ])
        #expect(report.exitCode == 1 || report.exitCode == 0, "\(report.stderr)")
        let groups = try #require(try CLI.json(report)["groups"] as? [[String: Any]])
        #expect(groups.count == 1)
        #expect((groups.first?["machines"] as? [String])?.sorted() == ["app01", "app02"])
    }
}

extension CollectCommandTests {
    @Test("demo walks the bundle: collect, diagnose --config bundle, the fix, the check on the wire")
    func demo() throws {
        let result = try CLI.run(["demo"], timeout: 120)
        #expect(result.exitCode == 0, "\(result.stdout.suffix(2000))\(result.stderr)")
        // Prose wraps at 80 columns (joined again by `unwrapped`); commands stand whole on their own lines.
        let text = result.stdout.unwrapped
        for line in [
            "The admin's path with one collected bundle (examples/server-2019-hardening/, WS2019-APP01, build 17763.5329):",
            "1. On the Windows machine, elevated: collect; it wrote tlsfit-WS2019-APP01-20261201T092102Z.zip",
            "2. Here: diagnose the bundle",
            "no-shared-cipher (slscr.update.microsoft.com)",
            "3. The fix: SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002",
            "slscr.update.microsoft.com: ok TLSv1.2",
            "Client: Windows Server 2019, configuration from examples/server-2019-hardening/",
            "This machine's own WinHTTP (collect -Probe), beside tlsfit's verdict:",
        ] {
            #expect(text.contains(line), "\(line)")
        }
        for command in [
            "\n       tlsfit collect --output tlsfit-collect.ps1\n",
            "\n       powershell -ExecutionPolicy Bypass -File .\\tlsfit-collect.ps1 -Probe\n",
            "\n       tlsfit diagnose --config tlsfit-WS2019-APP01-20261201T092102Z.zip\n",
        ] {
            #expect(result.stdout.contains(command), "\(command)")
        }
    }
}

extension CollectCommandTests {
    @Test("libarchive is loaded only for a zip; without it, a clear error and exit 2")
    func withoutLibarchive() throws {
        let w = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: w.dir) }
        let result = try CLI.run(
            ["config", w.zip], environment: ["TLSFIT_LIBARCHIVE": "/nonexistent/libarchive.so.13"])
        #expect(result.exitCode == 2)
        #expect(
            result.stderr.contains("cannot read zip files: cannot load libarchive from TLSFIT_LIBARCHIVE"),
            "\(result.stderr)")
        // The folder needs no libarchive.
        let folder = try CLI.run(
            ["config", w.folder], environment: ["TLSFIT_LIBARCHIVE": "/nonexistent/libarchive.so.13"])
        #expect(folder.exitCode == 0, "\(folder.stderr)")
    }
}
