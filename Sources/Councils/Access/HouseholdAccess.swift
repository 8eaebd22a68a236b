import Community
import Foundation
import GRDB
import Notary

/// A household's access card for the discussion garden: the code a resident types to submit
/// motions, co-sign, comment and check in at meetings on behalf of the household. Printed
/// once; only its scrypt hash is stored.
public struct HouseholdAccessCard: Sendable, Equatable {
    public let householdNumber: String
    public let address: String
    public let code: String
}

/// Who is acting as a resident: a personal account linked to a resident, or a household signed
/// in with its access code.
public struct ResidentIdentity: Sendable, Equatable {
    public let householdID: Int64
    public let householdNumber: String
    /// The resident, when known (personal account; chosen from the household otherwise).
    public let residentID: Int64?
    /// Shown publicly: building and the masked name or "住户".
    public let publicLabel: String
    /// `account` or `household`.
    public let channel: String
    /// Written into the audit log.
    public let actor: Actor
}

/// A household signed in with its access code (cookie `xy_household`).
public struct HouseholdSession: Sendable, Equatable {
    public let householdID: Int64
    public let householdNumber: String
    public let expiresAt: Date

    public init(householdID: Int64, householdNumber: String, expiresAt: Date) {
        self.householdID = householdID
        self.householdNumber = householdNumber
        self.expiresAt = expiresAt
    }
}

