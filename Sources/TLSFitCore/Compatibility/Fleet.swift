import FoundationEssentials
import Synchronization

/// One machine of a fleet: its name, the Windows release it runs and the files of its export.
public struct FleetMachine: Sendable, Hashable {
    /// The path relative to the fleet folder, without extension (a GPO backup: its folder).
    public var name: String
    public var release: WindowsRelease
    /// Paths relative to the fleet folder, applied in order.
    public var files: [String]
    /// False when no folder named the release (`release` is the default): then the export's own
    /// `CurrentVersion`, when it holds one, decides (a `tlsfit collect` bundle always does).
    public var releaseNamed: Bool

    public init(name: String, release: WindowsRelease, files: [String], releaseNamed: Bool = true) {
        self.name = name
        self.release = release
        self.files = files
        self.releaseNamed = releaseNamed
    }
}

/// How a fleet folder maps to machines. Pure: works on the relative paths of the files found.
public enum FleetLayout {
    /// The export formats read (case-insensitive).
    public static let extensions: Set<String> = ["reg", "pol", "xml", "txt", "json", "zip"]

    /// The machines among `relativeFiles` (paths of regular files, `/`-separated, relative to the
    /// fleet folder): one machine per export file or `tlsfit collect` zip; a collect folder (one holding
    /// `manifest.json`) is one machine; a GPO backup folder (one with
    /// `DomainSysvol/GPO/Machine/registry.pol` inside) is one machine, read from that registry.pol.
    /// The release comes from the deepest folder named after a release or alias (`windows-7/pc1.reg`),
    /// else `defaultRelease`. Sorted by name. Linear in the number of files.
    public static func machines(relativeFiles: [String], defaultRelease: WindowsRelease) -> [FleetMachine] {
        let gpoRoots = gpoBackupRoots(relativeFiles)
        let bundleRoots = collectBundleRoots(relativeFiles)
        var machines: [FleetMachine] = []
        var releases = FolderReleases(defaultRelease: defaultRelease)
        for (root, pol) in gpoRoots {
            let components = root.split(separator: "/").map(String.init)
            let name = root.isEmpty ? "." : root
            // The backup's own folder name is a GUID, not a release: look above it.
            machines.append(
                FleetMachine(name: name, release: releases.release(of: components.dropLast()[...]), files: [pol]))
        }
        for root in bundleRoots
        where gpoRoots.isEmpty || !gpoRoots.keys.contains(where: { root.hasPrefix($0 + "/") || $0.isEmpty }) {
            let components = root.split(separator: "/").map(String.init)
            guard !components.contains(where: { $0.hasPrefix(".") }) else { continue }
            let named = releases.names(components.dropLast()[...])
            machines.append(
                FleetMachine(
                    name: root, release: releases.release(of: components.dropLast()[...]), files: [root + "/"],
                    releaseNamed: named))
        }
        for path in relativeFiles {
            let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            guard let file = components.last, !components.contains(where: { $0.hasPrefix(".") }) else { continue }
            // Inside a collect bundle or a GPO backup: part of that machine.
            if isInside(components, bundleRoots: bundleRoots) || isInside(components, gpoRoots: gpoRoots) {
                continue
            }
            guard let dot = file.lastIndex(of: "."), extensions.contains(file[file.index(after: dot)...].lowercased())
            else { continue }
            let stem = String(file[..<dot])
            let name = (components.dropLast() + [stem]).joined(separator: "/")
            let named = releases.names(components.dropLast()[...])
            machines.append(
                FleetMachine(
                    name: name, release: releases.release(of: components.dropLast()[...]), files: [path],
                    releaseNamed: named))
        }
        return machines.sorted { $0.name < $1.name }
    }

    /// GPO backup roots (the folder above "DomainSysvol"), each with the path of its registry.pol.
    private static func gpoBackupRoots(_ relativeFiles: [String]) -> [String: String] {
        var gpoRoots: [String: String] = [:]  // root -> registry.pol path
        for path in relativeFiles {
            let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            let lower = components.map { $0.lowercased() }
            guard lower.count >= 4, lower.suffix(4) == ["domainsysvol", "gpo", "machine", "registry.pol"] else {
                continue
            }
            let root = components.dropLast(4).joined(separator: "/")
            if gpoRoots[root] == nil { gpoRoots[root] = path }
        }
        return gpoRoots
    }

    /// tlsfit collect bundles: a folder holding manifest.json is one machine (its files inside are
    /// not machines of their own), and so is a zip. The folder's entry ends in "/".
    private static func collectBundleRoots(_ relativeFiles: [String]) -> Set<String> {
        var bundleRoots: Set<String> = []
        for path in relativeFiles {
            let components = path.split(separator: "/", omittingEmptySubsequences: true)
            guard components.count >= 2, components.last?.lowercased() == "manifest.json" else { continue }
            bundleRoots.insert(components.dropLast().joined(separator: "/"))
        }
        return bundleRoots
    }

