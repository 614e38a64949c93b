import FoundationEssentials
import TLSFitCore
import TLSFitSystem

extension DiagnosePlan {
    /// `diagnose`'s words checked before anything is read: no HOST names a file (a configuration file given
    /// where a host goes is named first), and there is a configuration or a log.
    public static func checkArguments(hosts: [String], config: [String], log: String?) throws(OptionError) {
        do { for host in hosts { try HostArguments.rejectFile(host) } } catch { throw OptionError(error.description) }
        guard !config.isEmpty || log != nil else {
            throw OptionError("--config: name at least one configuration file (or give --log)")
        }
    }

    /// The configuration files (and the collect bundles among them), then the WindowsUpdate.log.
    public static func read(config: [String], log: String?, note: (String) -> Void) throws(InputError) -> DiagnosePlan {
        let (inputs, bundles) = try ConfigInputLoader.loadWithBundles(config, note: note)
        var plan = DiagnosePlan(inputs: inputs, inputNames: config)
        plan.bundles = bundles
        plan.log = try readLog(log, bundles: bundles)
        return plan
    }
}

extension DiagnoseResult {
    /// `--fix-out`: writes the fix file; returns the warning when there is nothing to fix.
    public func writeFix(to path: String) throws(OptionError) -> String? {
        guard let bytes = fixFile else { return "--fix-out: nothing to fix; \(path) not written" }
        do { try AtomicFile.write(Data(bytes), to: path) } catch {
            throw OptionError("--fix-out: cannot write \(path): \(error)")
        }
        return nil
    }
}

extension ConfigInputLoader {
    /// The configuration the files make for `release` (nil: the export's, else the default), sent through `stack`.
    public static func configuration(
        _ paths: [String], release: WindowsRelease?, stack: ClientStack, note: (String) -> Void
    ) throws(InputError) -> WindowsTLSConfig {
        var configuration = try WindowsConfigReader.read(
            try loadWithBundles(paths, note: note).inputs, release: release, xml: LibXML2Reader())
        configuration.stack = stack
        return configuration
    }
}
