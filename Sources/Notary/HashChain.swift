import Foundation

/// A hash chain of lines: each line embeds `prev`, the SHA-256 of the line before it (all
/// zeros for the first), and its own hash is SHA-256 over the line's exact bytes.
///
/// Because the hash is over plain bytes, `sha256sum` of a line reproduces it; editing,
/// removing or reordering any line breaks the link of the line after it. Used for the ballot
/// log (tracking codes) and the audit log.
public struct HashChain: Sendable, Equatable {
    /// Hash of the last line appended (`SHA256Digest.zero` for an empty chain).
    public private(set) var head: SHA256Digest
    /// Number of lines appended.
    public private(set) var length: Int

    /// An empty chain, or one resumed from a known head and length.
    public init(head: SHA256Digest = .zero, length: Int = 0) {
        self.head = head
        self.length = length
    }

    /// Appends a line that claims `prev`; throws `chainBroken` when `prev` is not the head.
    /// Returns the line's hash, the new head.
    @discardableResult
    public mutating func append(line: Data, prev: SHA256Digest) throws -> SHA256Digest {
        guard prev == head else {
            throw NotaryError.chainBroken("line \(length + 1) names prev \(prev.hex.prefix(16))…, but the chain head is \(head.hex.prefix(16))…")
        }
        let hash = SHA256.hash(line)
        head = hash
        length += 1
        return hash
    }

    /// Builds an entry for the current head with `make`, encodes it canonically and appends it.
    /// Returns the canonical line and its hash.
    public mutating func append<Entry: Encodable>(_ make: (SHA256Digest) throws -> Entry) throws -> (line: Data, hash: SHA256Digest) {
        let line = try CanonicalJSON.encode(make(head))
        let hash = try append(line: line, prev: head)
        return (line, hash)
    }
}
