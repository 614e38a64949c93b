#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files under a folder, walked by hand: a folder that cannot be read is reported, not passed
/// over in silence (as FileManager's enumerator does). Only regular files are listed; a symbolic
/// link to a regular file counts as one (a GPO backup copied with links still reads), a link to a
/// folder is not followed (no loops).
public enum FolderWalk {
    public struct Listing: Sendable, Equatable {
        /// Paths relative to the folder, with "/" between components, each folder's names sorted.
        public var files: [String] = []
        /// Folders (full paths) that could not be opened, with the system's reason.
        public var unreadable: [(path: String, reason: String)] = []
        /// True when the walk stopped at the limit.
        public var truncated = false

        public static func == (a: Listing, b: Listing) -> Bool {
            a.files == b.files && a.truncated == b.truncated
                && a.unreadable.map(\.path) == b.unreadable.map(\.path)
                && a.unreadable.map(\.reason) == b.unreadable.map(\.reason)
        }
    }

    public static func files(under folder: String, limit: Int = .max) -> Listing {
        let root = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        var listing = Listing()
        var pending = [""]
        while let relative = pending.popLast() {
            let path = relative.isEmpty ? root : root + "/" + relative
            guard let handle = opendir(path) else {
                listing.unreadable.append((path, String(cString: strerror(errno))))
                continue
            }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(handle)
            for name in names.sorted() {
                let item = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(root + "/" + item, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG:
                    guard listing.files.count < limit else {
                        listing.truncated = true
                        return listing
                    }
                    listing.files.append(item)
                case S_IFDIR:
                    pending.append(item)
                case S_IFLNK:
                    var target = stat()
                    guard stat(root + "/" + item, &target) == 0, (target.st_mode & S_IFMT) == S_IFREG else { continue }
                    guard listing.files.count < limit else {
                        listing.truncated = true
                        return listing
                    }
                    listing.files.append(item)
                default:
                    break
                }
            }
        }
        return listing
    }
}
