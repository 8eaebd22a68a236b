import Community
import Foundation
import GRDB

/// The standing bodies kept as a plain list of members: the discussion garden's council
/// members (议事园成员). Residents' representatives sit in the representatives' meeting, kept
/// per term with their residents' group and households (`RepresentativeAssembly`).
public enum CouncilBody: String, Codable, Sendable, CaseIterable {
    case council

    public var chinese: String { "议事园成员" }
}

/// A member of a body, with the resident's name.
public struct BodyMember: Sendable, Equatable {
    public let id: Int64
    public let residentID: Int64
    public let name: String
    public let building: String
    public let since: CivilDate
}

extension AppDatabase {
    /// Adds a resident to a body from `since`. A resident serves once per body at a time.
    public func addBodyMember(communityID: Int64, body: CouncilBody, residentID: Int64, since: CivilDate, actor: Actor) throws {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resident WHERE id = ? AND communityID = ?)", arguments: [residentID, communityID]) == true else {
                throw CommunityError.invalid(field: "resident", reason: "no resident \(residentID) in this community")
            }
            let serving = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM councilBodyMember WHERE communityID = ? AND body = ? AND residentID = ? AND until IS NULL)",
                                            arguments: [communityID, body.rawValue, residentID]) ?? false
            guard !serving else { throw CommunityError.notAllowed("resident \(residentID) already serves as \(body.chinese)") }
            try db.execute(sql: "INSERT INTO councilBodyMember (communityID, body, residentID, since) VALUES (?, ?, ?, ?)",
                           arguments: [communityID, body.rawValue, residentID, since.description])
            try AuditLog.append(db, actor: actor, action: "council.body.add", subject: "community:\(communityID)",
                                details: ["body": body.rawValue, "resident": String(residentID), "since": since.description])
        }
    }

    /// Ends a member's service on `until`.
    public func endBodyMember(id: Int64, until: CivilDate, actor: Actor) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE councilBodyMember SET until = ? WHERE id = ? AND until IS NULL", arguments: [until.description, id])
            guard db.changesCount == 1 else { throw CommunityError.notFound("serving member \(id)") }
            try AuditLog.append(db, actor: actor, action: "council.body.end", subject: "council-member:\(id)", details: ["until": until.description])
        }
    }

    /// The members serving on `date`.
    public func bodyMembers(communityID: Int64, body: CouncilBody, on date: CivilDate = .today()) throws -> [BodyMember] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT councilBodyMember.id, councilBodyMember.residentID, councilBodyMember.since, resident.name, address.building
                FROM councilBodyMember JOIN resident ON resident.id = councilBodyMember.residentID
                LEFT JOIN household ON household.id = resident.householdID LEFT JOIN address ON address.id = household.addressID
                WHERE councilBodyMember.communityID = ? AND body = ? AND since <= ? AND (until IS NULL OR until > ?)
                ORDER BY councilBodyMember.id
                """, arguments: [communityID, body.rawValue, date.description, date.description]).map {
                BodyMember(id: $0["id"], residentID: $0["residentID"], name: $0["name"], building: $0["building"] ?? "", since: CivilDate($0["since"])!)
            }
        }
    }
}
