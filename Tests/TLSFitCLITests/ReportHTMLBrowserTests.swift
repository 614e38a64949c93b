import Foundation
import Testing

/// The report's HTML in a real browser (headless Chromium, installed by `.ci/run`): at 1280 pixels
/// the page needs no horizontal scrolling, the per-host matrix has a column per release, the release,
/// host and verdict filters hide what they should, and the sort cues are visible.
@Suite("report HTML in Chromium")
struct ReportHTMLBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs Chromium headless with a hard timeout; returns standard output.
    static func runChromium(_ arguments: [String], timeout: TimeInterval = 60) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir="
                    + FileManager.default.temporaryDirectory.appendingPathComponent(
                        "tlsfit-chromium-\(UUID().uuidString)"
                    ).path,
            ] + arguments
        // Standard output goes to a file: no pipe to drain while waiting.
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tlsfit-chromium-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outFile) }
        let handle = try FileHandle(forWritingTo: outFile)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Thread.sleep(forTimeInterval: 0.5)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        try handle.close()
        return try String(contentsOf: outFile, encoding: .utf8)
    }

    @Test(.enabled(if: chromium != nil, "needs chromium (apt-get install chromium)"))
    func matrixFitsFiltersAndSortCues() throws {
        let dir = try ReportCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = dir.appendingPathComponent("report.html")
        let result = try CLI.run(
            ReportCommandTests.goldenArguments + ["--format", "html", "--output", page.path],
            currentDirectory: ReportCommandTests.fixtures)
        #expect(result.exitCode == 1, "\(result.stderr)")

        // A screenshot at 1280 px, as an admin sees it (kept beside the page while the test runs).
        let png = dir.appendingPathComponent("report.png")
        _ = try Self.runChromium([
            "--hide-scrollbars", "--window-size=1280,1600", "--screenshot=" + png.path, page.absoluteString,
        ])
        let bytes = try Data(contentsOf: png)
        #expect(bytes.count > 10_000)
        #expect(bytes.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))

        // Measure in the browser: a copy of the page with a probe that writes its findings into the title.
        var html = try String(contentsOf: page, encoding: .utf8)
        let probe = """
            <script>
            (function () {
              function visibleCells() { return Array.prototype.filter.call(document.querySelectorAll(".grid td"), function (c) { return !c.hidden && !c.closest("[hidden]"); }).length; }
              function visibleRows() { return Array.prototype.filter.call(document.querySelectorAll("#matrix tbody tr"), function (r) { return !r.hidden; }).length; }
              function set(id, value) { var el = document.getElementById(id); el.value = value; el.dispatchEvent(new Event("change")); }
              var r = {};
              r.scrollWidth = document.documentElement.scrollWidth;
              r.clientWidth = document.documentElement.clientWidth;
              // Nothing scrolls sideways inside the page either (a wrapper with overflow-x hides a too-wide table).
              r.scrollers = Array.prototype.filter.call(document.querySelectorAll("*"), function (el) {
                var o = getComputedStyle(el).overflowX; return (o === "auto" || o === "scroll") && el.scrollWidth > el.clientWidth + 1;
              }).length;
              r.widestRight = Math.max.apply(null, Array.prototype.map.call(document.querySelectorAll("table"), function (t) { return Math.ceil(t.getBoundingClientRect().right); }));
              r.grids = document.querySelectorAll(".grid").length;
              r.releaseColumns = document.querySelectorAll(".grid thead th[data-release]").length;
              r.cells = visibleCells();
              r.sortCue = getComputedStyle(document.querySelector("#matrix th.sortable"), "::after").content;
              set("release-filter", "windows-11"); r.cellsWindows11 = visibleCells(); r.rowsWindows11 = visibleRows();
              set("release-filter", ""); set("host-filter", "legacy.contoso.test:443"); r.cellsLegacy = visibleCells(); r.rowsLegacy = visibleRows();
              set("verdict-filter", "fails"); r.cellsLegacyFails = visibleCells(); r.rowsLegacyFails = visibleRows();
              document.querySelector("#matrix th.sortable").click();
              r.sorted = document.querySelector("#matrix th.sortable").getAttribute("aria-sort");
              document.title = "PROBE" + JSON.stringify(r) + "PROBE";
            }());
            </script>
            """
        html = html.replacingOccurrences(of: "</body>", with: probe + "</body>")
        let probed = dir.appendingPathComponent("probed.html")
        try html.write(to: probed, atomically: true, encoding: .utf8)
        let dom = try Self.runChromium([
            "--window-size=1280,1000", "--virtual-time-budget=2000", "--dump-dom", probed.absoluteString,
        ])
        let parts = dom.components(separatedBy: "PROBE")
        try #require(parts.count >= 3, "no probe result in the DOM: \(dom.prefix(300))")
        let r = try #require(
            try JSONSerialization.jsonObject(with: Data(parts[1].replacingOccurrences(of: "&quot;", with: "\"").utf8))
                as? [String: Any])
        // 3 hosts x 3 candidates x 3 releases; no horizontal scrolling at 1280 px.
        #expect((r["scrollWidth"] as? Int ?? 9999) <= (r["clientWidth"] as? Int ?? 0), "\(r)")
        #expect(r["scrollers"] as? Int == 0, "\(r)")
        #expect((r["widestRight"] as? Int ?? 9999) <= (r["clientWidth"] as? Int ?? 0), "\(r)")
        #expect(r["grids"] as? Int == 3)
        #expect(r["releaseColumns"] as? Int == 9)
        #expect(r["cells"] as? Int == 27)
        #expect(r["cellsWindows11"] as? Int == 9)
        #expect(r["rowsWindows11"] as? Int == 9)
        #expect(r["cellsLegacy"] as? Int == 9)
        #expect(r["rowsLegacy"] as? Int == 9)
        // legacy.contoso.test: ecdsa-only and no-legacy fail on every release, balanced on Windows 11 (its
        // WinHTTP offers TLS 1.2 and 1.3 only): 7 failing rows; the grid keeps the 3 candidates' rows whole.
        #expect(r["cellsLegacyFails"] as? Int == 9, "\(r)")
        #expect(r["rowsLegacyFails"] as? Int == 7)
        #expect((r["sortCue"] as? String)?.contains("\u{21C5}") == true, "\(r)")
        #expect(r["sorted"] as? String == "ascending")
    }
}
