import TLSFitCore

/// The text of `tlsfit demo`: each example's verdict, and the admin's path with a collected bundle.
public enum DemoRenderer {
    /// The steps an admin takes with a bundle, with the exact commands, and what each gave here.
    public static func walkThrough(
        bundle: CollectedBundle, name: String, hosts: [HostDiagnosis], after: [HostDiagnosis],
        changes: [RegFileWriter.Change]
    ) -> String {
        let machine = bundle.manifest?.machine ?? "MACHINE"
        let zip = "tlsfit-\(machine)-\((bundle.manifest?.collectedAt ?? "").filter { $0.isNumber || $0 == "T" })Z.zip"
        let failing = hosts.filter { !$0.succeeded }
        let causes = failing.flatMap { h in h.causes.map { "\($0.code.rawValue) (\(h.host))" } }
        let build = bundle.manifest?.build.map { ", build \($0)" } ?? ""
        // Commands stand on lines of their own (indented 7), so wrapping never breaks one.
        var out = "The admin's path with one collected bundle (\(name), \(machine)\(build)):\n"
        out += "  1. On the Windows machine, elevated: collect; it wrote \(zip)\n"
        out += "       tlsfit collect --output tlsfit-collect.ps1\n"
        out += "       powershell -ExecutionPolicy Bypass -File .\\tlsfit-collect.ps1 -Probe\n"
        out +=
            "  2. Here: diagnose the bundle (the release from CurrentVersion, the proxy from netsh, the WindowsUpdate.log, the probe): \(causes.isEmpty ? "no cause" : causes.joined(separator: ", "))\n"
        out += "       tlsfit diagnose --config \(zip)\n"
        out +=
            "  3. The fix: \(changes.isEmpty ? "none proposed" : changes.map { "\($0.key)" }.joined(separator: ", ")) (--fix-out fix.reg writes it; a policy value belongs in the GPO, or the next Group Policy refresh undoes a local import)\n"
        let result = after.map { h in
            "\(h.host): \(h.succeeded ? "ok \(h.negotiated?.tlsProtocol ?? "") \(h.negotiated?.cipher ?? "")" : "still fails")"
        }.joined(separator: "; ")
        out +=
            "  4. The check, after the GPO is changed: collect again and diagnose; here the fix applied to the bundle's registry, against the same server: \(result)"
        return out
    }

    /// One example in text: its title and verdict between rules, then the diagnosis (and the machine's probe).
    public static func text(title: String, verdict: String, report: DiagnosisReport, layout: TextLayout) -> String {
        let rule = String(repeating: "=", count: layout.width) + "\n"
        var out = rule + layout.wrap(Escaping.terminal(title), first: "", indent: "  ")
        for line in verdict.split(separator: "\n", omittingEmptySubsequences: false) {
            // A command (indented 7) is printed whole; the rest wraps under its own indent.
            if line.hasPrefix("       ") {
                out += line + "\n"
                continue
            }
            let lead = String(line.prefix { $0 == " " })
            out += layout.wrap(
                String(line.dropFirst(lead.count)), first: lead, indent: lead.isEmpty ? "  " : lead + "   ")
        }
        out += rule + DiagnosisTextRenderer.render(report, layout: layout) + "\n"
        if let probe = report.machineProbe { out += MachineProbeRenderer.text(probe, layout: layout) + "\n" }
        return out
    }
}
