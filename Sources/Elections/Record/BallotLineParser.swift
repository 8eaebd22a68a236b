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
    /// line) and compared as bytes; the ballot goes into the caller's buffer in the
    /// `PackedBallots` form.
    struct Line {
        var election: Int64
        var round: Int
        var box: Int
        var seq: Int
        var paperOffset: Int
        var prevOffset: Int
        /// Offset of the 32 hex digits of an electronic line's nonce; nil for a paper line.
        var nonceOffset: Int?
        /// Offset of the `,"seq":` member (the last one, before the closing brace).
        var seqMemberOffset: Int

        var isElectronic: Bool { nonceOffset != nil }
    }

    private var bytes: UnsafeRawBufferPointer
    private var index = 0
    private var packed: [UInt8]

    /// Parses a whole line, or nil when it is not a canonical ballot line; the ballot replaces
    /// the contents of `ballot` (packed).
    static func parse(_ line: UnsafeRawBufferPointer, ballot: inout [UInt8]) -> Line? {
        ballot.removeAll(keepingCapacity: true)
        var parser = BallotLineParser(bytes: line, packed: ballot)
        ballot = []
        let value = parser.line()
        swap(&ballot, &parser.packed)
        guard let value, parser.index == line.count else { return nil }
        return value
    }

    private init(bytes: UnsafeRawBufferPointer, packed: [UInt8]) {
        self.bytes = bytes
        self.packed = packed
    }

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

    private mutating func mark() -> UInt8? {
        if literal("\"approve\"") { return PackedBallots.approve }
        if literal("\"abstain\"") { return PackedBallots.abstain }
        if literal("\"disapprove\"") { return PackedBallots.disapprove }
        return nil
    }

    private mutating func post() -> Post? {
        if literal("\"director\"") { return .director }
        if literal("\"deputyDirector\"") { return .deputyDirector }
        if literal("\"womenMember\"") { return .womenMember }
        if literal("\"member\"") { return .member }
        return nil
    }

    /// One post's marks, appended packed: header, marks, write-ins.
    private mutating func postMarks() -> Bool {
        guard literal("{\"marks\":[") else { return false }
        let header = packed.count
        packed.append(contentsOf: [0, 0, 0, 0, 0, 0] as [UInt8])
        var marks = 0
        if !peek(UInt8(ascii: "]")) {
            repeat {
                guard let mark = mark() else { return false }
                packed.append(mark)
                marks += 1
            } while literal(",")
        }
        guard marks <= 0xFFFF, literal("],\"post\":"), let post = post() else { return false }
        let unreadable = literal(",\"unreadable\":true")
        guard literal(",\"writeIns\":[") else { return false }
        var writeIns = 0
        if !peek(UInt8(ascii: "]")) {
            repeat {
                if literal("{}") {
                    PackedBallots.append64(PackedBallots.voidWriteIn, to: &packed)
                } else {
                    guard literal("{\"person\":"), let person = integer(signed: true), literal("}") else { return false }
                    PackedBallots.append64(person, to: &packed)
                }
                writeIns += 1
            } while literal(",")
        }
        guard writeIns <= 0xFFFF, literal("]}") else { return false }
        packed[header] = UInt8(post.ordinal)
        packed[header + 1] = unreadable ? 1 : 0
        packed[header + 2] = UInt8(marks & 0xFF)
        packed[header + 3] = UInt8(marks >> 8)
        packed[header + 4] = UInt8(writeIns & 0xFF)
        packed[header + 5] = UInt8(writeIns >> 8)
        return true
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
        packed.append(PackedBallots.marked)
        packed.append(0)
        var posts = 0
        if !peek(UInt8(ascii: "]")) {
            repeat {
                guard postMarks() else { return nil }
                posts += 1
            } while literal(",")
        }
        guard posts <= 255, literal("],\"state\":"), let state = state() else { return nil }
        packed[0] = PackedBallots.code(state)
        packed[1] = UInt8(posts)
        guard literal("},\"box\":"), let box = integer(), literal(",\"election\":"), let election = integer(signed: true), literal(",\"method\":") else { return nil }
        // An electronic line carries its nonce (record format 2); a paper line never does.
        var nonceOffset: Int?
        if literal("\"electronic\"") {
            guard literal(",\"nonce\":"), let nonce = nonce() else { return nil }
            nonceOffset = nonce
        } else if !literal("\"paper\"") {
            return nil
        }
        guard literal(",\"prev\":"), let prev = digest(), literal(",\"round\":"), let round = integer() else { return nil }
        let seqMember = index
        guard literal(",\"seq\":"), let seq = integer(), literal("}") else { return nil }
        return Line(election: election, round: Int(round), box: Int(box), seq: Int(seq), paperOffset: paper, prevOffset: prev,
                    nonceOffset: nonceOffset, seqMemberOffset: seqMember)
    }

    /// `"` + 32 lowercase hex digits + `"`; returns the offset of the digits.
    private mutating func nonce() -> Int? {
        guard index + 34 <= bytes.count, bytes[index] == 0x22, bytes[index + 33] == 0x22 else { return nil }
        for offset in 1...32 {
            let byte = bytes[index + offset]
            guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) else { return nil }
        }
        defer { index += 34 }
        return index + 1
    }
}

extension BallotLineParser.Line {
    /// Copies an electronic line's sealed content — the line without its `,"prev":"…"` and
    /// `,"seq":N` members, which is exactly the canonical JSON of its `SealedBallot` — into
    /// `scratch` (reused: no allocation once it has grown to a line's size). Its SHA-256 is the
    /// ballot's receipt code.
    func sealedContent(of line: UnsafeRawBufferPointer, into scratch: inout [UInt8]) {
        let prevMember = prevOffset - 9    // `,"prev":"` before the 64 digits
        let afterPrev = prevOffset + 65    // the digits and the closing quote
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[0..<prevMember]))
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[afterPrev..<seqMemberOffset]))
        scratch.append(0x7D)    // `}`
    }
}

extension BallotLine {
    /// What is wrong with the line's `method` and `nonce` (record format 2), or nil: the method
    /// is `paper` or `electronic`; an electronic line carries its ballot's nonce, 32 lowercase
    /// hex digits, drawn when it was cast and sealed; a paper line carries none. The fast
    /// parser accepts exactly the lines for which this is nil.
    var methodProblem: (field: String, zh: String, en: String)? {
        switch (method, nonce) {
        case ("electronic", nil):
            return ("nonce", "电子选票缺少封存时的随机数 nonce", "an electronic ballot without the nonce it was sealed with")
        case ("electronic", let nonce?) where !SealedBallot.isNonce(nonce):
            return ("nonce", "nonce 应为 32 位小写十六进制数字", "nonce is not 32 lowercase hex digits")
        case ("electronic", _):
            return nil
        case ("paper", nil):
            return nil
        case ("paper", _):
            return ("nonce", "纸质选票不带 nonce", "a paper ballot carries no nonce")
        default:
            return ("method", "method 应为 paper 或 electronic，记录为 \(method)", "method must be paper or electronic, is \(method)")
        }
    }
}
