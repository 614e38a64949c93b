import FoundationEssentials
import TLSFitCore
import TLSFitHandshake
import TLSFitSystem

extension LabServerPlan {
    /// `--profile`: a built-in name (unless a file of that name exists), else a ServerProfile JSON file.
    public static func load(_ profile: String) throws(InputError) -> LabServerPlan {
        if !FileManager.default.fileExists(atPath: profile), let builtIn = LabServerPlan.builtIn(named: profile) {
            return builtIn
        }
        let file = try ConfigInputLoader.readFile(profile)
        let loaded = try ServerProfileStore.load(bytes: file.bytes, source: profile)
        guard !loaded.isEmpty else {
            throw InputError(source: profile, message: "the file holds no server profile")
        }
        return LabServerPlan.saved(loaded)
    }
}

extension LabServerPlan.Lab {
    /// `--cert-out`: ca.pem and each profile's leaf certificate (leaf.pem, then leaf-HOST.pem) into `folder`.
    public func writeCertificates(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let dir = URL(fileURLWithPath: folder)
        try Data(ca.certificatePEM.utf8).write(to: dir.appendingPathComponent("ca.pem"), options: .atomic)
        for (index, (host, leaf)) in leaves.enumerated() {
            let name =
                index == 0
                ? "leaf.pem"
                : "leaf-\(host.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }).pem"
            try Data(leaf.certificatePEM.utf8).write(to: dir.appendingPathComponent(name), options: .atomic)
        }
    }
}
