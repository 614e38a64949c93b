internal import COpenSSL
internal import COpenSSLShims

/// One entry of OpenSSL's per-thread error queue.
struct OpenSSLErrorEntry: Sendable {
    var library: Int32
    var reason: Int32
    var text: String
}

enum OpenSSLErrorQueue {
    /// Empties this thread's queue and returns its entries, oldest first. Call it right after the
    /// failing OpenSSL call: the queue is per thread and later calls add to it.
    static func drain() -> [OpenSSLErrorEntry] {
        var entries: [OpenSSLErrorEntry] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            entries.append(
                OpenSSLErrorEntry(
                    library: tlsfit_err_get_lib(code), reason: tlsfit_err_get_reason(code),
                    text: cString(buffer)))
        }
        return entries
    }

    static func clear() { ERR_clear_error() }
}

/// A Swift string from a NUL-terminated C buffer.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A Swift string from a C string pointer that may be nil (invalid UTF-8 is repaired).
func cString(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
}