extension AppDatabase {
    /// Issues (or reissues) access codes for the households numbered `numbers`, or for every
    /// household without one when `numbers` is nil. A reissued code replaces the old one. The
    /// audit entry names the households. (Web and the command line first ask Elections'
    /// `refuseCardsWhilePolling`: no card is issued while polling is open.)
    public func issueHouseholdCodes(communityID: Int64, numbers: [String]? = nil, actor: Actor) throws -> [HouseholdAccessCard] {
        let rows = try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT household.id, household.number, address.building, address.unit, address.room,
                       householdAccess.householdID IS NOT NULL AS issued
                FROM household LEFT JOIN address ON address.id = household.addressID
                LEFT JOIN householdAccess ON householdAccess.householdID = household.id
                WHERE household.communityID = ? ORDER BY household.number
                """, arguments: [communityID])
        }
        let chosen: [Row]
        if let numbers {
            let wanted = Set(numbers)
            chosen = rows.filter { wanted.contains($0["number"]) }
            let missing = wanted.subtracting(chosen.map { $0["number"] as String })
            guard missing.isEmpty else { throw CommunityError.invalid(field: "numbers", reason: "no such household: \(missing.sorted().joined(separator: ", "))") }
        } else {
            chosen = rows.filter { !($0["issued"] as Bool) }
        }
        let cards = try chosen.map { row -> (Int64, HouseholdAccessCard, String) in
            let code = try HumanCode.generate(length: 12)
            let address = [row["building"] as String?, row["unit"] as String?, row["room"] as String?].compactMap { $0 }.joined(separator: "-")
            return (row["id"], HouseholdAccessCard(householdNumber: row["number"], address: address, code: code.description),
                    try passwordHasher.hash(code.normalized))
        }
        try writer.write { db in
            for (householdID, _, hash) in cards {
                try db.execute(sql: "INSERT OR REPLACE INTO householdAccess (householdID, codeHash, issuedAt) VALUES (?, ?, ?)",
                               arguments: [householdID, hash, AppClock.now()])
                try db.execute(sql: "DELETE FROM householdSession WHERE householdID = ?", arguments: [householdID])
            }
            try AuditLog.append(db, actor: actor, action: "council.household-codes", subject: "community:\(communityID)",
                                details: ["cards": String(cards.count), "reissue": numbers == nil ? "no" : "yes",
                                          "households": cards.map(\.1.householdNumber).joined(separator: ",")])
        }
        return cards.map(\.1)
    }

    /// Checks a household number and access code; the household's id when they match.
    public func verifyHouseholdCode(communityID: Int64, number: String, code: String) throws -> Int64? {
        let parsed: HumanCode
        do { parsed = try HumanCode(parsing: code) } catch { throw CommunityError.invalid(field: "code", reason: "\(error)") }
        guard let row = try reader.read({ db in
            try Row.fetchOne(db, sql: """
                SELECT household.id, householdAccess.codeHash FROM household JOIN householdAccess ON householdAccess.householdID = household.id
                WHERE household.communityID = ? AND household.number = ?
                """, arguments: [communityID, number.trimmingCharacters(in: .whitespaces)])
        }) else { return nil }
        return try PasswordHasher.verify(parsed.normalized, against: row["codeHash"]) ? row["id"] : nil
    }

    /// Starts a household session after a verified code; returns the cookie token.
    public func startHouseholdSession(householdID: Int64, lifetime: TimeInterval = 2 * 3600, now: Date = AppClock.now()) throws -> String {
        let token = try SecureRandom.token()
        try writer.write { db in
            try db.execute(sql: "DELETE FROM householdSession WHERE expiresAt < ?", arguments: [now])
            try db.execute(sql: "INSERT INTO householdSession (tokenHash, householdID, expiresAt) VALUES (?, ?, ?)",
                           arguments: [SHA256.hash(Data(token.utf8)).hex, householdID, now.addingTimeInterval(lifetime)])
        }
        return token
    }

    /// The household session of a cookie token, if it is still valid.
    public func householdSession(token: String, now: Date = AppClock.now()) throws -> HouseholdSession? {
        try reader.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT householdSession.householdID, householdSession.expiresAt, household.number FROM householdSession
                JOIN household ON household.id = householdSession.householdID WHERE tokenHash = ?
                """, arguments: [SHA256.hash(Data(token.utf8)).hex]) else { return nil }
            let expires: Date = row["expiresAt"]
            guard expires > now else { return nil }
            return HouseholdSession(householdID: row["householdID"], householdNumber: row["number"], expiresAt: expires)
        }
    }

    /// Ends a household session.
    public func endHouseholdSession(token: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM householdSession WHERE tokenHash = ?", arguments: [SHA256.hash(Data(token.utf8)).hex])
        }
    }

    /// The identity of a resident account (its resident must belong to a household here).
    public func residentIdentity(account: Account) throws -> ResidentIdentity? {
        guard let residentID = account.residentID else { return nil }
        return try reader.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT resident.name, household.id AS householdID, household.number, address.building FROM resident
                JOIN household ON household.id = resident.householdID LEFT JOIN address ON address.id = household.addressID
                WHERE resident.id = ?
                """, arguments: [residentID]) else { return nil }
            return ResidentIdentity(householdID: row["householdID"], householdNumber: row["number"], residentID: residentID,
                                    publicLabel: PublicName.label(building: row["building"], name: row["name"]), channel: "account", actor: Actor(account))
        }
    }

    /// The identity of a household session, optionally naming which member acts.
    public func residentIdentity(household session: HouseholdSession, residentID: Int64? = nil) throws -> ResidentIdentity {
        try reader.read { db in
            let building = try String.fetchOne(db, sql: """
                SELECT address.building FROM household LEFT JOIN address ON address.id = household.addressID WHERE household.id = ?
                """, arguments: [session.householdID])
            var name: String?
            if let residentID {
                name = try String.fetchOne(db, sql: "SELECT name FROM resident WHERE id = ? AND householdID = ?", arguments: [residentID, session.householdID])
                guard name != nil else { throw CommunityError.invalid(field: "resident", reason: "choose a member of household \(session.householdNumber)") }
            }
            return ResidentIdentity(householdID: session.householdID, householdNumber: session.householdNumber, residentID: residentID,
                                    publicLabel: PublicName.label(building: building, name: name), channel: "household",
                                    actor: .household(number: session.householdNumber))
        }
    }

    /// The members of a household (id, name), for "who is acting" choices.
    public func householdMembers(householdID: Int64) throws -> [(id: Int64, name: String)] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM resident WHERE householdID = ? ORDER BY id", arguments: [householdID])
                .map { ($0["id"], $0["name"]) }
        }
    }
}

/// How a resident is named on public pages: building and surname only (张某), never the full
/// name, the room or the ID number.
public enum PublicName {
    public static func masked(_ name: String) -> String {
        guard let first = name.first else { return "住户" }
        return "\(first)某"
    }

    public static func label(building: String?, name: String?) -> String {
        let who = name.map(masked) ?? "住户"
        guard let building, !building.isEmpty else { return who }
        return "\(building) \(who)"
    }
}
