import Community
import Foundation
import GRDB

extension AppDatabase {
    /// Opens a term of the representatives' meeting from `startsOn` to `endsOn` (the day the
    /// next term starts; by default the committee's five years). A community's terms do not
    /// overlap.
    @discardableResult
    public func createAssemblyTerm(communityID: Int64, startsOn: CivilDate, endsOn: CivilDate? = nil, actor: Actor) throws -> AssemblyTerm {
        let longest = startsOn.adding(months: 12 * RepresentativeAssembly.termYears)
        let endsOn = endsOn ?? longest
        guard endsOn > startsOn, endsOn <= longest else {
            throw CommunityError.invalid(field: "endsOn", reason: "after the start and at most the committee's term of \(RepresentativeAssembly.termYears) years (by \(longest))")
        }
        return try writer.write { db in
            let overlapping = try Row.fetchOne(db, sql: "SELECT startsOn, endsOn FROM assemblyTerm WHERE communityID = ? AND startsOn < ? AND endsOn > ?",
                                               arguments: [communityID, endsOn.description, startsOn.description])
            if let overlapping {
                throw CommunityError.notAllowed("the term \(overlapping["startsOn"] as String) to \(overlapping["endsOn"] as String) overlaps; a community has one representatives' meeting at a time")
            }
            try db.execute(sql: "INSERT INTO assemblyTerm (communityID, startsOn, endsOn) VALUES (?, ?, ?)",
                           arguments: [communityID, startsOn.description, endsOn.description])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, actor: actor, action: "assembly.term", subject: "assembly-term:\(id)",
                                details: ["startsOn": startsOn.description, "endsOn": endsOn.description])
            return AssemblyTerm(id: id, communityID: communityID, startsOn: startsOn, endsOn: endsOn)
        }
    }

    /// A community's terms, latest first.
    public func assemblyTerms(communityID: Int64) throws -> [AssemblyTerm] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM assemblyTerm WHERE communityID = ? ORDER BY startsOn DESC", arguments: [communityID]).map(Self.assemblyTerm)
        }
    }

    /// The term covering `day`, if any.
    public func assemblyTerm(communityID: Int64, on day: CivilDate) throws -> AssemblyTerm? {
        try assemblyTerms(communityID: communityID).first { $0.covers(day) }
    }

    /// Adds a residents' representative elected by `group`, answering to the households
    /// numbered `households`, from `since`. The representative is a resident who may take part
    /// in deliberation (`CouncilEligibility`) on that day; a household answers to one serving
    /// representative of the term.
    @discardableResult
    public func addAssemblyRepresentative(termID: Int64, residentID: Int64, group: String, households: [String], since: CivilDate, actor: Actor) throws -> AssemblyMember {
        let group = group.trimmingCharacters(in: .whitespaces)
        guard !group.isEmpty, group.count <= 30 else { throw CommunityError.invalid(field: "group", reason: "the residents' group that elected the representative, 1 to 30 characters") }
        try PlainText.check(group, field: "group")
        let numbers = Array(Set(households.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })).sorted()
        guard !numbers.isEmpty else { throw CommunityError.invalid(field: "households", reason: "the numbers of the households the representative answers to, at least one") }
        let id = try writer.write { db in
            let term = try Self.requireTerm(db, termID: termID, covering: since)
            if let refusal = try CouncilEligibility.refusal(db, residentID: residentID, communityID: term.communityID, on: since) {
                throw CommunityError.notAllowed("a residents' representative is an adult resident living here and holding political rights; this resident \(refusal.english)")
            }
            try Self.refuseServing(db, termID: termID, residentID: residentID, on: since)
            var householdIDs: [Int64] = []
            for number in numbers {
                guard let household = try Int64.fetchOne(db, sql: "SELECT id FROM household WHERE communityID = ? AND number = ?", arguments: [term.communityID, number]) else {
                    throw CommunityError.invalid(field: "households", reason: "no household \(number) in this community")
                }
                if let other = try String.fetchOne(db, sql: """
                    SELECT resident.name FROM assemblyHousehold JOIN assemblyMember ON assemblyMember.id = assemblyHousehold.memberID
                    JOIN resident ON resident.id = assemblyMember.residentID
                    WHERE assemblyHousehold.householdID = ? AND assemblyMember.termID = ? AND (assemblyMember.until IS NULL OR assemblyMember.until > ?)
                    """, arguments: [household, termID, since.description]) {
                    throw CommunityError.invalid(field: "households", reason: "household \(number) already answers to representative \(other) in this term")
                }
                householdIDs.append(household)
            }
            try db.execute(sql: "INSERT INTO assemblyMember (termID, residentID, seat, residentGroup, since) VALUES (?, ?, 'representative', ?, ?)",
                           arguments: [termID, residentID, group, since.description])
            let id = db.lastInsertedRowID
            for household in householdIDs {
                try db.execute(sql: "INSERT INTO assemblyHousehold (memberID, householdID) VALUES (?, ?)", arguments: [id, household])
            }
            try AuditLog.append(db, actor: actor, action: "assembly.member.add", subject: "assembly-term:\(termID)", details: [
                "seat": AssemblySeat.representative.rawValue, "resident": String(residentID), "group": group,
                "households": numbers.joined(separator: ","), "since": since.description,
            ])
            return id
        }
        return try assemblyMember(id: id)
    }

    /// Adds a member of the residents' committee to the term's body from `since`. Refused
    /// when the representatives would then be fewer than four fifths of the members: elect the
    /// representatives first.
    @discardableResult
    public func addAssemblyCommitteeMember(termID: Int64, residentID: Int64, since: CivilDate, actor: Actor) throws -> AssemblyMember {
        let id = try writer.write { db in
            let term = try Self.requireTerm(db, termID: termID, covering: since)
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM resident WHERE id = ? AND communityID = ?)", arguments: [residentID, term.communityID]) == true else {
                throw CommunityError.invalid(field: "resident", reason: "no resident \(residentID) in this community")
            }
            try Self.refuseServing(db, termID: termID, residentID: residentID, on: since)
            let composition = try Self.assemblyComposition(db, termID: termID, on: since)
            let after = AssemblyComposition(committeeMembers: composition.committeeMembers + 1, representatives: composition.representatives)
            guard after.constituted else {
                throw CommunityError.notAllowed("representatives must be at least four fifths of the representatives' meeting: with \(composition.representatives) representatives it may have \(RepresentativeAssembly.committeeSeats(representatives: composition.representatives)) committee members, it has \(composition.committeeMembers); add representatives first")
            }
            try db.execute(sql: "INSERT INTO assemblyMember (termID, residentID, seat, residentGroup, since) VALUES (?, ?, 'committeeMember', '', ?)",
                           arguments: [termID, residentID, since.description])
            let id = db.lastInsertedRowID
            try AuditLog.append(db, actor: actor, action: "assembly.member.add", subject: "assembly-term:\(termID)", details: [
                "seat": AssemblySeat.committeeMember.rawValue, "resident": String(residentID), "since": since.description,
            ])
            return id
        }
        return try assemblyMember(id: id)
    }

    /// Ends a member's service on `until` (a representative who moved away, was recalled or
    /// resigned; a committee member who left the committee). The body's composition is shown
    /// with the roster; a representatives' meeting cannot be noticed while it falls short.
    public func endAssemblyMember(id: Int64, until: CivilDate, actor: Actor) throws {
        try writer.write { db in
            guard let since = try String.fetchOne(db, sql: "SELECT since FROM assemblyMember WHERE id = ? AND until IS NULL", arguments: [id]).flatMap(CivilDate.init) else {
                throw CommunityError.notFound("serving member \(id) of the representatives' meeting")
            }
            guard until > since else { throw CommunityError.invalid(field: "until", reason: "after the member started (\(since))") }
            try db.execute(sql: "UPDATE assemblyMember SET until = ? WHERE id = ?", arguments: [until.description, id])
            try AuditLog.append(db, actor: actor, action: "assembly.member.end", subject: "assembly-member:\(id)", details: ["until": until.description])
        }
    }

    /// One member by id.
    public func assemblyMember(id: Int64) throws -> AssemblyMember {
        try reader.read { db in
            guard let member = try Self.assemblyMembers(db, where: "assemblyMember.id = ?", arguments: [id]).first else {
                throw CommunityError.notFound("member \(id) of the representatives' meeting")
            }
            return member
        }
    }

    /// A term's members — those serving on `day`, or everyone who ever served when nil.
    public func assemblyMembers(termID: Int64, on day: CivilDate? = nil) throws -> [AssemblyMember] {
        try reader.read { db in
            let all = try Self.assemblyMembers(db, where: "assemblyMember.termID = ?", arguments: [termID])
            return day.map { day in all.filter { $0.serves(on: day) } } ?? all
        }
    }

    /// How the term's body is made up on `day`.
    public func assemblyComposition(termID: Int64, on day: CivilDate) throws -> AssemblyComposition {
        try reader.read { db in try Self.assemblyComposition(db, termID: termID, on: day) }
    }

    /// The residents' representatives serving on `day` (in the term covering it).
    public func servingRepresentatives(communityID: Int64, on day: CivilDate = .today()) throws -> [AssemblyMember] {
        guard let term = try assemblyTerm(communityID: communityID, on: day) else { return [] }
        return try assemblyMembers(termID: term.id, on: day).filter { $0.seat == .representative }
    }

    // MARK: Shared with meetings, ratings and assessments

    /// The SQL condition on `assemblyMember` joined to `assemblyTerm` (on `termID`): serving on
    /// a day in the term covering it, in community `?`; bind (communityID, day, day, day, day).
    static let servingAssemblyCondition = """
        assemblyTerm.communityID = ? AND assemblyTerm.startsOn <= ? AND assemblyTerm.endsOn > ?
          AND assemblyMember.since <= ? AND (assemblyMember.until IS NULL OR assemblyMember.until > ?)
        """

    /// Whether resident `residentID` serves as a residents' representative on `day`.
    static func isServingRepresentative(_ db: Database, communityID: Int64, residentID: Int64, on day: CivilDate) throws -> Bool {
        let d = day.description
        return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assemblyMember JOIN assemblyTerm ON assemblyTerm.id = assemblyMember.termID WHERE \(servingAssemblyCondition) AND assemblyMember.seat = 'representative' AND assemblyMember.residentID = ?)",
                                 arguments: [communityID, d, d, d, d, residentID]) ?? false
    }

    static func assemblyComposition(_ db: Database, termID: Int64, on day: CivilDate) throws -> AssemblyComposition {
        let d = day.description
        let row = try Row.fetchOne(db, sql: """
            SELECT COALESCE(SUM(seat = 'committeeMember'), 0) AS committee, COALESCE(SUM(seat = 'representative'), 0) AS representatives
            FROM assemblyMember WHERE termID = ? AND since <= ? AND (until IS NULL OR until > ?)
            """, arguments: [termID, d, d])!
        return AssemblyComposition(committeeMembers: row["committee"], representatives: row["representatives"])
    }

    static func assemblyTerm(_ row: Row) -> AssemblyTerm {
        AssemblyTerm(id: row["id"], communityID: row["communityID"], startsOn: CivilDate(row["startsOn"] as String)!, endsOn: CivilDate(row["endsOn"] as String)!)
    }

    static func requireTerm(_ db: Database, termID: Int64, covering day: CivilDate) throws -> AssemblyTerm {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM assemblyTerm WHERE id = ?", arguments: [termID]) else {
            throw CommunityError.notFound("term \(termID) of the representatives' meeting")
        }
        let term = assemblyTerm(row)
        guard term.covers(day) else { throw CommunityError.invalid(field: "since", reason: "a day of the term, \(term.startsOn) to \(term.endsOn.adding(days: -1))") }
        return term
    }

    static func refuseServing(_ db: Database, termID: Int64, residentID: Int64, on day: CivilDate) throws {
        let serving = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assemblyMember WHERE termID = ? AND residentID = ? AND (until IS NULL OR until > ?))",
                                        arguments: [termID, residentID, day.description]) ?? false
        guard !serving else { throw CommunityError.notAllowed("resident \(residentID) already sits in this term's representatives' meeting") }
    }

    static func assemblyMembers(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [AssemblyMember] {
        try Row.fetchAll(db, sql: """
            SELECT assemblyMember.*, resident.name, COALESCE(address.building, '') AS building,
                   (SELECT group_concat(number, ',') FROM (SELECT household.number FROM assemblyHousehold JOIN household ON household.id = assemblyHousehold.householdID
                     WHERE assemblyHousehold.memberID = assemblyMember.id ORDER BY household.number)) AS households
            FROM assemblyMember JOIN resident ON resident.id = assemblyMember.residentID
            LEFT JOIN household ON household.id = resident.householdID LEFT JOIN address ON address.id = household.addressID
            WHERE \(condition)
            ORDER BY assemblyMember.seat, assemblyMember.residentGroup, assemblyMember.id
            """, arguments: arguments).map { row in
            AssemblyMember(id: row["id"], termID: row["termID"], residentID: row["residentID"], name: row["name"], building: row["building"],
                           seat: AssemblySeat(rawValue: row["seat"]) ?? .representative, group: row["residentGroup"],
                           since: CivilDate(row["since"] as String)!, until: (row["until"] as String?).flatMap(CivilDate.init),
                           households: (row["households"] as String?)?.split(separator: ",").map(String.init) ?? [])
        }
    }
}
