import Foundation
internal import COpenSSL

/// A SHA-256 digest: 32 bytes, shown as 64 lowercase hex characters.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible, Codable, Comparable {
    /// The 32 raw bytes.
    public let bytes: Data

    /// The all-zero digest, used as the `prev` of the first link of every hash chain.
    public static let zero = SHA256Digest(uncheckedBytes: Data(count: 32))

    init(uncheckedBytes: Data) { self.bytes = uncheckedBytes }

    /// Wraps 32 raw bytes; nil for any other length.
    public init?(bytes: Data) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Parses 64 hex characters; nil when the text is not a SHA-256 digest.
    public init?(hex: String) {
        guard hex.utf8.count == 64, let data = Hex.decode(hex) else { return nil }
        self.bytes = data
    }

    /// Lowercase hex, the form used in every file and page.
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = SHA256Digest(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256 hex digest: \(text.prefix(80))"))
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    public static func < (lhs: SHA256Digest, rhs: SHA256Digest) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// Compares in constant time (for secrets derived by hashing).
    public func constantTimeEquals(_ other: SHA256Digest) -> Bool {
        ConstantTime.equals(bytes, other.bytes)
    }
}

/// SHA-256 fetched once from OpenSSL's default provider. Fetching per call (what passing
/// `EVP_sha256()` does in OpenSSL 3) costs a provider lookup and about 20 allocations.
final class FetchedDigest: @unchecked Sendable {
    let pointer: OpaquePointer
    static let sha256 = FetchedDigest(name: "SHA256")

    init(name: String) {
        guard let md = EVP_MD_fetch(nil, name, nil) else { fatalError("OpenSSL has no \(name): \(drainOpenSSLErrors())") }
        pointer = md
    }
}

/// SHA-256 through OpenSSL's EVP interface, one-shot or streaming.
public enum SHA256 {
    /// Hashes bytes in one call.
    public static func hash<Bytes: ContiguousBytes>(_ data: Bytes) -> SHA256Digest {
        var out = Data(count: 32)
        data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                var length: UInt32 = 32
                // EVP_Digest with a fixed, always-available algorithm cannot fail short of memory exhaustion.
                let status = EVP_Digest(input.baseAddress, input.count, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, FetchedDigest.sha256.pointer, nil)
                precondition(status == 1, "EVP_Digest(SHA-256) failed: \(drainOpenSSLErrors())")
            }
        }
        return SHA256Digest(uncheckedBytes: out)
    }

    /// Hashes the UTF-8 bytes of a string.
    public static func hash(_ text: String) -> SHA256Digest {
        hash(Data(text.utf8))
    }

    /// Hashes a file by streaming it in 64 KiB blocks (constant memory).
    public static func hash(fileAt url: URL) throws -> SHA256Digest {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw NotaryError.io("cannot open \(url.path)")
        }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        while let block = try handle.read(upToCount: 1 << 16), !block.isEmpty {
            hasher.update(block)
        }
        return hasher.finalize()
    }
}

/// Streaming SHA-256: feed blocks with `update`, then `finalize` once.
///
/// Not thread-safe: use one hasher per task.
public final class SHA256Hasher {
    private let context: OpaquePointer
    private var finished = false

    /// Starts a new SHA-256 computation.
    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.context = context
        precondition(EVP_DigestInit_ex(context, FetchedDigest.sha256.pointer, nil) == 1, "EVP_DigestInit_ex(SHA-256) failed")
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the hash.
    public func update<Bytes: ContiguousBytes>(_ data: Bytes) {
        precondition(!finished, "SHA256Hasher.update after finalize")
        data.withUnsafeBytes { buffer in
            _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
        }
    }

    /// Returns the digest of everything added; the hasher cannot be used afterwards.
    public func finalize() -> SHA256Digest {
        precondition(!finished, "SHA256Hasher.finalize called twice")
        finished = true
        var out = Data(count: 32)
        out.withUnsafeMutableBytes { output in
            var length: UInt32 = 32
            _ = EVP_DigestFinal_ex(context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        }
        return SHA256Digest(uncheckedBytes: out)
    }
}

/// SHA-256 of many short messages one after another (the lines of a ballot log), with one
/// OpenSSL context reused and the digest written into the caller's buffer: no allocation per
/// message. Not thread-safe: use one per task.
public final class SHA256Reusable {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Hashes `message` into the first 32 bytes of `digest`.
    public func hash(_ message: UnsafeRawBufferPointer, into digest: UnsafeMutableRawBufferPointer) {
        precondition(digest.count >= 32, "a SHA-256 digest needs 32 bytes")
        var length: UInt32 = 32
        let ok = EVP_DigestInit_ex(context, FetchedDigest.sha256.pointer, nil) == 1
            && EVP_DigestUpdate(context, message.baseAddress, message.count) == 1
            && EVP_DigestFinal_ex(context, digest.baseAddress?.assumingMemoryBound(to: UInt8.self), &length) == 1
        precondition(ok, "SHA-256 failed: \(drainOpenSSLErrors())")
    }
}

/// Constant-time comparison through OpenSSL's CRYPTO_memcmp.
public enum ConstantTime {
    /// True when both byte strings are equal; the time taken depends only on their lengths.
    public static func equals(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.isEmpty { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }

    /// Compares the UTF-8 bytes of two strings in constant time.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(Data(lhs.utf8), Data(rhs.utf8))
    }
}
