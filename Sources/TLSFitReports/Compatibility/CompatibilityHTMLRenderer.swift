import Foundation
import TLSFitCore

/// One self-contained HTML file: no external assets, everything from files and servers escaped,
/// verdicts shown by colour and by text, rows sortable and filterable by host and verdict.
enum CompatibilityHTMLRenderer {
    static func render(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        let cells = CompatibilityRenderer.orderedCells(r)
        out.write("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>tlsfit compatibility report</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #1b1b1b; }
            h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
            table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
            th, td { border: 1px solid #ccc; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
            th { background: #f0f0f0; cursor: pointer; user-select: none; }
            th[aria-sort="ascending"]::after { content: " \\25B2"; } th[aria-sort="descending"]::after { content: " \\25BC"; }
            .ok { background: #e3f5e1; } .fails { background: #fbe3e1; }
            .badge { font-weight: bold; } .ok .badge::before { content: "\\2714 "; } .fails .badge::before { content: "\\2718 "; }
            .filters { margin: 1rem 0; display: flex; gap: 1rem; flex-wrap: wrap; }
            code { font-family: ui-monospace, monospace; white-space: nowrap; }
            #matrix td:nth-child(2), #matrix td:nth-child(3), #matrix td:nth-child(4), #matrix td:nth-child(7) { white-space: nowrap; }
            .table-wrap { overflow-x: auto; }
            .summary li { margin: 0.25rem 0; }
            </style>
            </head>
            <body>
            <h1>tlsfit compatibility report</h1>

            """)
        out.write("<p>\(r.candidates.count) candidate(s) &times; \(r.windowsReleases.count) Windows release(s) &times; \(r.hosts.count) host(s), generated \(Escaping.html(ISO8601DateFormatter().string(from: r.generatedAt))).</p>\n")
        out.write("<h2>Summary</h2>\n<ul class=\"summary\">\n")
        for s in r.summary {
            let files = r.candidates.first { $0.name == s.candidate }?.files.joined(separator: ", ") ?? ""
            if s.safe {
                out.write("<li class=\"ok\"><span class=\"badge\">SAFE</span> <strong>\(Escaping.html(s.candidate))</strong> <small>(\(Escaping.html(files)))</small>: all \(s.okCells) combinations work.</li>\n")
            } else {
                out.write("<li class=\"fails\"><span class=\"badge\">NOT SAFE</span> <strong>\(Escaping.html(s.candidate))</strong> <small>(\(Escaping.html(files)))</small>: \(s.failingCells) of \(s.okCells + s.failingCells) combinations fail.<ul>\n")
                for reason in s.reasons.prefix(20) { out.write("<li>\(Escaping.html(reason))</li>\n") }
                out.write("</ul></li>\n")
            }
        }
        out.write("</ul>\n")
        if let groups = r.groups {
            out.write("<h2>Fleet groups</h2>\n<table id=\"groups\"><thead><tr><th>group</th><th>release</th><th>machines</th><th>verdict</th><th>examples</th></tr></thead><tbody>\n")
            for g in groups {
                let failing = g.verdicts.filter { $0.verdict == .fails }
                let cls = failing.isEmpty ? "ok" : "fails"
                let verdict = failing.isEmpty ? "OK" : "FAILS: " + Set(failing.flatMap(\.causes)).sorted().joined(separator: ", ")
                out.write("<tr class=\"\(cls)\"><td>\(Escaping.html(g.id))</td><td>\(g.windowsRelease.rawValue)</td><td>\(g.machineCount)</td><td><span class=\"badge\">\(Escaping.html(verdict))</span></td><td>\(Escaping.html(g.machines.prefix(5).joined(separator: ", ")))</td></tr>\n")
            }
            out.write("</tbody></table>\n")
        }
        if let skipped = r.skipped, !skipped.isEmpty {
            out.write("<h2>Skipped exports</h2>\n<ul>\n")
            for item in skipped { out.write("<li><code>\(Escaping.html(item.description))</code></li>\n") }
            out.write("</ul>\n")
        }
        let hosts = r.hosts.map { "<option value=\"\(Escaping.html($0))\">\(Escaping.html($0))</option>" }.joined()
        out.write("""
            <h2>Matrix</h2>
            <div class="filters">
            <label>Host <select id="host-filter"><option value="">all</option>\(hosts)</select></label>
            <label>Verdict <select id="verdict-filter"><option value="">all</option><option value="ok">ok</option><option value="fails">fails</option></select></label>
            <label>Search <input id="text-filter" type="search" placeholder="candidate, suite, cause..."></label>
            <span id="count"></span>
            </div>
            <div class="table-wrap"><table id="matrix">
            <thead><tr><th>candidate</th><th>Windows release</th><th>host</th><th>verdict</th><th>protocol</th><th>cipher suite</th><th>cause</th><th>Windows error</th><th>confirmed</th><th>explanation</th></tr></thead>
            <tbody>

            """)
        for c in cells {
            let cls = c.verdict == .ok ? "ok" : "fails"
            let confirmed = c.confirmed.map { $0 ? "yes" : "NO (simulation disagreed)" } ?? "not tried"
            out.write("<tr class=\"\(cls)\" data-host=\"\(Escaping.html(c.host))\" data-verdict=\"\(c.verdict.rawValue)\">")
            out.write("<td>\(Escaping.html(c.candidate))</td><td>\(c.windowsRelease.rawValue)</td><td>\(Escaping.html(c.host))</td>")
            out.write("<td><span class=\"badge\">\(c.verdict == .ok ? "OK" : "FAILS")</span></td><td>\(c.protocol?.rawValue ?? "")</td>")
            out.write("<td><code>\(Escaping.html(c.cipher ?? ""))</code></td><td>\(Escaping.html(c.causes.joined(separator: ", ")))</td>")
            out.write("<td>\(Escaping.html(c.windowsError ?? ""))</td><td>\(confirmed)</td><td>\(Escaping.html(c.summary))</td></tr>\n")
        }
        out.write("""
            </tbody>
            </table></div>
            <script>
            (function () {
              "use strict";
              var table = document.getElementById("matrix");
              var rows = Array.prototype.slice.call(table.tBodies[0].rows);
              var host = document.getElementById("host-filter");
              var verdict = document.getElementById("verdict-filter");
              var text = document.getElementById("text-filter");
              var count = document.getElementById("count");
              function apply() {
                var shown = 0, needle = text.value.toLowerCase();
                rows.forEach(function (row) {
                  var visible = (!host.value || row.getAttribute("data-host") === host.value) &&
                    (!verdict.value || row.getAttribute("data-verdict") === verdict.value) &&
                    (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0);
                  row.hidden = !visible;
                  if (visible) { shown += 1; }
                });
                count.textContent = shown + " of " + rows.length + " rows";
              }
              [host, verdict].forEach(function (el) { el.addEventListener("change", apply); });
              text.addEventListener("input", apply);
              Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
                th.addEventListener("click", function () {
                  var ascending = th.getAttribute("aria-sort") !== "ascending";
                  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
                  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
                  rows.sort(function (a, b) {
                    var x = a.cells[index].textContent, y = b.cells[index].textContent;
                    return ascending ? x.localeCompare(y) : y.localeCompare(x);
                  });
                  rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
                });
              });
              apply();
            }());
            </script>
            </body>
            </html>

            """)
    }
}
