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
    /// once, for printing, and stored only as hashes.
    public func issueVoterCards(electionID: Int64, numbers: [Int]? = nil, hasher: PasswordHasher = AppDatabase.accessCodeHasher,
                                actor: Actor) throws -> [VoterCard] {
        let lines = try rollLines(electionID: electionID, includeRemoved: false)
        let wanted = numbers.map(Set.init)
        return try writer.write { db in
            let election = try Election.fetchOne(db, key: electionID)
            guard let election, election.rollBuilt else { throw CommunityError.notAllowed("build the roll before issuing voter cards") }
            let issued = Set(try Int.fetchAll(db, sql: """
                SELECT rollEntry.number FROM voterCredential JOIN rollEntry ON rollEntry.id = voterCredential.rollEntryID
                WHERE voterCredential.electionID = ?
                """, arguments: [electionID]))
            var cards: [VoterCard] = []
            for line in lines {
                if let wanted { guard wanted.contains(line.number) else { continue } } else if issued.contains(line.number) { continue }
                let code = try HumanCode.generate(length: 12)
                let hash = try hasher.hash(code.normalized)
                guard let entryID = try Int64.fetchOne(db, sql: "SELECT id FROM rollEntry WHERE electionID = ? AND number = ?", arguments: [electionID, line.number]) else { continue }
                try db.execute(sql: "INSERT OR REPLACE INTO voterCredential (rollEntryID, electionID, codeHash, issuedAt) VALUES (?, ?, ?, ?)",
                               arguments: [entryID, electionID, hash, Date()])
                cards.append(VoterCard(number: line.number, name: line.name, building: line.building, unit: line.unit, room: line.room,
                                       householdNumber: line.householdNumber, accessCode: code.description))
            }
            if let wanted, cards.count != wanted.count {
                let missing = wanted.subtracting(cards.map(\.number)).sorted().map(String.init).joined(separator: ", ")
                throw CommunityError.invalid(field: "numbers", reason: "not on the active roll: \(missing)")
            }
            try AuditLog.append(db, actor: actor, action: "roll.cards", subject: "election:\(electionID)", details: [
                "cards": String(cards.count), "reissue": numbers == nil ? "no" : "yes",
            ])
            return cards
        }
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
