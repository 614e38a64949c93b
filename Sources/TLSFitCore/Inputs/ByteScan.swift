/// Byte-parallel scans, eight bytes at a time, for the hot loops of the big inputs (a WindowsUpdate.log
/// of millions of lines): where a line ends, and whether a line can hold anything the reader looks for.
enum ByteScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// 0x80 in every byte of `x` that is zero, and maybe in a byte above one (a borrow): the lowest
    /// one set is exactly the first zero byte, and none is set when no byte is zero.
    @inline(__always) static func zeros(_ x: UInt64) -> UInt64 {
        (x &- ones) & ~x & highs
    }

    /// `zeros` of the bytes of `word` equal to `byte`.
    @inline(__always) static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        zeros(word ^ (ones &* UInt64(byte)))
    }

    /// `zeros` of the bytes of `w` equal to `a` whose next byte (the same byte of `v`) is `b`.
    @inline(__always) static func pair(_ w: UInt64, _ v: UInt64, _ a: UInt8, _ b: UInt8) -> UInt64 {
        zeros((w ^ (ones &* UInt64(a))) | (v ^ (ones &* UInt64(b))))
    }

    /// Eight bytes at `offset`, the first in the low byte whatever the machine's byte order.
    @inline(__always) static func word(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The index of the first LF or CR at or after `from` (or `buffer.count`), and whether the bytes
    /// before it are quiet (`mayHoldURLOrFailure` false): one pass for both.
    static func lineEnd(_ buffer: UnsafeBufferPointer<UInt8>, from: Int) -> (end: Int, quiet: Bool) {
        let raw = UnsafeRawBufferPointer(buffer)
        let n = buffer.count
        var i = from
        var quiet = true
        while i + 9 <= n {
            let w = word(raw, i)
            let v = word(raw, i + 1)
            let ends = equal(w, 0x0A) | equal(w, 0x0D)
            let found = marks(w, v)
            if ends != 0 {
                // The bytes before the end; a mark flagged below it means a mark below it (`zeros`).
                let bytes = ends.trailingZeroBitCount >> 3
                let before = bytes == 0 ? 0 : found & ((1 << (bytes << 3)) &- 1)
                return (i + bytes, quiet && before == 0)
            }
            if found != 0 { quiet = false }
            i += 8
        }
        while i < n {
            let b = buffer[i]
            if b == 0x0A || b == 0x0D { return (i, quiet) }
            if isMark(b, i + 1 < n ? buffer[i + 1] : 0xFF) { quiet = false }
            i += 1
        }
        return (n, quiet)
    }

    /// `zeros` of the bytes of `w` that are a NUL or start `//`, `FA` or `RL` (`v`: the bytes after each).
    @inline(__always) static func marks(_ w: UInt64, _ v: UInt64) -> UInt64 {
        zeros(w) | pair(w, v, 0x2F, 0x2F) | pair(w, v, 0x46, 0x41) | pair(w, v, 0x52, 0x4C)
    }

    @inline(__always) static func isMark(_ b: UInt8, _ next: UInt8) -> Bool {
        b == 0 || b == 0x2F && next == 0x2F || b == 0x46 && next == 0x41 || b == 0x52 && next == 0x4C
    }

    /// False only when `line` holds no `//` (every URL's), no `FA` (`FAILED`), no `RL` (`request
    /// URL`) and no NUL: such a line has no URL and no failure for the WindowsUpdate.log reader.
    static func mayHoldURLOrFailure(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(line)
        let n = line.count
        var i = 0
        // `w` holds bytes i..<i+8 and `v` the bytes after each of them.
        while i + 9 <= n {
            if marks(word(raw, i), word(raw, i + 1)) != 0 { return true }
            i += 8
        }
        while i < n {
            if isMark(line[i], i + 1 < n ? line[i + 1] : 0xFF) { return true }
            i += 1
        }
        return false
    }
}
