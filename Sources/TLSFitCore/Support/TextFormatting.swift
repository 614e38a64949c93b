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
    /// The first range of `needle`, comparing characters lower-cased (Foundation's
    /// `range(of:options: .caseInsensitive)` for the words tlsfit looks for in logs and pages).
    public func firstRange(ofIgnoringCase needle: some StringProtocol) -> Range<Index>? {
        let wanted = needle.map { $0.lowercased() }
        guard !wanted.isEmpty else { return nil }
        var start = startIndex
        while start != endIndex {
            var index = start
            var matched = 0
            while matched < wanted.count, index != endIndex, self[index].lowercased() == wanted[matched] {
                index = self.index(after: index)
                matched += 1
            }
            if matched == wanted.count { return start..<index }
            start = self.index(after: start)
        }
        return nil
    }
}