    /// True when the file at `components` lies inside one of the collect bundle folders.
    private static func isInside(_ components: [String], bundleRoots: Set<String>) -> Bool {
        guard !bundleRoots.isEmpty else { return false }
        var prefix = ""
        for c in components.dropLast() {
            prefix = prefix.isEmpty ? c : prefix + "/" + c
            if bundleRoots.contains(prefix) { return true }
        }
        return false
    }

    /// True when the file at `components` lies inside one of the GPO backups (a backup at the root holds all).
    private static func isInside(_ components: [String], gpoRoots: [String: String]) -> Bool {
        guard !gpoRoots.isEmpty else { return false }
        if gpoRoots[""] != nil { return true }
        var prefix = ""
        for c in components.dropLast() {
            prefix = prefix.isEmpty ? c : prefix + "/" + c
            if gpoRoots[prefix] != nil { return true }
        }
        return false
    }

    /// The release named by the deepest folder named after a release or alias, else the default;
    /// each folder name is looked up once.
    private struct FolderReleases {
        let defaultRelease: WindowsRelease
        var cache: [String: WindowsRelease?] = [:]

        mutating func release(of folders: ArraySlice<String>) -> WindowsRelease {
            for folder in folders.reversed() {
                if let found = lookUp(folder) { return found }
            }
            return defaultRelease
        }

        /// True when some folder is named after a release (the release is then not the default's).
        mutating func names(_ folders: ArraySlice<String>) -> Bool {
            folders.contains { lookUp($0) != nil }
        }

        private mutating func lookUp(_ folder: String) -> WindowsRelease? {
            if let cached = cache[folder] { return cached }
            let found = WindowsRelease(userText: folder)
            cache[folder] = found
            return found
        }
    }
}

/// Machines with identical effective configurations.
public struct FleetConfigurationGroup: Sendable {
    /// `cfg-` and 8 hex digits of the fingerprint: stable from run to run.
    public var id: String
    public var fingerprint: String
    public var release: WindowsRelease
    /// The configuration of the first machine (by name): its files are the evidence shown.
    public var configuration: WindowsTLSConfig
    public var client: ClientProfile
    public var machines: [String]
}

/// The result of reading a fleet.
public struct FleetReading: Sendable {
    public var groups: [FleetConfigurationGroup]
    public var skipped: [SkippedInput]
    public var machinesRead: Int
    /// True when `isCancelled` stopped the reading early.
    public var cancelled: Bool
}

/// Reads, evaluates and groups a fleet's exports in parallel. Pure apart from the injected `load`.
public enum FleetGrouping {
    public typealias Loader = @Sendable (FleetMachine) throws(InputError) -> [WindowsConfigReader.InputFile]

    private struct Partial: Sendable {
        var order: [String] = []
        /// Machines by fingerprint, in the chunk's order.
        var names: [String: [String]] = [:]
        /// The groups this chunk parsed itself (a machine whose export was already parsed, by
        /// content, has only its name above).
        var parsed: [String: FleetConfigurationGroup] = [:]
        /// The machine each parsed group's configuration was read from.
        var parsedFrom: [String: String] = [:]
        var skipped: [SkippedInput] = []
        var read = 0
    }

    /// What the chunks share: each chunk's result and the machines done so far.
    private final class Slots: Sendable {
        let state: Mutex<(partials: [Partial], done: Int)>
        init(count: Int) { state = Mutex((Array(repeating: Partial(), count: count), 0)) }
    }

    /// What decides a machine's configuration: its release and its exports' bytes (with each
    /// file's extension, which the format detection reads). Equal keys, equal configurations.
    struct ContentKey: Hashable, Sendable {
        var release: WindowsRelease
        var files: [[UInt8]]
        var extensions: [Substring]

        init(release: WindowsRelease, files: [WindowsConfigReader.InputFile]) {
            self.release = release
            self.files = files.map(\.bytes)
            extensions = files.map { f in f.name.lastIndex(of: ".").map { f.name[$0...] } ?? "" }
        }
    }

    /// Fingerprints of the contents parsed so far, shared by every chunk: a fleet managed by a
    /// few GPOs holds few distinct exports, and each is parsed and evaluated once.
    private final class ContentCache: Sendable {
        let fingerprints = Mutex<[ContentKey: String]>([:])
    }

