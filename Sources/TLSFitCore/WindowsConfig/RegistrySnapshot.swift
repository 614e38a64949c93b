/// The merged registry after applying files in order: a value type, so a proposed fix can be
/// applied to a copy and the configuration evaluated again.
///
/// Key and value names compare case-insensitively, as in Windows.
public struct RegistrySnapshot: Sendable, Hashable {
    /// One value as it stands after merging, with where it came from.
    public struct Entry: Sendable, Hashable {
        /// The value name as first written (empty for the default value `@`).
        public var name: String
        public var data: RegistryData
        public var provenance: Provenance
        public var itemLines: [Int]?
        public var format: WindowsConfigFormat
    }

    struct Key: Sendable, Hashable {
        var path: String
        var values: [String: Entry] = [:]
    }

    /// Folded key path -> key.
    private var keys: [String: Key] = [:]

    /// The key tree as a trie of node numbers, so that deleting a key visits its subtree instead of
    /// every key (a `.reg` of N keys and N deletions took quadratic time; found by fuzzing with
    /// large inputs), and linking a key costs its length, not the sum of its ancestors' lengths
    /// (a 512-level key made 512 path strings). Not part of equality.
    private struct Tree: Sendable {
        /// (parent node, folded component) -> node; node 0 is the root.
        var child: [Node: Int] = [:]
        /// node -> its child nodes.
        var children: [Int: Set<Int>] = [:]
        /// node -> the folded path of the key it stands for, for nodes that are keys.
        var path: [Int: String] = [:]
        var count = 1

        struct Node: Hashable, Sendable {
            var parent: Int
            var name: Substring
        }

        /// The node of `folded`, made with its ancestors when missing.
        mutating func node(_ folded: String) -> Int {
            var current = 0
            for name in folded.split(separator: "\\", omittingEmptySubsequences: false) {
                let key = Node(parent: current, name: name)
                if let next = child[key] {
                    current = next
                } else {
                    let next = count
                    count += 1
                    child[key] = next
                    children[current, default: []].insert(next)
                    current = next
                }
            }
            return current
        }

        /// Removes the subtree of `folded` and returns the paths of the keys it held: the nodes
        /// go, so a later deletion never walks keys deleted before.
        mutating func remove(_ folded: String) -> [String] {
            var current = 0
            var last: Node?
            for name in folded.split(separator: "\\", omittingEmptySubsequences: false) {
                let key = Node(parent: current, name: name)
                guard let next = child[key] else { return [] }
                last = key
                current = next
            }
            if let last {
                child[last] = nil
                children[last.parent]?.remove(current)
            }
            var removed: [String] = []
            var pending = [current]
            while let node = pending.popLast() {
                if let path = path.removeValue(forKey: node) { removed.append(path) }
                if let below = children.removeValue(forKey: node) { pending.append(contentsOf: below) }
            }
            return removed
        }
    }

    private var tree = Tree()

    public init() {}

    public static func == (lhs: RegistrySnapshot, rhs: RegistrySnapshot) -> Bool { lhs.keys == rhs.keys }
    public func hash(into hasher: inout Hasher) { hasher.combine(keys) }

    /// Records the key in the tree (its ancestors are implied).
    private mutating func link(_ folded: String) {
        tree.path[tree.node(folded)] = folded
    }

    public init(documents: [WindowsConfigDocument]) {
        for document in documents { apply(document.operations) }
    }

    /// Applies operations in order, later over earlier.
    public mutating func apply(_ operations: [RegistryOperation]) {
        // Consecutive operations on one key (the values of a `.reg` key) fold it once.
        var last: (key: String, folded: String)?
        for op in operations {
            let folded: String
            if let last, last.key == op.key { folded = last.folded } else { folded = RegistryPath.folded(op.key) }
            last = (op.key, folded)
            apply(op, folded: folded)
        }
    }

    public mutating func apply(_ op: RegistryOperation) {
        apply(op, folded: RegistryPath.folded(op.key))
    }

    mutating func apply(_ op: RegistryOperation, folded: String) {
        switch op.action {
        case .createKey:
            if keys[folded] == nil {
                keys[folded] = Key(path: op.key)
                link(folded)
            }
        case .setValue(let name, let data):
            if keys[folded] == nil { link(folded) }
            keys[folded, default: Key(path: op.key)].values[name.lowercased()] =
                Entry(name: name, data: data, provenance: op.provenance, itemLines: op.itemLines, format: op.format)
        case .setValueIfAbsent(let name, let data):
            if keys[folded]?.values[name.lowercased()] == nil {
                if keys[folded] == nil { link(folded) }
                keys[folded, default: Key(path: op.key)].values[name.lowercased()] =
                    Entry(name: name, data: data, provenance: op.provenance, itemLines: op.itemLines, format: op.format)
            }
        case .deleteValue(let name):
            keys[folded]?.values[name.lowercased()] = nil
        case .deleteAllValues:
            keys[folded]?.values = [:]
        case .deleteKey:
            keys[folded] = nil
            for path in tree.remove(folded) { keys[path] = nil }
        }
    }

    /// The value `name` of `key`, or nil.
    public func value(_ key: String, _ name: String) -> Entry? {
        keys[RegistryPath.folded(RegistryPath.normalize(key))]?.values[name.lowercased()]
    }

    /// Whether the key exists (created, or holding values).
    public func hasKey(_ key: String) -> Bool { keys[RegistryPath.folded(RegistryPath.normalize(key))] != nil }

    /// The names of the direct subkeys of `key` (as written), sorted case-insensitively.
    /// Keys only implied by a deeper key count too.
    public func subkeys(of key: String) -> [String] {
        let prefix = RegistryPath.folded(RegistryPath.normalize(key)) + "\\"
        var names: [String: String] = [:]
        for (folded, k) in keys where folded.hasPrefix(prefix) {
            let restFolded = folded.dropFirst(prefix.count)
            let first = restFolded.split(separator: "\\", maxSplits: 1).first.map(String.init) ?? String(restFolded)
            if names[first] == nil {
                let original =
                    k.path.split(separator: "\\").dropFirst(prefix.split(separator: "\\").count).first.map(String.init)
                    ?? first
                names[first] = original
            }
        }
        return names.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Every value, by key then name, for printing or diffing.
    public var allValues: [(key: String, entry: Entry)] {
        keys.values.sorted { $0.path.lowercased() < $1.path.lowercased() }.flatMap { k in
            k.values.values.sorted { $0.name.lowercased() < $1.name.lowercased() }.map { (k.path, $0) }
        }
    }

    /// Every value with its folded key path and its path as written, in no particular order: for
    /// checks that sort what they find themselves (cheaper than `allValues` in bulk evaluation).
    func forEachValue(_ body: (_ folded: String, _ path: String, _ entry: Entry) -> Void) {
        for (folded, key) in keys {
            for entry in key.values.values { body(folded, key.path, entry) }
        }
    }

    /// All keys that exist, sorted.
    public var allKeys: [String] { keys.values.map(\.path).sorted { $0.lowercased() < $1.lowercased() } }
}
