import FoundationEssentials
import TLSFitCore
import TLSFitSystem

extension ReportPlan {
    /// `--candidate [NAME=]FILE[,FILE...]`: the name defaults to the first file's name without extension.
    public static func readCandidates(
        _ specs: [String], note: (String) -> Void
    ) throws(InputError) -> [Candidate] {
        var result: [Candidate] = []
        for spec in specs {
            let (label, files) = try Candidate.parse(spec, taken: result.map(\.name))
            let inputs = try ConfigInputLoader.loadWithBundles(files, note: note).inputs
            let documents = try WindowsConfigReader.parse(inputs, xml: LibXML2Reader())
            result.append(Candidate(name: label, files: files, registry: RegistrySnapshot(documents: documents)))
        }
        return result
    }

    /// `--generated-at`, else `TLSFIT_REPORT_DATE`, else now.
    public static func reportDate(_ generatedAt: String?) throws(OptionError) -> Date {
        guard let text = generatedAt ?? ProcessInfo.processInfo.environment["TLSFIT_REPORT_DATE"], !text.isEmpty else {
            return Date()
        }
        guard let date = Timestamp.parse(text) else {
            throw OptionError("--generated-at: '\(text)' is not an ISO 8601 date such as 2026-01-01T00:00:00Z")
        }
        return date
    }

    /// `--fleet DIR` must name a folder.
    public static func checkFleet(_ fleet: String?) throws(InputError) {
        guard let fleet else { return }
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: fleet, isDirectory: &isDirectory), isDirectory else {
            throw InputError(source: "--fleet", message: "\(fleet) is not a folder")
        }
    }
}
