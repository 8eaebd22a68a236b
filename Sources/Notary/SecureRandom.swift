import Foundation
internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's RAND_bytes.
public enum SecureRandom {
    /// Returns `count` random bytes.
    public static func bytes(_ count: Int) throws -> Data {
        var out = Data(count: count)
        guard count > 0 else { return out }
        let status = out.withUnsafeMutableBytes { buffer in
            RAND_bytes(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count))
        }
        try check(status, "RAND_bytes")
        return out
    }

    /// A uniformly random integer in `0..<upperBound` (rejection sampling, no modulo bias).
    public static func uniform(_ upperBound: UInt32) throws -> UInt32 {
        precondition(upperBound > 0)
        let limit = UInt32.max - UInt32.max % upperBound
        while true {
            let value = try bytes(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            if value < limit { return value % upperBound }
        }
    }

    /// A URL-safe random token of `byteCount` bytes (session ids, CSRF tokens, form tokens).
    public static func token(byteCount: Int = 32) throws -> String {
        Base64.encodeURL(try bytes(byteCount))
    }
}
