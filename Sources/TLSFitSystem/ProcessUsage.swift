import FoundationEssentials

/// This process's resident memory and open file descriptors, from /proc (Linux).
public struct ProcessUsage: Sendable {
    public var residentKiB: Int
    public var openFiles: Int

    public static func current() -> ProcessUsage {
        var rss = 0
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        {
            rss = Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
        return ProcessUsage(residentKiB: rss, openFiles: files)
    }
}
