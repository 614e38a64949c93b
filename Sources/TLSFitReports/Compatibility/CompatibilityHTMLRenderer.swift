import FoundationEssentials
import TLSFitCore

/// One self-contained HTML file: no external assets, everything from files and servers escaped,
/// verdicts shown by colour and by text, rows sortable and filterable by host and verdict.
enum CompatibilityHTMLRenderer {
    static func render(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        let cells = CompatibilityRenderer.orderedCells(r)
        out.write(pageHead)
        writeSummary(r, into: &out)
        writeFindings(r, into: &out)
        writeGroups(r, into: &out)
        writeFilters(r, into: &out)
        writeHostGrids(r, cells: cells, into: &out)
        writeCellTable(cells, into: &out)
        out.write(pageEnd)
    }

    /// The counts and, per candidate, SAFE or NOT SAFE with its first reasons.
    private static func writeSummary(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        out.write(
            "<p>\(r.candidates.count) candidate(s) &times; \(r.windowsReleases.count) Windows release(s) &times; \(r.hosts.count) host(s), generated \(Escaping.html(Timestamp.iso8601(r.generatedAt))).</p>\n"
        )
        out.write("<h2>Summary</h2>\n<ul class=\"summary\">\n")
        for s in r.summary {
            let files = r.candidates.first { $0.name == s.candidate }?.files.joined(separator: ", ") ?? ""
            if s.safe {
                out.write(
                    "<li class=\"ok\"><span class=\"badge\">SAFE</span> <strong>\(Escaping.html(s.candidate))</strong> <small>(\(Escaping.html(files)))</small>: all \(s.okCells) combinations work.</li>\n"
                )
            } else {
                out.write(
                    "<li class=\"fails\"><span class=\"badge\">NOT SAFE</span> <strong>\(Escaping.html(s.candidate))</strong> <small>(\(Escaping.html(files)))</small>: \(s.failingCells) of \(s.okCells + s.failingCells) combinations fail.<ul>\n"
                )
                for reason in s.reasons.prefix(20) { out.write("<li>\(Escaping.html(reason))</li>\n") }
                out.write("</ul></li>\n")
            }
        }
        out.write("</ul>\n")
    }

    /// What the configuration files themselves say is wrong, per candidate.
    private static func writeFindings(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        let warned = r.candidates.filter { !$0.configurationFindings.isEmpty }
        if !warned.isEmpty {
            out.write("<h2>Configuration findings</h2>\n<ul>\n")
            for candidate in warned {
                for w in candidate.configurationFindings {
                    out.write(
                        "<li class=\"\(w.severity == .error ? "fails" : "")\"><strong>\(Escaping.html(candidate.name))</strong>: <code>\(Escaping.html(w.code.rawValue))</code> \(Escaping.html(w.message))\(w.location.map { " (<code>\(Escaping.html($0))</code>)" } ?? "")\(w.leadsTo.isEmpty ? "" : "; leads to " + w.leadsTo.map { "<code>\(Escaping.html($0.rawValue))</code>" }.joined(separator: ", ") + " on " + Escaping.html(w.hosts.joined(separator: ", ")))</li>\n"
                    )
                }
            }
            out.write("</ul>\n")
        }
    }

    /// The fleet's groups of identical machines, then the exports that were skipped.
    private static func writeGroups(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        if let groups = r.groups {
            out.write(
                "<h2>Fleet groups</h2>\n<table id=\"groups\"><thead><tr><th>group</th><th>release</th><th>machines</th><th>verdict</th><th>examples</th></tr></thead><tbody>\n"
            )
            for g in groups {
                let failing = g.verdicts.filter { $0.verdict == .fails }
                let cls = failing.isEmpty ? "ok" : "fails"
                let verdict =
                    failing.isEmpty ? "OK" : "FAILS: " + Set(failing.flatMap(\.causes)).sorted().joined(separator: ", ")
                out.write(
                    "<tr class=\"\(cls)\"><td>\(Escaping.html(g.id))</td><td>\(g.windowsRelease.rawValue)</td><td>\(g.machineCount)</td><td><span class=\"badge\">\(Escaping.html(verdict))</span></td><td>\(Escaping.html(g.machines.prefix(5).joined(separator: ", ")))</td></tr>\n"
                )
            }
            out.write("</tbody></table>\n")
        }
        if let skipped = r.skipped, !skipped.isEmpty {
            out.write("<h2>Skipped exports</h2>\n<ul>\n")
            for item in skipped { out.write("<li><code>\(Escaping.html(item.description))</code></li>\n") }
            out.write("</ul>\n")
        }
    }

