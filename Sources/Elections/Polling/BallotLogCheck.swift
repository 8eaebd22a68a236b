import Community
import Foundation
import GRDB
import Notary

/// Checks an election's stored ballot log line by line, streaming (constant memory for a
/// million lines): sequence numbers from 1 without gaps, each line hashing to its tracking
/// code, each `prev` naming the line before, each line naming its election and place — and the
/// last line being the head stored beside the log (`ballotLogHead`), so lines removed from the
/// end are found too.
enum BallotLogCheck {
    /// What is wrong, naming the line.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// Lines read and the head; throws `Problem`.
    static func verify(_ db: Database, electionID: Int64) throws -> (lines: Int, head: String) {
        let cursor = try Row.fetchCursor(db, sql: "SELECT seq, line, tracking FROM ballotLog WHERE electionID = ? ORDER BY seq", arguments: [electionID])
        var expected = 1
        var previous = Array(SHA256Digest.zero.hex.utf8)
        var packed: [UInt8] = []
        while let row = try cursor.next() {
            guard let seq = Int.fromDatabaseValue(row[0]), let line = String.fromDatabaseValue(row[1]), let tracking = String.fromDatabaseValue(row[2]) else {
                throw Problem(description: "line \(expected): a stored value is not of its type")
            }
            guard seq == expected else {
                throw Problem(description: seq > expected ? "line \(expected) is missing (the next stored is \(seq))" : "line \(seq) is stored twice or out of order")
            }
            var bytes = Array(line.utf8)
            guard SHA256.hash(bytes).hex == tracking else {
                throw Problem(description: "line \(seq) does not hash to its tracking code \(tracking.prefix(16))… (changed after it was recorded)")
            }
            let linked: Bool = bytes.withUnsafeMutableBytes { buffer in
                let raw = UnsafeRawBufferPointer(buffer)
                if let parsed = BallotLineParser.parse(raw, ballot: &packed) {
                    return parsed.election == electionID && parsed.seq == seq && parsed.prevOffset + 64 <= raw.count
                        && memcmp(raw.baseAddress! + parsed.prevOffset, previous, 64) == 0
                }
                guard let decoded = try? JSONDecoder().decode(BallotLine.self, from: Data(raw)) else { return false }
                return decoded.election == electionID && decoded.seq == seq && Array(decoded.prev.utf8) == previous
            }
            guard linked else {
                throw Problem(description: "line \(seq): its election, place or prev does not match the line before (the chain is broken)")
            }
            previous = Array(tracking.utf8)
            expected += 1
        }
        let lines = expected - 1
        let head = String(decoding: previous, as: UTF8.self)
        let stored = try Row.fetchOne(db, sql: "SELECT seq, tracking FROM ballotLogHead WHERE electionID = ?", arguments: [electionID])
        let storedSeq = stored.flatMap { Int.fromDatabaseValue($0[0]) } ?? 0
        let storedHead = stored.flatMap { String.fromDatabaseValue($0[1]) } ?? SHA256Digest.zero.hex
        guard storedSeq == lines, storedHead == head else {
            throw Problem(description: "the log ends at line \(lines) (\(head.prefix(16))…) but its stored head (ballotLogHead) is line \(storedSeq) (\(storedHead.prefix(16))…): lines were removed or added")
        }
        return (lines, head)
    }
}
