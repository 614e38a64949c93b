import FoundationEssentials

/// One server to scan: the name (for SNI and verification) and where to dial it.
public struct ScanTarget: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// Dial this address instead of resolving `host` (`--resolve`, `--connect`).
    public var connectAddress: String?
    public var connectPort: Int?

    public init(host: String, port: Int = 443, connectAddress: String? = nil, connectPort: Int? = nil) {
        self.host = host
        self.port = port
        self.connectAddress = connectAddress
        self.connectPort = connectPort
    }

    /// The targets a command dials: HOST[:PORT] arguments, an optional host list, the Windows Update
    /// hosts, each redirected by `--resolve` overrides, and `--connect`. Duplicates are dropped.
    ///
    /// - Parameter connectAppliesToAll: `--connect` sends every host to that address (a lab server
    ///   playing all update hosts); when false, `--connect` is only valid for a single host.
    public static func list(
        hosts: [HostPort], windowsUpdate: Bool, resolve: [String], connect: String?, connectAppliesToAll: Bool,
        catalog: Catalog? = nil
    ) throws(InputError) -> [ScanTarget] {
        var list = hosts
        // The update agent's TLS hosts, as diagnose checks them (content served over plain HTTP, port 80,
        // is not scanned with TLS); the catalog
        // is parsed only when its hosts are wanted (a scan of one host starts faster).
        if windowsUpdate {
            list += UpdateRole.client.tlsHosts(catalog: catalog ?? .shared).map {
                HostPort(host: $0.host, port: $0.port)
            }
        }
        list = HostList.deduplicated(list)
        var overrides: [ResolveOverride] = []
        for text in resolve { overrides.append(try ResolveOverride(parsing: text)) }
        if let connect {
            guard connectAppliesToAll || list.count == 1 else {
                throw InputError(
                    source: "--connect", message: "applies to one host; use --resolve HOST=ADDRESS[:PORT] for several")
            }
            let address = try HostPort(parsing: connect, defaultPort: 0, source: "--connect")
            // After the explicit --resolve entries: those win for the hosts they name.
            for hostPort in list {
                overrides.append(
                    ResolveOverride(
                        host: hostPort.host, address: address.host,
                        addressPort: address.port == 0 ? nil : address.port))
            }
        }
        return list.map { ScanTarget($0, overrides: overrides) }
    }

    /// `hostPort`, redirected by the first override that applies to it.
    public init(_ hostPort: HostPort, overrides: [ResolveOverride]) {
        self.init(host: hostPort.host, port: hostPort.port)
        if let match = ResolveOverride.match(overrides, host: hostPort.host, port: hostPort.port) {
            connectAddress = match.address
            connectPort = match.addressPort
        }
    }
}

/// How a scan runs: limits, trust anchors, and what to record about itself.
public struct ScanOptions: Sendable, Hashable {
    /// Seconds for each connection (connect and handshake together).
    public var timeout: Double
    /// PEM trust anchors for the certificate check; nil uses the system store.
    public var caFile: String?
    /// Connections open at once across all hosts.
    public var concurrency: Int
    /// Connections open at once to one host.
    public var perHost: Int
    /// Measure key-exchange groups.
    public var scanGroups: Bool
    /// Recorded in each profile's `sourceDetail` (`tlsfit 0.1.0`).
    public var toolName: String
    /// Direct, or through an HTTP proxy (each host routed by its bypass list).
    public var path: NetworkPath = .direct
    /// Split large suite sets into parts eliminated side by side, merged by pairwise order probes.
    public var fast: Bool = false

    /// The defaults let one host have 16 connections in flight (a merge round of pairwise probes
    /// goes out at once) and a run 256.
    public static let defaultConcurrency = 256
    public static let defaultPerHost = 16
    /// With `fast`: its parts run side by side, each with a connection opened ahead.
    public static let fastPerHost = 32

    public init(
        timeout: Double = 5, caFile: String? = nil, concurrency: Int = ScanOptions.defaultConcurrency,
        perHost: Int = ScanOptions.defaultPerHost, scanGroups: Bool = true, toolName: String = "tlsfit",
        fast: Bool = false
    ) {
        self.timeout = timeout
        self.caFile = caFile
        self.concurrency = max(1, concurrency)
        self.perHost = max(1, perHost)
        self.scanGroups = scanGroups
        self.toolName = toolName
        self.fast = fast
    }
}

/// Progress of a running scan, for a display.
public struct ScanProgress: Sendable, Hashable {
    public var hostsDone: Int
    public var hostsTotal: Int
    public var connections: Int
    /// The host that just finished.
    public var lastHost: String

    public init(hostsDone: Int, hostsTotal: Int, connections: Int, lastHost: String) {
        self.hostsDone = hostsDone
        self.hostsTotal = hostsTotal
        self.connections = connections
        self.lastHost = lastHost
    }
}
