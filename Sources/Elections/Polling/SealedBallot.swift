import Foundation
import Notary

/// What an electronic ballot says, exactly as it is sealed when cast (verifiability: the sealed
/// electronic box): the election, round and box, the marks, and a random nonce — no voter, no
/// time, no place in the log. Its canonical JSON is what is encrypted to the round's box key,
/// and its SHA-256 is the ballot's **receipt code**, the tracking code the voter's receipt
/// states. When the box is opened the content becomes a log line: the same members plus `prev`
/// and `seq`, drawn in a random order then. So the receipt code of a published line is the
/// SHA-256 of the line without `prev` and `seq` — anyone recomputes it with
/// `jq -jcS 'del(.prev,.seq)' | sha256sum`.
public struct SealedBallot: Codable, Sendable, Equatable {
    public var ballot: MarkedBallot
    /// Box number within the round (the electronic box is 0).
    public var box: Int
    public var election: Int64
    /// Always `electronic`.
    public var method: String
    /// 16 random bytes, lowercase hex (32 digits).
    public var nonce: String
    public var round: Int

    /// A ballot to seal, with a fresh nonce.
    public init(election: Int64, round: Int, box: Int, ballot: MarkedBallot) throws {
        self.init(election: election, round: round, box: box, ballot: ballot, nonce: Hex.encode(try SecureRandom.bytes(16)))
    }

    public init(election: Int64, round: Int, box: Int, ballot: MarkedBallot, nonce: String) {
        self.ballot = ballot
        self.box = box
        self.election = election
        self.method = "electronic"
        self.nonce = nonce
        self.round = round
    }

    /// The canonical JSON that is sealed and hashed.
    public func canonicalBytes() throws -> Data { try CanonicalJSON.encode(self) }

    /// The receipt code: lowercase hex SHA-256 of the canonical JSON.
    public func receiptCode() throws -> String { SHA256.hash(try canonicalBytes()).hex }

    /// Whether `nonce` is 32 lowercase hex digits.
    public static func isNonce(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// The log line this ballot becomes at `seq`, after `prev`.
    public func line(seq: Int, prev: String) -> BallotLine {
        BallotLine(election: election, round: round, box: box, seq: seq, method: method, ballot: ballot, nonce: nonce, prev: prev)
    }
}

extension BallotLine {
    /// The sealed content of an electronic line (nil for paper, or an electronic line without a
    /// nonce): the line without `prev` and `seq`.
    public var sealedContent: SealedBallot? {
        guard method == "electronic", let nonce else { return nil }
        return SealedBallot(election: election, round: round, box: box, ballot: ballot, nonce: nonce)
    }
}
