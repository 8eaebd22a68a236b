internal import COpenSSL

/// Drains OpenSSL's thread-local error queue into one readable line.
func drainOpenSSLErrors() -> String {
    var parts: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return parts.isEmpty ? "unknown error" : parts.joined(separator: "; ")
}

/// Throws `NotaryError.openssl` with the queued errors unless `status` is 1 (OpenSSL's success).
@inline(__always)
func check(_ status: Int32, _ what: @autoclosure () -> String) throws {
    guard status == 1 else {
        throw NotaryError.openssl("\(what()): \(drainOpenSSLErrors())")
    }
}

/// The version of the OpenSSL library Notary is linked against, e.g. "OpenSSL 3.0.19 27 Jan 2026".
public enum OpenSSLLibrary {
    /// Human-readable version string of the linked libcrypto.
    public static var version: String {
        String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))
    }
}
