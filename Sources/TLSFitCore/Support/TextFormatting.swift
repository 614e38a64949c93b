/// The few printf-style and NSString conveniences tlsfit needs, on the standard library alone.
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
    /// The value with `decimals` digits after the point, exactly as printf's `%.Nf` writes it:
    /// the exact binary value correctly rounded, ties to even; "-0.0", "nan", "inf".
    public func fixed(_ decimals: Int) -> String {
        let decimals = Swift.max(0, Swift.min(decimals, 40))
        let sign = self.sign == .minus ? "-" : ""
        if isNaN { return sign + "nan" }
        if isInfinite { return sign + "inf" }
        let digits = ExactDecimal.scaledDigits(of: magnitude, decimals: decimals)
        guard decimals > 0 else { return sign + digits }
        let zeros = String(repeating: "0", count: Swift.max(0, decimals + 1 - digits.count))
        let padded = zeros + digits
        let point = padded.index(padded.endIndex, offsetBy: -decimals)
        return sign + padded[..<point] + "." + padded[point...]
    }
}

/// Arbitrary-precision arithmetic just large enough to write a Double in full: little-endian
/// 32-bit limbs, non-negative.
private enum ExactDecimal {
    /// The decimal digits of `value` x 10^decimals, rounded to an integer (ties to even).
    static func scaledDigits(of value: Double, decimals: Int) -> String {
        guard value != 0 else { return "0" }
        // value = significand x 2^exponent, significand an integer.
        let exponent = Int(value.exponent) - Double.significandBitCount
        let significand = value.significandBitPattern | (value.isNormal ? 1 << UInt64(Double.significandBitCount) : 0)
        let shift = value.isNormal ? exponent : -1074
        var number: [UInt32] = [UInt32(truncatingIfNeeded: significand), UInt32(truncatingIfNeeded: significand >> 32)]
        for _ in 0..<decimals { multiply(&number, by: 10) }
        if shift >= 0 {
            shiftLeft(&number, by: shift)
        } else {
            roundingShiftRight(&number, by: -shift)
        }
        return decimalString(number)
    }

    static func multiply(_ number: inout [UInt32], by factor: UInt32) {
        var carry: UInt64 = 0
        for i in number.indices {
            let product = UInt64(number[i]) * UInt64(factor) + carry
            number[i] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { number.append(UInt32(carry)) }
    }

    static func shiftLeft(_ number: inout [UInt32], by bits: Int) {
        let limbs = bits / 32
        let offset = bits % 32
        if offset > 0 {
            var carry: UInt32 = 0
            for i in number.indices {
                let limb = number[i]
                number[i] = limb << UInt32(offset) | carry
                carry = limb >> UInt32(32 - offset)
            }
            if carry > 0 { number.append(carry) }
        }
        number.insert(contentsOf: repeatElement(0, count: limbs), at: 0)
    }

    /// number / 2^bits, rounded to the nearest integer, ties to even.
    static func roundingShiftRight(_ number: inout [UInt32], by bits: Int) {
        func bit(_ index: Int) -> Bool {
            index / 32 < number.count && (number[index / 32] >> UInt32(index % 32)) & 1 == 1
        }
        let half = bit(bits - 1)
        var below = false
        for index in 0..<(bits - 1) where bit(index) {
            below = true
            break
        }
        let limbs = bits / 32
        let offset = bits % 32
        var result = Array(number.dropFirst(Swift.min(limbs, number.count)))
        if offset > 0 {
            for i in result.indices {
                let next = i + 1 < result.count ? result[i + 1] : 0
                result[i] = result[i] >> UInt32(offset) | next << UInt32(32 - offset)
            }
        }
        number = result.isEmpty ? [0] : result
        let odd = number[0] & 1 == 1
        if half && (below || odd) { addOne(&number) }
    }

    static func addOne(_ number: inout [UInt32]) {
        for i in number.indices {
            let (sum, overflow) = number[i].addingReportingOverflow(1)
            number[i] = sum
            if !overflow { return }
        }
        number.append(1)
    }

    /// The number in decimal, without leading zeros ("0" for zero).
    static func decimalString(_ number: [UInt32]) -> String {
        var number = number
        var chunks: [UInt32] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in number.indices.reversed() {
                let value = remainder << 32 | UInt64(number[i])
                number[i] = UInt32(value / 1_000_000_000)
                remainder = value % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
        }
        guard let last = chunks.popLast() else { return "0" }
        var text = String(last)
        for chunk in chunks.reversed() {
            let part = String(chunk)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
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
                for offset in 0..<pattern.count where folded(bytes[start + offset]) != pattern[offset] {
                    continue outer
                }
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
