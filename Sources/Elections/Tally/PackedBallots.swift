import Foundation

/// Marked ballots packed into one byte buffer, one record after another, so that counting a
/// million of them reads memory in order instead of following pointers to each post's marks:
///
///     state(1) posts(1) { post(1) unreadable(1) marks(2) writeIns(2) mark(1)… writeIn(8)… }…
///
/// `state` 0 marked, 1 blank, 2 not official, 3 unreadable; `post` the post's ordinal; counts
/// little-endian; a mark 0 approve, 1 disapprove, 2 abstain; a write-in the person's id
/// (little-endian Int64), `Int64.min` for one that names nobody. The ballot-log verifier reads
/// lines straight into this form.
public struct PackedBallots: Sendable {
    static let marked: UInt8 = 0, blank: UInt8 = 1, notOfficial: UInt8 = 2, unreadable: UInt8 = 3
    static let approve: UInt8 = 0, disapprove: UInt8 = 1, abstain: UInt8 = 2
    static let voidWriteIn = Int64.min
    static let postHeader = 6

    public private(set) var bytes: [UInt8] = []
    public private(set) var count = 0

    public init() {}

    /// Appends a ballot.
    public mutating func append(_ ballot: MarkedBallot) {
        Self.pack(ballot, into: &bytes)
        count += 1
    }

    /// Calls `body` with each ballot's bytes in order.
    public func forEach(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let length = Self.length(all, at: offset)
                body(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)]))
                offset += length
            }
        }
    }

    /// The length of the ballot starting at `offset`.
    static func length(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Int {
        var offset = start + 2
        for _ in 0..<Int(bytes[start + 1]) {
            offset += postHeader + count16(bytes, offset + 2) + 8 * count16(bytes, offset + 4)
        }
        return offset - start
    }

    static func count16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }

    static func code(_ state: MarkedBallot.State) -> UInt8 {
        switch state {
        case .marked: return marked
        case .blank: return blank
        case .notOfficial: return notOfficial
        case .unreadable: return unreadable
        }
    }

    static func code(_ mark: Mark) -> UInt8 {
        switch mark {
        case .approve: return approve
        case .disapprove: return disapprove
        case .abstain: return abstain
        }
    }

    static func append16(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    static func append64(_ value: Int64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends the packed form of `ballot` to `bytes`.
    static func pack(_ ballot: MarkedBallot, into bytes: inout [UInt8]) {
        bytes.append(code(ballot.state))
        let posts = ballot.state == .marked ? ballot.posts.prefix(255) : []
        bytes.append(UInt8(posts.count))
        for post in posts {
            bytes.append(UInt8(post.post.ordinal))
            bytes.append(post.unreadable == true ? 1 : 0)
            append16(min(post.marks.count, 0xFFFF), to: &bytes)
            append16(min(post.writeIns.count, 0xFFFF), to: &bytes)
            for mark in post.marks.prefix(0xFFFF) { bytes.append(code(mark)) }
            for writeIn in post.writeIns.prefix(0xFFFF) { append64(writeIn.person ?? voidWriteIn, to: &bytes) }
        }
    }
}