    /// The matrix heading and the filters the page script reads.
    private static func writeFilters(_ r: CompatibilityReport, into out: inout some TextOutputStream) {
        let hosts = r.hosts.map { "<option value=\"\(Escaping.html($0))\">\(Escaping.html($0))</option>" }.joined()
        let releases = r.windowsReleases.map {
            "<option value=\"\($0.rawValue)\">\(Escaping.html($0.displayName))</option>"
        }.joined()
        out.write(
            """
            <h2>Matrix</h2>
            <div class="filters">
            <label>Release <select id="release-filter"><option value="">all</option>\(releases)</select></label>
            <label>Host <select id="host-filter"><option value="">all</option>\(hosts)</select></label>
            <label>Verdict <select id="verdict-filter"><option value="">all</option><option value="ok">ok</option><option value="fails">fails</option></select></label>
            <label>Search <input id="text-filter" type="search" placeholder="candidate, suite, cause..."></label>
            <span id="count"></span>
            </div>

            """)
    }

    /// Per host: candidates down, releases across; each cell the verdict with what decides it.
    private static func writeHostGrids(
        _ r: CompatibilityReport, cells: [MatrixCell], into out: inout some TextOutputStream
    ) {
        // Per host: candidates down, releases across; each cell the verdict with what decides it.
        for host in r.hosts {
            out.write(
                "<section class=\"host-block\" data-host=\"\(Escaping.html(host))\"><h3>\(Escaping.html(host))</h3>\n<table class=\"grid\"><thead><tr><th>candidate</th>"
            )
            for release in r.windowsReleases {
                out.write("<th data-release=\"\(release.rawValue)\">\(Escaping.html(release.displayName))</th>")
            }
            out.write("</tr></thead><tbody>\n")
            for candidate in r.candidates {
                out.write(
                    "<tr data-candidate=\"\(Escaping.html(candidate.name))\"><th scope=\"row\">\(Escaping.html(candidate.name))</th>"
                )
                for release in r.windowsReleases {
                    guard
                        let c = cells.first(where: {
                            $0.host == host && $0.candidate == candidate.name && $0.windowsRelease == release
                        })
                    else {
                        out.write("<td data-release=\"\(release.rawValue)\" data-verdict=\"\">-</td>")
                        continue
                    }
                    let cls = c.verdict == .ok ? "ok" : "fails"
                    let detail =
                        c.verdict == .ok
                        ? "\(c.protocol?.rawValue ?? "") <code>\(Escaping.html(c.cipher ?? ""))</code>"
                        : "\(Escaping.html(c.causes.joined(separator: ", "))) \(Escaping.html(c.windowsError ?? ""))"
                    out.write(
                        "<td class=\"\(cls)\" data-release=\"\(release.rawValue)\" data-verdict=\"\(c.verdict.rawValue)\" title=\"\(Escaping.html(c.summary))\"><span class=\"badge\">\(c.verdict == .ok ? "OK" : "FAILS")</span><small>\(detail)</small></td>"
                    )
                }
                out.write("</tr>\n")
            }
            out.write("</tbody></table></section>\n")
        }
    }

    /// Every cell as one sortable row.
    private static func writeCellTable(_ cells: [MatrixCell], into out: inout some TextOutputStream) {
        out.write(
            """
            <h2>Every cell</h2>
            <p>Click a column heading to sort (\u{21C5}: sortable, \u{25B2}/\u{25BC}: sorted).</p>
            <table id="matrix">
            <colgroup><col class="c-candidate"><col class="c-release"><col class="c-host"><col class="c-verdict"><col class="c-protocol"><col class="c-cipher"><col class="c-cause"><col class="c-error"><col class="c-confirmed"><col class="c-explanation"></colgroup>
            <thead><tr><th class="sortable">candidate</th><th class="sortable">Windows release</th><th class="sortable">host</th><th class="sortable">verdict</th><th class="sortable">protocol</th><th class="sortable">cipher suite</th><th class="sortable">cause</th><th class="sortable">Windows error</th><th class="sortable">confirmed</th><th class="sortable">explanation</th></tr></thead>
            <tbody>

            """)
        for c in cells {
            let cls = c.verdict == .ok ? "ok" : "fails"
            let confirmed = c.confirmed.map { $0 ? "yes" : "NO (simulation disagreed)" } ?? "not tried"
            out.write(
                "<tr class=\"\(cls)\" data-host=\"\(Escaping.html(c.host))\" data-release=\"\(c.windowsRelease.rawValue)\" data-verdict=\"\(c.verdict.rawValue)\">"
            )
            out.write(
                "<td>\(Escaping.html(c.candidate))</td><td>\(c.windowsRelease.rawValue)</td><td>\(Escaping.html(c.host))</td>"
            )
            out.write(
                "<td><span class=\"badge\">\(c.verdict == .ok ? "OK" : "FAILS")</span></td><td>\(c.protocol?.rawValue ?? "")</td>"
            )
            out.write(
                "<td><code>\(Escaping.html(c.cipher ?? ""))</code></td><td>\(Escaping.html(c.causes.joined(separator: ", ")))</td>"
            )
            out.write(
                "<td>\(Escaping.html(c.windowsError ?? ""))</td><td>\(confirmed)</td><td>\(Escaping.html(c.summary))</td></tr>\n"
            )
        }
    }

