import Community
import Foundation
import GRDB
import Notary

/// A voter card (选民证) ready to print: shown once, with its access code in clear.
public struct VoterCard: Sendable, Equatable {
    public let number: Int
    public let name: String
    public let building: String
    public let unit: String
    public let room: String
    /// Household method: the card is the household's.
    public let householdNumber: String
    /// For logging in to vote electronically; stored only as an scrypt hash.
    public let accessCode: String
}

extension AppDatabase {
    /// scrypt parameters for access codes: a 12-symbol random code carries 60 bits, so a lighter
    /// cost than passwords still makes a stolen database useless while cards print quickly.
    public static let accessCodeHasher = PasswordHasher(logN: 12, blockSize: 8, parallelism: 1)

    /// Issues voter cards with fresh access codes for the active roll entries that have none
    /// (or for `numbers` only, replacing their codes: a lost card). The codes are returned
    /// once, for printing, and stored only as hashes. Refused while a round of the election is
    /// open (polling); the audit entry names the roll numbers.
    public func issueVoterCards(electionID: Int64, numbers: [Int]? = nil, hasher: PasswordHasher = AppDatabase.accessCodeHasher,
                                actor: Actor) throws -> [VoterCard] {
        let election = try election(id: electionID)
        guard election.rollBuilt else { throw CommunityError.notAllowed("build the roll before issuing voter cards") }
        if let open = try reader.read({ db in try Self.openRoundNumber(db, electionID: electionID) }) {
            throw Self.cardsRefused(title: election.title, round: open)
        }
        let lines = try rollLines(electionID: electionID, includeRemoved: false)
        let issued = try reader.read { db in
            Set(try Int.fetchAll(db, sql: """
                SELECT rollEntry.number FROM voterCredential JOIN rollEntry ON rollEntry.id = voterCredential.rollEntryID
                WHERE voterCredential.electionID = ?
                """, arguments: [electionID]))
        }
        let chosen: [RollLine]
        if let numbers {
            let wanted = Set(numbers)
            chosen = lines.filter { wanted.contains($0.number) }
            if chosen.count != wanted.count {
                let missing = wanted.subtracting(chosen.map(\.number)).sorted().map(String.init).joined(separator: ", ")
                throw CommunityError.invalid(field: "numbers", reason: "not on the active roll: \(missing)")
            }
        } else {
            chosen = lines.filter { !issued.contains($0.number) }
        }
        // scrypt runs before the write transaction, so printing thousands of cards never holds
        // the database's write lock for more than the inserts.
        let cards = try chosen.map { line -> (VoterCard, String) in
            let code = try HumanCode.generate(length: 12)
            let card = VoterCard(number: line.number, name: line.name, building: line.building, unit: line.unit, room: line.room,
                                 householdNumber: line.householdNumber, accessCode: code.description)
            return (card, try hasher.hash(code.normalized))
        }
        try writer.write { db in
            // Checked again in the write transaction: polling may have opened while the codes were hashed.
            if let open = try Self.openRoundNumber(db, electionID: electionID) { throw Self.cardsRefused(title: election.title, round: open) }
            let now = AppClock.now()
            for (card, hash) in cards {
                guard let entryID = try Int64.fetchOne(db, sql: "SELECT id FROM rollEntry WHERE electionID = ? AND number = ? AND active", arguments: [electionID, card.number]) else {
                    throw CommunityError.notAllowed("roll number \(card.number) was removed while the cards were being made; print again")
                }
                try db.execute(sql: "INSERT OR REPLACE INTO voterCredential (rollEntryID, electionID, codeHash, issuedAt) VALUES (?, ?, ?, ?)",
                               arguments: [entryID, electionID, hash, now])
            }
            try AuditLog.append(db, actor: actor, action: "roll.cards", subject: "election:\(electionID)", details: [
                "cards": String(cards.count), "reissue": numbers == nil ? "no" : "yes",
                "numbers": Self.numberRanges(cards.map(\.0.number)),
            ])
        }
        return cards.map(\.0)
    }

    /// Checks a voter's roll number and access code (typos in the code are caught by its check
    /// character before any hashing). Returns the roll number on success.
    public func verifyAccessCode(electionID: Int64, number: Int, code: String) throws -> Bool {
        let parsed = try HumanCode(parsing: code)
        guard let hash = try reader.read({ db in
            try String.fetchOne(db, sql: """
                SELECT voterCredential.codeHash FROM voterCredential JOIN rollEntry ON rollEntry.id = voterCredential.rollEntryID
                WHERE voterCredential.electionID = ? AND rollEntry.number = ? AND rollEntry.active
                """, arguments: [electionID, number])
        }) else { return false }
        return try PasswordHasher.verify(parsed.normalized, against: hash)
    }
}
