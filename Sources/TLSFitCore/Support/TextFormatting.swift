#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few printf-style and NSString conveniences tlsfit needs, on the standard library and libc.
///
/// tlsfit's modules import FoundationEssentials, not Foundation: `String(format:)`, `NSString` and
/// `CharacterSet` live in swift-corelibs-foundation, which brings CoreFoundation, ICU's tables and
/// about 1,800 more protocol-conformance records into the binary, and the Swift runtime walks
/// every record on each new type-protocol check while the command line is parsed (issue #16).

extension BinaryInteger {
    /// Hexadecimal digits, upper case, padded with zeros to `width`: `0x2F.hex(width: 4)` is "002F"
    /// (printf's `%04X`). For non-negative values (code points, bytes, registry data).
    public func hex(width: Int = 0, uppercase: Bool = true) -> String {
        let digits = String(self, radix: 16, uppercase: uppercase)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Double {
    /// The value with `decimals` digits after the point, exactly as printf's `%.Nf` writes it (the
    /// C library formats it: correctly rounded, ties to even, "-0.0", "nan", "inf").
    public func fixed(_ decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        let count = withVaList([self]) { arguments in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, "%.\(max(0, min(decimals, 40)))f", arguments) }
        }
        // 512 bytes hold any Double with 40 decimals (at most 309 digits before the point).
        guard count >= 0, Int(count) < buffer.count else { return String(self) }
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension StringProtocol {
    /// Pads with spaces on the right to `width` characters (never truncates), for table columns.
    public func padded(to width: Int) -> String {
        let count = self.count
        return count >= width ? String(self) : String(self) + String(repeating: " ", count: width - count)
    }

    /// Pads with spaces on the left to `width` characters (never truncates), like printf's `%8s`.
    public func leftPadded(to width: Int) -> String {
        let count = self.count
        return count >= width ? String(self) : String(repeating: " ", count: width - count) + String(self)
    }

    /// Equal when lower-cased: for ASCII protocol words, host names, policy and certificate names.
    public func equalsIgnoringCase(_ other: some StringProtocol) -> Bool {
        lowercased() == other.lowercased()
    }

    /// Drops the given characters at both ends.
    public func trimming(_ characters: Set<Character>) -> String {
        var s = self[...]
        while let first = s.first, characters.contains(first) { s.removeFirst() }
        while let last = s.last, characters.contains(last) { s.removeLast() }
        return String(s)
    }
}

extension StringProtocol {
    /// The first place `needle` occurs, compared byte for byte in UTF-8 (with `ignoringASCIICase`,
    /// A-Z and a-z are the same): Foundation's `range(of:)` and `range(of:options: .caseInsensitive)`
    /// for the ASCII words tlsfit looks for in logs, reg query output, XML and proxy pages. The
    /// standard library's `firstRange(of:)` compares Characters through a hashed searcher and made
    /// reading a 30 MB WindowsUpdate.log take seconds.
    public func firstOccurrence(of needle: some StringProtocol, ignoringASCIICase: Bool = false) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        @inline(__always) func folded(_ byte: UInt8) -> UInt8 {
            ignoringASCIICase && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
        }
        let pattern = needle.utf8.map(folded)
        func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
            guard bytes.count >= pattern.count else { return nil }
            outer: for start in 0...(bytes.count - pattern.count) {
                for offset in 0..<pattern.count where folded(bytes[start + offset]) != pattern[offset] { continue outer }
                return start..<(start + pattern.count)
            }
            return nil
        }
        let view = utf8
        let found = view.withContiguousStorageIfAvailable(search) ?? Array(view).withUnsafeBufferPointer(search)
        guard let found else { return nil }
        let lower = view.index(view.startIndex, offsetBy: found.lowerBound)
        return lower..<view.index(lower, offsetBy: found.count)
    }
}