    /// The document head with its style sheet (no external assets).
    static let pageHead = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>tlsfit compatibility report</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #1b1b1b; }
        h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
        body { max-width: 1400px; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; table-layout: fixed; }
        th, td { border: 1px solid #ccc; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
        th { background: #f0f0f0; }
        th.sortable { cursor: pointer; user-select: none; }
        th.sortable::after { content: " \\21C5"; color: #888; } th[aria-sort="ascending"]::after { content: " \\25B2"; color: #000; } th[aria-sort="descending"]::after { content: " \\25BC"; color: #000; }
        table.grid th:first-child { width: 14rem; } .grid td { font-size: 0.85rem; } .grid td small { display: block; color: #444; }
        .host-block h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
        #matrix col.c-candidate { width: 9%; } #matrix col.c-release { width: 10%; } #matrix col.c-host { width: 15%; } #matrix col.c-verdict { width: 7%; }
        #matrix col.c-protocol { width: 6%; } #matrix col.c-cipher { width: 17%; } #matrix col.c-cause { width: 10%; } #matrix col.c-error { width: 8%; }
        #matrix col.c-confirmed { width: 6%; } #matrix col.c-explanation { width: 12%; }
        .ok { background: #e3f5e1; } .fails { background: #fbe3e1; }
        .badge { font-weight: bold; } .ok .badge::before { content: "\\2714 "; } .fails .badge::before { content: "\\2718 "; }
        .filters { margin: 1rem 0; display: flex; gap: 1rem; flex-wrap: wrap; }
        code { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
        .summary li { margin: 0.25rem 0; }
        </style>
        </head>
        <body>
        <h1>tlsfit compatibility report</h1>

        """

    /// The end of the page: the script that filters and sorts, then the closing tags.
    static let pageEnd = """
        </tbody>
        </table>
        <script>
        (function () {
          "use strict";
          var table = document.getElementById("matrix");
          var rows = Array.prototype.slice.call(table.tBodies[0].rows);
          var host = document.getElementById("host-filter");
          var release = document.getElementById("release-filter");
          var blocks = Array.prototype.slice.call(document.querySelectorAll(".host-block"));
          var verdict = document.getElementById("verdict-filter");
          var text = document.getElementById("text-filter");
          var count = document.getElementById("count");
          function apply() {
            var shown = 0, needle = text.value.toLowerCase();
            rows.forEach(function (row) {
              var visible = (!host.value || row.getAttribute("data-host") === host.value) &&
                (!release.value || row.getAttribute("data-release") === release.value) &&
                (!verdict.value || row.getAttribute("data-verdict") === verdict.value) &&
                (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0);
              row.hidden = !visible;
              if (visible) { shown += 1; }
            });
            count.textContent = shown + " of " + rows.length + " rows";
            // The per-host grids: hide other hosts, other releases' columns, and rows without the verdict asked for.
            blocks.forEach(function (block) {
              block.hidden = !!host.value && block.getAttribute("data-host") !== host.value;
              Array.prototype.forEach.call(block.querySelectorAll("[data-release]"), function (cell) {
                cell.hidden = !!release.value && cell.getAttribute("data-release") !== release.value;
              });
              Array.prototype.forEach.call(block.querySelectorAll("tbody tr"), function (row) {
                var cellsShown = Array.prototype.filter.call(row.querySelectorAll("td"), function (cell) {
                  return !cell.hidden && (!verdict.value || cell.getAttribute("data-verdict") === verdict.value);
                });
                row.hidden = cellsShown.length === 0 ||
                  (!!needle && row.textContent.toLowerCase().indexOf(needle) < 0 && row.getAttribute("data-candidate").toLowerCase().indexOf(needle) < 0);
              });
            });
          }
          [host, release, verdict].forEach(function (el) { el.addEventListener("change", apply); });
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

        """
}
