import Community
import Foundation
import GRDB

extension AppDatabase {
    /// Adds a member to an election's committee: an account (by username) and the resident
    /// they are. Polling roles are refused to a nominee and to a nominee's spouse or lineal relative.
    @discardableResult
    public func addCommitteeMember(electionID: Int64, username: String, residentID: Int64, roles: [CommitteeRole],
                                   on date: CivilDate, actor: Actor) throws -> CommitteeMember {
        guard !roles.isEmpty else { throw CommunityError.invalid(field: "roles", reason: "at least one role") }
        return try writer.write { db in
            guard let election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
            guard let account = try Account.filter(sql: "username = ? COLLATE NOCASE", arguments: [username.trimmingCharacters(in: .whitespaces)]).fetchOne(db),
                  !account.disabled, account.communityID == nil || account.communityID == election.communityID else {
                throw CommunityError.invalid(field: "username", reason: "no active account \"\(username)\" of this community; create the account first")
            }
            guard let resident = try Resident.fetchOne(db, key: residentID), resident.communityID == election.communityID else {
                throw CommunityError.notFound("resident \(residentID)")
            }
            if try CommitteeMember.filter(Column("electionID") == electionID && Column("residentID") == residentID && Column("active")).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "resident", value: resident.name)
            }
            if try CommitteeMember.filter(Column("electionID") == electionID && Column("accountID") == account.id! && Column("active")).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "username", value: "\(account.username) (already a member: one account, one seat)")
            }
            if roles.contains(.chair), try Self.activeMembers(db, electionID).contains(where: { $0.roleList.contains(.chair) }) {
                throw CommunityError.invalid(field: "roles", reason: "the committee already has a chair; a chair who leaves is replaced after stepping down")
            }
            // A nominee, or a nominee's close relative, may not join (V18 Art. 12); polling roles are
            // also refused to a nominee's spouse or lineal relative.
            try Self.refuseCommitteeConflict(db, electionID: electionID, resident: resident)
            if roles.contains(where: \.isPollingRole) {
                try Self.refusePollingConflict(db, electionID: electionID, resident: resident)
            }
            // A new row even for someone who stepped down before: the step-down stays on record.
            var member = CommitteeMember(electionID: electionID, accountID: account.id!, residentID: residentID,
                                         roles: roles.map(\.rawValue).joined(separator: ","), joinedOn: date, active: true)
            try member.insert(db)
            try AuditLog.append(db, actor: actor, action: "committee.add", subject: "election:\(electionID)", details: [
                "member": String(member.id!), "account": account.username, "roles": member.roles,
            ])
            try issueNotices(db, electionID: electionID, .committee(joined: resident.name, left: nil, reason: nil), on: date)
            return member
        }
    }

    /// Records that a member stepped down (the row stays, with date and reason).
    public func stepDown(memberID: Int64, reason: String, on date: CivilDate, actor: Actor) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CommunityError.invalid(field: "reason", reason: "say why the member steps down") }
        try writer.write { db in
            guard var member = try CommitteeMember.fetchOne(db, key: memberID) else { throw CommunityError.notFound("committee member \(memberID)") }
            guard member.active else { throw CommunityError.notAllowed("this member has already stepped down") }
            member.active = false
            member.leftOn = date
            member.leftReason = reason
            try member.update(db)
            try AuditLog.append(db, actor: actor, action: "committee.stepDown", subject: "election:\(member.electionID)", details: [
                "member": String(memberID), "reason": reason,
            ])
            let name = try String.fetchOne(db, sql: "SELECT name FROM resident WHERE id = ?", arguments: [member.residentID]) ?? ""
            try issueNotices(db, electionID: member.electionID, .committee(joined: nil, left: name, reason: reason), on: date)
        }
    }

    /// Records a close relative the household register does not show (e.g. a sibling in
    /// another household), so conflicts with candidates are found.
    public func declareRelative(electionID: Int64, residentID: Int64, relativeID: Int64, kinship: Kinship, actor: Actor) throws {
        guard kinship != .same, residentID != relativeID else { throw CommunityError.invalid(field: "relative", reason: "a different person") }
        try writer.write { db in
            for (a, b) in [(residentID, relativeID), (relativeID, residentID)] {
                try db.execute(sql: "INSERT OR REPLACE INTO declaredRelative (electionID, residentID, relativeID, kinship) VALUES (?, ?, ?, ?)",
                               arguments: [electionID, a, b, kinship.rawValue])
            }
            try AuditLog.append(db, actor: actor, action: "committee.declareRelative", subject: "election:\(electionID)", details: [
                "resident": String(residentID), "relative": String(relativeID), "kinship": kinship.rawValue,
            ])
        }
    }

    /// The committee, active members first, with names and usernames.
    public func committeeMembers(electionID: Int64) throws -> [(member: CommitteeMember, name: String, username: String)] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT electionCommitteeMember.*, resident.name AS memberName, account.username AS username
                FROM electionCommitteeMember JOIN resident ON resident.id = electionCommitteeMember.residentID
                JOIN account ON account.id = electionCommitteeMember.accountID
                WHERE electionCommitteeMember.electionID = ? ORDER BY electionCommitteeMember.active DESC, electionCommitteeMember.id
                """, arguments: [electionID]).map { (try CommitteeMember(row: $0), $0["memberName"], $0["username"]) }
        }
    }

    /// Active members who are nominated (awaiting or accepted) or close relatives of a nominee.
    public func committeeConflicts(electionID: Int64) throws -> [CommitteeConflict] {
        try reader.read { db in try Self.committeeConflicts(db, electionID: electionID) }
    }

    static func activeMembers(_ db: Database, _ electionID: Int64) throws -> [CommitteeMember] {
        try CommitteeMember.filter(Column("electionID") == electionID && Column("active")).order(Column("id")).fetchAll(db)
    }

    /// Nominees still in the running (awaiting an answer or accepted) with their residents.
    static func liveNominees(_ db: Database, _ electionID: Int64) throws -> [(nominee: Nominee, resident: Resident)] {
        let nominees = try Nominee.filter(Column("electionID") == electionID && ["awaiting", "accepted"].contains(Column("status"))).fetchAll(db)
        let residents = Dictionary(uniqueKeysWithValues: try Resident.fetchAll(db, keys: nominees.map(\.residentID)).map { ($0.id!, $0) })
        return nominees.compactMap { nominee in residents[nominee.residentID].map { (nominee, $0) } }
    }

    static func declaredKinship(_ db: Database, _ electionID: Int64) throws -> [Pair: Kinship] {
        var result: [Pair: Kinship] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT residentID, relativeID, kinship FROM declaredRelative WHERE electionID = ?", arguments: [electionID]) {
            result[Pair(row["residentID"], row["relativeID"])] = Kinship(rawValue: row["kinship"])
        }
        return result
    }

    struct Pair: Hashable {
        let a: Int64, b: Int64
        init(_ a: Int64, _ b: Int64) { self.a = a; self.b = b }
    }

    static func committeeConflicts(_ db: Database, electionID: Int64, acceptedOnly: Bool = false) throws -> [CommitteeConflict] {
        let members = try activeMembers(db, electionID)
        guard !members.isEmpty else { return [] }
        let nominees = try liveNominees(db, electionID).filter { !acceptedOnly || $0.nominee.status == .accepted }
        let declared = try declaredKinship(db, electionID)
        let residents = Dictionary(uniqueKeysWithValues: try Resident.fetchAll(db, keys: members.map(\.residentID)).map { ($0.id!, $0) })
        var conflicts: [CommitteeConflict] = []
        for member in members {
            guard let person = residents[member.residentID] else { continue }
            for (nominee, candidate) in nominees {
                guard let kinship = Kinship.between(person, candidate, declared: declared[Pair(person.id!, candidate.id!)]) else { continue }
                conflicts.append(CommitteeConflict(member: member, memberName: person.name, nomineeName: candidate.name, post: nominee.post,
                                                   kinship: kinship, pollingRoleBarred: kinship.barsPollingRole && member.roleList.contains(where: \.isPollingRole)))
            }
        }
        return conflicts
    }

    /// Refuses committee membership to a nominee or a nominee's close relative.
    static func refuseCommitteeConflict(_ db: Database, electionID: Int64, resident: Resident) throws {
        let declared = try declaredKinship(db, electionID)
        for (_, nominee) in try liveNominees(db, electionID) {
            if let kinship = Kinship.between(resident, nominee, declared: declared[Pair(resident.id!, nominee.id!)]) {
                throw CommunityError.notAllowed("\(resident.name) may not serve on the election committee: \(kinship == .same ? "is a nominee" : "\(kinship.chinese) of nominee \(nominee.name)")")
            }
        }
    }

    /// Refuses a polling role to a nominee or a nominee's spouse or lineal relative.
    static func refusePollingConflict(_ db: Database, electionID: Int64, resident: Resident) throws {
        let declared = try declaredKinship(db, electionID)
        for (_, nominee) in try liveNominees(db, electionID) {
            if let kinship = Kinship.between(resident, nominee, declared: declared[Pair(resident.id!, nominee.id!)]), kinship.barsPollingRole {
                throw CommunityError.notAllowed("\(resident.name) may not hold a polling role: \(kinship == .same ? "is a nominee" : "\(kinship.chinese) of nominee \(nominee.name)")")
            }
        }
    }
}
