import Community
import Foundation

/// A strict reader of ballot-log lines in exactly their canonical form (ballots/README.md):
/// members in canonical order, no spaces, integers without leading zeros, hex digests in
/// lowercase. Because canonical JSON has one encoding per value, a line this reader accepts
/// is canonical; anything else returns nil and the verifier falls back to the general JSON
/// decoder, which explains what is wrong. About twenty times faster than `JSONDecoder` plus
/// re-encoding, which is what lets `xuanyi verify` stream a million ballots in seconds.
struct BallotLineParser {
    /// A line as read: the digests are left in place (offsets of their 64 hex digits in the
    /// line) and compared as bytes; the ballot's `paper` is left empty.
    struct Line {
        var election: Int64
        var round: Int
        var box: Int
        var seq: Int
        var ballot: MarkedBallot
        var paperOffset: Int
        var prevOffset: Int
    }

    private var bytes: UnsafeRawBufferPointer
    private var index = 0

    /// Parses a whole line, or nil when it is not a canonical ballot line.
    static func parse(_ line: UnsafeRawBufferPointer) -> Line? {
        var parser = BallotLineParser(bytes: line)
        guard let value = parser.line(), parser.index == line.count else { return nil }
        return value
    }

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        guard memcmp(bytes.baseAddress! + index, text.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    private mutating func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    /// A non-negative integer without leading zeros (or a negative one for `signed`).
    private mutating func integer(signed: Bool = false) -> Int64? {
        var negative = false
        if signed && peek(UInt8(ascii: "-")) { negative = true; index += 1 }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - 0x30))
            guard !overflow1, !overflow2, sum <= 9_007_199_254_740_991 else { return nil }
            value = sum
            index += 1
        }
        let length = index - start
        guard length > 0, !(length > 1 && bytes[start] == 0x30), !(negative && value == 0) else { return nil }
        return negative ? -value : value
    }

    /// `"` + 64 lowercase hex digits + `"`; returns the offset of the digits.
    private mutating func digest() -> Int? {
        guard index + 66 <= bytes.count, bytes[index] == 0x22, bytes[index + 65] == 0x22 else { return nil }
        for offset in 1...64 {
            let byte = bytes[index + offset]
            guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return nil }
        }
        defer { index += 66 }
        return index + 1
    }

    private mutating func mark() -> Mark? {
        if literal("\"approve\"") { return .approve }
        if literal("\"abstain\"") { return .abstain }
        if literal("\"disapprove\"") { return .disapprove }
        return nil
    }

    private mutating func post() -> Post? {
        if literal("\"director\"") { return .director }
        if literal("\"deputyDirector\"") { return .deputyDirector }
        if literal("\"womenMember\"") { return .womenMember }
        if literal("\"member\"") { return .member }
        return nil
    }

    private mutating func postMarks() -> MarkedBallot.PostMarks? {
        guard literal("{\"marks\":[") else { return nil }
        var marks: [Mark] = []
        if !peek(UInt8(ascii: "]")) {
            repeat {
                guard let mark = mark() else { return nil }
                marks.append(mark)
            } while literal(",")
        }
        guard literal("],\"post\":"), let post = post() else { return nil }
        let unreadable: Bool? = literal(",\"unreadable\":true") ? true : nil
        guard literal(",\"writeIns\":[") else { return nil }
        var writeIns: [MarkedBallot.WriteIn] = []
        if !peek(UInt8(ascii: "]")) {
            repeat {
                if literal("{}") { writeIns.append(.init(person: nil)); continue }
                guard literal("{\"person\":"), let person = integer(signed: true), literal("}") else { return nil }
                writeIns.append(.init(person: person))
            } while literal(",")
        }
        guard literal("]}") else { return nil }
        return MarkedBallot.PostMarks(post: post, marks: marks, writeIns: writeIns, unreadable: unreadable)
    }

    private mutating func state() -> MarkedBallot.State? {
        if literal("\"marked\"") { return .marked }
        if literal("\"blank\"") { return .blank }
        if literal("\"notOfficial\"") { return .notOfficial }
        if literal("\"unreadable\"") { return .unreadable }
        return nil
    }

    private mutating func line() -> Line? {
        guard literal("{\"ballot\":{\"paper\":"), let paper = digest(), literal(",\"posts\":[") else { return nil }
        var posts: [MarkedBallot.PostMarks] = []
        if !peek(UInt8(ascii: "]")) {
            repeat {
                guard let marks = postMarks() else { return nil }
                posts.append(marks)
            } while literal(",")
        }
        guard literal("],\"state\":"), let state = state(), literal("},\"box\":"), let box = integer(),
              literal(",\"election\":"), let election = integer(signed: true), literal(",\"method\":") else { return nil }
        guard literal("\"paper\"") || literal("\"electronic\""), literal(",\"prev\":"), let prev = digest(), literal(",\"round\":"),
              let round = integer(), literal(",\"seq\":"), let seq = integer(), literal("}") else { return nil }
        return Line(election: election, round: Int(round), box: Int(box), seq: Int(seq), ballot: MarkedBallot(paper: "", state: state, posts: posts),
                    paperOffset: paper, prevOffset: prev)
    }
}