    /// Parses every machine's files (in chunks, on `executor`'s threads), evaluates its configuration with
    /// `suggestNames: false`, and groups machines by `ClientProfile.configurationFingerprint`.
    /// A machine whose release and export bytes equal an earlier machine's is not parsed again
    /// (its files are still read). `progress(done, total)` is called after each chunk. Groups
    /// are sorted by machine count (largest first), then id; machines within a group and skipped
    /// files by name; a group's configuration is its first machine's (by name).
    public static func group(
        _ machines: [FleetMachine], load: Loader, chunkSize: Int = 64,
        executor: any ParallelExecutor = SequentialExecutor(), xml: (any XMLPullReader)? = nil,
        isCancelled: @Sendable () -> Bool = { false }, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> FleetReading {
        let chunks = stride(from: 0, to: machines.count, by: max(1, chunkSize)).map {
            $0..<min($0 + max(1, chunkSize), machines.count)
        }
        let slots = Slots(count: chunks.count)
        let cache = ContentCache()
        executor.perform(iterations: chunks.count) { index in
            let partial = readChunk(
                machines[chunks[index]], load: load, xml: xml, cache: cache, isCancelled: isCancelled)
            let done = slots.state.withLock { state in
                state.partials[index] = partial
                state.done += chunks[index].count
                return state.done
            }
            progress?(done, machines.count)
        }
        let partials = slots.state.withLock { $0.partials }
        // Merge in chunk order.
        var merged: [String: FleetConfigurationGroup] = [:]
        var from: [String: String] = [:]
        var names: [String: [String]] = [:]
        var skipped: [SkippedInput] = []
        var read = 0
        for partial in partials {
            read += partial.read
            skipped += partial.skipped
            for fingerprint in partial.order {
                names[fingerprint, default: []] += partial.names[fingerprint] ?? []
                if merged[fingerprint] == nil, let g = partial.parsed[fingerprint] {
                    merged[fingerprint] = g
                    from[fingerprint] = partial.parsedFrom[fingerprint]
                }
            }
        }
        // The configuration shown is the first machine's (by name), whichever chunk parsed its
        // content first: the output does not depend on the threads' timing.
        var byName: [String: FleetMachine]?
        var groups: [FleetConfigurationGroup] = []
        for (fingerprint, var g) in merged {
            g.machines = (names[fingerprint] ?? []).sorted()
            if let first = g.machines.first, first != from[fingerprint] {
                if byName == nil {
                    byName = Dictionary(machines.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
                }
                if let machine = byName?[first], let files = try? load(machine),
                    let again = try? evaluate(machine, files, xml: xml),
                    again.fingerprint == fingerprint
                {
                    g.configuration = again.configuration
                    g.client = again.client
                }
            }
            groups.append(g)
        }
        groups.sort { ($0.machines.count, $1.id) > ($1.machines.count, $0.id) }
        return FleetReading(
            groups: groups, skipped: skipped.sorted { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) },
            machinesRead: read, cancelled: isCancelled())
    }

    /// One chunk's machines, read and grouped; a content already parsed (by any chunk) is not parsed again.
    private static func readChunk(
        _ machines: ArraySlice<FleetMachine>, load: Loader, xml: (any XMLPullReader)?, cache: ContentCache,
        isCancelled: @Sendable () -> Bool
    ) -> Partial {
        var partial = Partial()
        for machine in machines {
            if isCancelled() { break }
            do throws(InputError) {
                let files = try load(machine)
                let key = ContentKey(release: machine.release, files: files)
                var fingerprint: String
                if let known = cache.fingerprints.withLock({ $0[key] }) {
                    fingerprint = known
                } else {
                    let group = try evaluate(machine, files, xml: xml)
                    fingerprint = group.fingerprint
                    cache.fingerprints.withLock { $0[key] = fingerprint }
                    if partial.parsed[fingerprint] == nil {
                        partial.parsed[fingerprint] = group
                        partial.parsedFrom[fingerprint] = machine.name
                    }
                }
                if partial.names[fingerprint] == nil { partial.order.append(fingerprint) }
                partial.names[fingerprint, default: []].append(machine.name)
                partial.read += 1
            } catch {
                partial.skipped.append(SkippedInput(error, file: machine.files.first ?? machine.name))
            }
        }
        return partial
    }

    private static func evaluate(
        _ machine: FleetMachine, _ files: [WindowsConfigReader.InputFile], xml: (any XMLPullReader)?
    ) throws(InputError) -> FleetConfigurationGroup {
        let documents = try WindowsConfigReader.parse(files, xml: xml)
        let snapshot = RegistrySnapshot(documents: documents)
        // The release: the folder's name, else the export's CurrentVersion, else the default.
        let release =
            machine.releaseNamed ? machine.release : (DetectedRelease.detect(snapshot)?.release ?? machine.release)
        let config = WindowsTLSConfig.evaluate(registry: snapshot, release: release, suggestNames: false)
        let client = ClientProfile(config: config)
        let fingerprint = client.configurationFingerprint
        return FleetConfigurationGroup(
            id: groupID(fingerprint), fingerprint: fingerprint, release: release,
            configuration: config, client: client, machines: [])
    }

    /// FNV-1a (64 bits) of the fingerprint, 8 hex digits.
    public static func groupID(_ fingerprint: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fingerprint.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash >> 32, radix: 16)
        return "cfg-" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
