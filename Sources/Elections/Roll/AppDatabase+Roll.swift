import Community
import Foundation
import GRDB

/// What building the base roll found.
public struct RollBuildSummary: Sendable, Equatable {
    /// Entries by registration category.
    public var byCategory: [RegistrationCategory: Int] = [:]
    /// Residents left off, by reason.
    public var ineligible: [Ineligibility: Int] = [:]
    /// Things the committee should look at (same ID on another community's roll, households
    /// without an eligible member …).
    public var warnings: [String] = []
    /// Entries on the roll.
    public var entries: Int { byCategory.values.reduce(0, +) }
}

extension AppDatabase {
    // MARK: Applications and representatives

    /// Records an application for category b, c or d. A (b) statement needs no approval; a (c)
    /// application is registered on filing under `residentApproval = none` (the L25 default)
    /// and waits for the residents' meeting's decision under `meeting`; a (d) application waits
    /// for the residents' election committee's confirmation (`confirmCommunityWorker`).
    @discardableResult
    public func fileRollApplication(_ application: RollApplication, actor: Actor) throws -> RollApplication {
        guard application.category != .a else {
            throw CommunityError.invalid(field: "category", reason: "category a needs no application")
        }
        if application.category != .b && !application.statementNotRegisteredElsewhere {
            throw CommunityError.invalid(field: "statementNotRegisteredElsewhere", reason: "categories c and d need the written statement of no registration elsewhere")
        }
        return try writer.write { db in
            let election = try Self.editableElection(db, application.electionID)
            guard let resident = try Resident.fetchOne(db, key: application.residentID), resident.communityID == election.communityID else {
                throw CommunityError.notFound("resident \(application.residentID)")
            }
            if try RollApplication.filter(Column("electionID") == application.electionID && Column("residentID") == application.residentID).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "application", value: resident.name)
            }
            var record = application
            record.status = .pending
            record.approval = nil
            record.decidedBy = nil
            record.decidedOn = nil
            record.decisionReference = nil
            record.recordedBy = try Self.recorder(db, actor)
            switch RegistrationApproval.required(for: application.category, rules: election.rules) {
            case .statement?:
                record.status = .approved; record.approval = .statement; record.decidedBy = "本人表示参加选举"; record.decidedOn = application.appliedOn
            case .onApplication?:
                record.status = .approved; record.approval = .onApplication; record.decidedBy = "本人申请即登记"; record.decidedOn = application.appliedOn
            case .residentsMeeting?, .electionCommittee?, nil:
                break
            }
            try record.insert(db)
            try AuditLog.append(db, actor: actor, action: "roll.application", subject: "election:\(application.electionID)", details: [
                "resident": String(application.residentID), "category": application.category.rawValue, "status": record.status.rawValue,
                "approval": record.approval?.rawValue ?? "pending",
            ])
            return record
        }
    }

    /// Records a residents' meeting's decision on a pending (c) application (under
    /// `residentApproval = meeting`, or one filed before the rule set said `none`): who
    /// decided (the meeting and its date), when, and the decision's reference. A (d)
    /// application is confirmed by the election committee instead (`confirmCommunityWorker`).
    public func decideRollApplication(id: Int64, approved: Bool, decidedBy: String, reference: String, on date: CivilDate,
                                      reason: String?, actor: Actor) throws {
        let decidedBy = decidedBy.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !decidedBy.isEmpty, decidedBy.count <= 200 else { throw CommunityError.invalid(field: "decidedBy", reason: "say which residents' meeting decided, 1 to 200 characters (e.g. 居民会议 2026-10-08)") }
        let reference = try Self.decisionReference(reference)
        let reason = try Self.decisionReason(reason, approved: approved)
        try writer.write { db in
            guard var application = try RollApplication.fetchOne(db, key: id) else { throw CommunityError.notFound("application \(id)") }
            _ = try Self.editableElection(db, application.electionID)
            guard application.category == .c else {
                throw CommunityError.invalid(field: "category", reason: application.category == .d
                    ? "a community worker (d) is confirmed by the residents' election committee, not by a residents' meeting"
                    : "only a category c application waits for a residents' meeting's decision")
            }
            guard application.status == .pending else { throw CommunityError.notAllowed("application \(id) is already decided") }
            application.status = approved ? .approved : .rejected
            application.approval = .residentsMeeting
            application.decidedBy = decidedBy
            application.decidedOn = date
            application.decisionReference = reference
            application.reason = reason
            application.recordedBy = try Self.recorder(db, actor)
            try application.update(db)
            try AuditLog.append(db, actor: actor, action: "roll.application.decide", subject: "election:\(application.electionID)", details: [
                "application": String(id), "status": application.status.rawValue, "decidedBy": decidedBy, "reference": reference,
                "on": date.description,
            ])
        }
    }

    /// The residents' election committee confirms (or refuses) a community worker's (d)
    /// application (GS25 Art. 16): only an account of the election committee (role
    /// `committee`, decision 71) may, and the confirmation records the committee, the member
    /// who entered it, the date and the decision's reference. Until confirmed the worker is not
    /// on the roll. Audited.
    public func confirmCommunityWorker(applicationID id: Int64, confirmed: Bool, reference: String, on date: CivilDate,
                                       reason: String?, actor: Actor) throws {
        let reference = try Self.decisionReference(reference)
        let reason = try Self.decisionReason(reason, approved: confirmed)
        try writer.write { db in
            guard var application = try RollApplication.fetchOne(db, key: id) else { throw CommunityError.notFound("application \(id)") }
            _ = try Self.editableElection(db, application.electionID)
            guard application.category == .d else {
                throw CommunityError.invalid(field: "category", reason: "only a community worker's (d) application is confirmed by the election committee")
            }
            let member: String
            switch actor {
            case .account(let accountID, _):
                guard let account = try Account.fetchOne(db, key: accountID), !account.disabled, account.roleSet.contains(.committee) else {
                    throw CommunityError.notAllowed("only a member of the residents' election committee confirms a community worker")
                }
                member = "\(account.displayName) (\(account.username))"
            case .system:
                member = "system"
            case .commandLine, .anonymous, .household:
                throw CommunityError.notAllowed("only a member of the residents' election committee confirms a community worker: sign in as one (on the command line, --member USERNAME=PASSWORD-FILE)")
            }
            guard application.status == .pending else { throw CommunityError.notAllowed("application \(id) is already decided") }
            application.status = confirmed ? .approved : .rejected
            application.approval = .electionCommittee
            application.decidedBy = "居民选举委员会"
            application.decidedOn = date
            application.decisionReference = reference
            application.reason = reason
            application.recordedBy = member
            try application.update(db)
            try AuditLog.append(db, actor: actor, action: "roll.worker.confirm", subject: "election:\(application.electionID)", details: [
                "application": String(id), "resident": String(application.residentID), "status": application.status.rawValue,
                "reference": reference, "on": date.description,
            ])
        }
    }

    /// A decision's reference (the meeting's or the committee's decision): 1 to 200 characters.
    static func decisionReference(_ text: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 200, !text.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw CommunityError.invalid(field: "reference", reason: "the decision's reference (minutes or number), 1 to 200 characters on one line")
        }
        return text
    }

    /// A decision's reason: required for a refusal, up to 500 characters.
    static func decisionReason(_ text: String?, approved: Bool) throws -> String? {
        let text = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !approved && text.isEmpty { throw CommunityError.invalid(field: "reason", reason: "a rejection needs a reason") }
        guard text.count <= 500 else { throw CommunityError.invalid(field: "reason", reason: "at most 500 characters") }
        return text.isEmpty ? nil : text
    }

    /// Who recorded a step, as the application keeps it: the account's name and username.
    static func recorder(_ db: Database, _ actor: Actor) throws -> String? {
        switch actor {
        case .account(let id, let username):
            return try Account.fetchOne(db, key: id).map { "\($0.displayName) (\($0.username))" } ?? username
        case .commandLine: return "command line"
        case .system: return "system"
        case .anonymous, .household: return nil
        }
    }

    /// The applications of an election.
    public func rollApplications(electionID: Int64) throws -> [RollApplication] {
        try reader.read { db in try RollApplication.filter(Column("electionID") == electionID).order(Column("id")).fetchAll(db) }
    }

    /// Designates a household's representative (户代表) for the household method; they must be
    /// a member of the household (eligibility is checked when the roll is built).
    public func designateHouseholdRepresentative(electionID: Int64, householdID: Int64, residentID: Int64, actor: Actor) throws {
        try writer.write { db in
            _ = try Self.editableElection(db, electionID)
            guard let resident = try Resident.fetchOne(db, key: residentID), resident.householdID == householdID else {
                throw CommunityError.invalid(field: "representative", reason: "must be a member of the household")
            }
            try db.execute(sql: "INSERT OR REPLACE INTO householdRepresentative (electionID, householdID, residentID) VALUES (?, ?, ?)",
                           arguments: [electionID, householdID, residentID])
            try AuditLog.append(db, actor: actor, action: "roll.householdRepresentative", subject: "election:\(electionID)",
                                details: ["household": String(householdID), "resident": String(residentID)])
        }
    }

    /// Sets the representatives of a residents' group for the representative method.
    public func setGroupRepresentatives(electionID: Int64, groupID: Int64, residentIDs: [Int64], actor: Actor) throws {
        try writer.write { db in
            let election = try Self.editableElection(db, electionID)
            let range = election.rules.representativesPerGroup
            guard range.contains(residentIDs.count) else {
                throw CommunityError.invalid(field: "representatives", reason: "a residents' group sends \(range.lowerBound) to \(range.upperBound) representatives")
            }
            try db.execute(sql: "DELETE FROM groupRepresentative WHERE electionID = ? AND residentsGroupID = ?", arguments: [electionID, groupID])
            for residentID in residentIDs {
                try db.execute(sql: "INSERT INTO groupRepresentative (electionID, residentsGroupID, residentID) VALUES (?, ?, ?)",
                               arguments: [electionID, groupID, residentID])
            }
            try AuditLog.append(db, actor: actor, action: "roll.groupRepresentatives", subject: "election:\(electionID)",
                                details: ["group": String(groupID), "residents": residentIDs.map(String.init).joined(separator: ",")])
        }
    }

    // MARK: Building the base roll

    /// One resident as the roll build reads them: the eligibility facts and what ordering and
    /// the household method need, decoded by hand from a streamed row.
    struct RollCandidate {
        let id: Int64
        let householdID: Int64?
        let isHead: Bool
        let facts: Eligibility.Facts

        init(_ row: Row) {
            id = row["id"]
            householdID = row["householdID"]
            isHead = (row["relationToHead"] as String?) == "户主"
            facts = Eligibility.Facts(
                birthDate: CivilDate(row["birthDate"] as String) ?? CivilDate(year: 9999, month: 12, day: 31)!, // unreadable: not of age
                politicalRights: PoliticalRights(rawValue: row["politicalRights"]) ?? .held,
                hukouHere: row["hukouHere"], livesHere: row["livesHere"],
                livingSince: (row["livingSince"] as String?).flatMap(CivilDate.init),
                workingSince: (row["workingSince"] as String?).flatMap(CivilDate.init))
        }
    }

    /// Residents in roll order, streamed: building, unit, room (leading numbers compared as
    /// numbers, so 10号楼 follows 9号楼), household, head first, then by age.
    static let candidateSQL = """
        SELECT resident.id, resident.householdID, resident.relationToHead, resident.birthDate, resident.politicalRights,
               resident.hukouHere, resident.livesHere, resident.livingSince, resident.workingSince
        FROM resident
        LEFT JOIN household ON household.id = resident.householdID
        LEFT JOIN address ON address.id = COALESCE(household.addressID, resident.residenceAddressID)
        WHERE resident.communityID = ?
        """
    static let rollOrderSQL = candidateSQL + "\n" + """
        ORDER BY CAST(address.building AS INTEGER), address.building, CAST(address.unit AS INTEGER), address.unit,
                 CAST(address.room AS INTEGER), address.room, household.number, resident.relationToHead = '户主' DESC,
                 resident.birthDate, resident.id
        """

    /// Builds (or, before publication, rebuilds) the base roll by the rules of election-rules.md §3.
    /// Streams the register in roll order, so memory does not grow with the community.
    @discardableResult
    public func buildRoll(electionID: Int64, actor: Actor) throws -> RollBuildSummary {
        try writer.write { db in
            let election = try Self.editableElection(db, electionID)
            let rules = election.rules
            let applications = Dictionary(uniqueKeysWithValues: try RollApplication.filter(Column("electionID") == electionID).fetchAll(db).map { ($0.residentID, $0) })
            try db.execute(sql: "DELETE FROM rollChange WHERE electionID = ?", arguments: [electionID])
            try db.execute(sql: "DELETE FROM rollEntry WHERE electionID = ?", arguments: [electionID])
            let insert = try db.makeStatement(sql: """
                INSERT INTO rollEntry (electionID, number, residentID, householdID, groupID, category, addedBy, active) VALUES (?, ?, ?, ?, ?, ?, 'base', 1)
                """)
            var summary = RollBuildSummary()
            var number = 0
            func add(_ residentID: Int64, householdID: Int64?, groupID: Int64?, category: RegistrationCategory) throws {
                number += 1
                try insert.execute(arguments: [electionID, number, residentID, householdID, groupID, category.rawValue])
                summary.byCategory[category, default: 0] += 1
            }
            func assess(_ candidate: RollCandidate) -> Eligibility.Outcome {
                let outcome = Eligibility.assess(candidate.facts, application: applications[candidate.id], electionDay: election.electionDay, rules: rules)
                if case .ineligible(let reason) = outcome { summary.ineligible[reason, default: 0] += 1 }
                return outcome
            }

            switch election.method {
            case .direct:
                let cursor = try Row.fetchCursor(db, sql: Self.rollOrderSQL, arguments: [election.communityID])
                while let row = try cursor.next() {
                    let candidate = RollCandidate(row)
                    if case .eligible(let category) = assess(candidate) {
                        try add(candidate.id, householdID: candidate.householdID, groupID: nil, category: category)
                    }
                }
            case .household:
                let designated = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT householdID, residentID FROM householdRepresentative WHERE electionID = ?", arguments: [electionID]).map { ($0["householdID"] as Int64, $0["residentID"] as Int64) })
                var withoutVoter = 0
                var members: [(RollCandidate, RegistrationCategory?)] = []
                /// Puts the household's representative on the roll; false when no member is eligible.
                func closeHousehold() throws -> Bool {
                    defer { members.removeAll(keepingCapacity: true) }
                    guard let householdID = members.first?.0.householdID else { return true }
                    let eligible = members.compactMap { member in member.1.map { (member.0, $0) } }
                    guard !eligible.isEmpty else { return false }
                    var representative = eligible.first { $0.0.isHead } ?? eligible.min { $0.0.facts.birthDate < $1.0.facts.birthDate }!
                    if let chosen = designated[householdID] {
                        if let match = eligible.first(where: { $0.0.id == chosen }) {
                            representative = match
                        } else {
                            let householdNumber = try String.fetchOne(db, sql: "SELECT number FROM household WHERE id = ?", arguments: [householdID]) ?? "?"
                            summary.warnings.append("household \(householdNumber): the designated representative is not an eligible member; the head or eldest eligible member represents it")
                        }
                    }
                    try add(representative.0.id, householdID: householdID, groupID: nil, category: representative.1)
                    return true
                }
                let cursor = try Row.fetchCursor(db, sql: Self.rollOrderSQL, arguments: [election.communityID])
                while let row = try cursor.next() {
                    let candidate = RollCandidate(row)
                    if let current = members.first?.0.householdID, current != candidate.householdID, try !closeHousehold() { withoutVoter += 1 }
                    var category: RegistrationCategory?
                    if case .eligible(let found) = assess(candidate) { category = found }
                    if candidate.householdID != nil { members.append((candidate, category)) }
                }
                if try !closeHousehold() { withoutVoter += 1 }
                if withoutVoter > 0 { summary.warnings.append("\(withoutVoter) household(s) have no eligible member and are not on the roll") }
            case .representative:
                let groups = try ResidentsGroup.filter(Column("communityID") == election.communityID).order(Column("name")).fetchAll(db)
                let chosen = try Row.fetchAll(db, sql: "SELECT residentsGroupID, residentID FROM groupRepresentative WHERE electionID = ?", arguments: [electionID])
                for group in groups {
                    let members = chosen.filter { ($0["residentsGroupID"] as Int64) == group.id }.map { $0["residentID"] as Int64 }
                    guard rules.representativesPerGroup.contains(members.count) else {
                        throw CommunityError.invalid(field: group.name, reason: "has \(members.count) representatives; each group sends \(rules.representativesPerGroup.lowerBound) to \(rules.representativesPerGroup.upperBound)")
                    }
                    for residentID in members {
                        guard let row = try Row.fetchOne(db, sql: Self.candidateSQL + " AND resident.id = ?",
                                                         arguments: [election.communityID, residentID]),
                              case .eligible(let category) = assess(RollCandidate(row)) else {
                            throw CommunityError.invalid(field: group.name, reason: "representative \(residentID) is not an eligible voter")
                        }
                        try add(residentID, householdID: row["householdID"], groupID: group.id, category: category)
                    }
                }
            }

            summary.warnings += try Self.registeredElsewhere(db, election: election)
            try db.execute(sql: "UPDATE election SET rollBuilt = 1 WHERE id = ?", arguments: [electionID])
            try AuditLog.append(db, actor: actor, action: "roll.build", subject: "election:\(electionID)", details: [
                "entries": String(summary.entries),
                "byCategory": RegistrationCategory.allCases.map { "\($0.rawValue)=\(summary.byCategory[$0] ?? 0)" }.joined(separator: ","),
            ])
            return summary
        }
    }

    /// Roll entries whose ID number is also active on another community's roll in this database.
    static func registeredElsewhere(_ db: Database, election: Election) throws -> [String] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT here.name AS name, here.idNumber AS idNumber, community.name AS community
            FROM rollEntry mine
            JOIN resident here ON here.id = mine.residentID
            JOIN resident there ON there.idNumber = here.idNumber AND there.communityID != here.communityID
            JOIN rollEntry theirs ON theirs.residentID = there.id AND theirs.active
            JOIN election other ON other.id = theirs.electionID
            JOIN community ON community.id = other.communityID
            WHERE mine.electionID = ? AND mine.active
            """, arguments: [election.id])
        return try rows.map { row in
            let id = try ResidentIDNumber(row["idNumber"])
            return "\(row["name"] as String) (\(id.masked)) is also on the roll of \(row["community"] as String): one roll only"
        }
    }

    // MARK: Changes after the base roll (四增四减)

    /// Adds a voter to, or removes one from, the roll with one of the change reasons.
    /// Additions must be eligible; nothing changes after election day or once polling has opened.
    @discardableResult
    public func changeRoll(electionID: Int64, residentID: Int64, reason: RollChangeReason, on date: CivilDate, note: String?,
                           remove: Bool? = nil, objectionID: Int64? = nil, actor: Actor) throws -> RollChange {
        try writer.write { db in
            try Self.changeRoll(db, electionID: electionID, residentID: residentID, reason: reason, on: date, note: note,
                                remove: remove ?? !reason.adds, objectionID: objectionID, actor: actor)
        }
    }

    static func changeRoll(_ db: Database, electionID: Int64, residentID: Int64, reason: RollChangeReason, on date: CivilDate, note: String?,
                           remove: Bool, objectionID: Int64?, actor: Actor) throws -> RollChange {
        guard let election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
        guard election.rollBuilt else { throw CommunityError.notAllowed("build the base roll first") }
        try Self.refuseRollChangeAfterPollingOpened(db, electionID: electionID)
        guard date <= election.electionDay else { throw CommunityError.notAllowed("the roll cannot change after election day") }
        if reason == .voterRequest, date > election.electionDay.adding(days: -2) {
            throw CommunityError.notAllowed("a voter's request not to be counted must come at least 2 days before election day")
        }
        guard let resident = try Resident.fetchOne(db, key: residentID), resident.communityID == election.communityID else {
            throw CommunityError.notFound("resident \(residentID)")
        }
        var entry = try RollEntry.filter(Column("electionID") == electionID && Column("residentID") == residentID).fetchOne(db)
        if remove {
            guard var existing = entry, existing.active else { throw CommunityError.notAllowed("\(resident.name) is not on the roll") }
            existing.active = false
            existing.removedReason = reason.rawValue
            try existing.update(db)
            entry = existing
            try Self.withdrawRemovedNominee(db, election: election, residentID: residentID, reason: reason, on: date)
        } else {
            if let existing = entry, existing.active { throw CommunityError.duplicate(field: "roll", value: resident.name) }
            let application = try RollApplication.filter(Column("electionID") == electionID && Column("residentID") == residentID).fetchOne(db)
            let category: RegistrationCategory
            switch Eligibility.assess(resident, application: application, electionDay: election.electionDay, rules: election.rules) {
            case .eligible(let found): category = found
            case .ineligible(let why): throw CommunityError.notAllowed("\(resident.name) is not eligible: \(why.chinese)")
            }
            if var existing = entry {
                existing.active = true
                existing.removedReason = nil
                existing.addedBy = reason.rawValue
                existing.category = category
                try existing.update(db)
                entry = existing
            } else {
                let next = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM rollEntry WHERE electionID = ?", arguments: [electionID]) ?? 0) + 1
                var created = RollEntry(electionID: electionID, number: next, residentID: residentID, householdID: resident.householdID, groupID: nil,
                                        category: category, addedBy: reason.rawValue, active: true, removedReason: nil)
                try created.insert(db)
                entry = created
            }
        }
        var change = RollChange(electionID: electionID, rollEntryID: entry!.id!, reason: reason, changedOn: date, note: note, objectionID: objectionID)
        try change.insert(db)
        try AuditLog.append(db, actor: actor, action: remove ? "roll.remove" : "roll.add", subject: "election:\(electionID)", details: [
            "resident": String(residentID), "reason": reason.rawValue, "on": date.description, "number": String(entry!.number),
        ])
        return change
    }

    // MARK: Reading the roll

    /// The roll, in roll-number order. Public pages show `maskedID`; nothing here carries a
    /// phone number or a full ID number.
    public func rollLines(electionID: Int64, includeRemoved: Bool = true) throws -> [RollLine] {
        try reader.read { db in try Self.rollLines(db, electionID: electionID, includeRemoved: includeRemoved, extra: "", arguments: []) }
    }

    /// Finds a resident's own entry by full name and the last four characters of the ID number.
    public func lookUpRoll(electionID: Int64, name: String, idLast4: String) throws -> [RollLine] {
        let name = name.trimmingCharacters(in: .whitespaces)
        let last4 = idLast4.trimmingCharacters(in: .whitespaces).uppercased()
        guard !name.isEmpty else { throw CommunityError.invalid(field: "name", reason: "enter your full name") }
        guard last4.count == 4, last4.allSatisfy({ $0.isNumber || $0 == "X" }) else {
            throw CommunityError.invalid(field: "idLast4", reason: "the last 4 characters of your ID number")
        }
        return try reader.read { db in
            try Self.rollLines(db, electionID: electionID, includeRemoved: true, extra: " AND resident.name = ? AND substr(resident.idNumber, 15, 4) = ?", arguments: [name, last4])
        }
    }

    static func rollLines(_ db: Database, electionID: Int64, includeRemoved: Bool, extra: String, arguments: StatementArguments) throws -> [RollLine] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT rollEntry.number, rollEntry.category, rollEntry.active, rollEntry.removedReason,
                   resident.name, resident.gender, resident.idNumber,
                   address.building, address.unit, address.room, household.number AS householdNumber,
                   rollApplication.id AS applicationID, rollApplication.category AS applicationCategory, rollApplication.status AS applicationStatus,
                   rollApplication.approval, rollApplication.decidedBy, rollApplication.decidedOn, rollApplication.decisionReference,
                   rollApplication.statementNotRegisteredElsewhere
            FROM rollEntry
            JOIN resident ON resident.id = rollEntry.residentID
            LEFT JOIN rollApplication ON rollApplication.electionID = rollEntry.electionID AND rollApplication.residentID = rollEntry.residentID
            LEFT JOIN household ON household.id = resident.householdID
            LEFT JOIN address ON address.id = COALESCE(resident.residenceAddressID, household.addressID)
            WHERE rollEntry.electionID = ?\(includeRemoved ? "" : " AND rollEntry.active")\(extra)
            ORDER BY rollEntry.number
            """, arguments: [electionID] + arguments)
        return try rows.map { row in
            let category = RegistrationCategory(rawValue: row["category"]) ?? .a
            return RollLine(number: row["number"], name: row["name"], gender: Gender(rawValue: row["gender"]) ?? .male,
                            maskedID: try ResidentIDNumber(row["idNumber"]).masked, building: row["building"] ?? "", unit: row["unit"] ?? "",
                            room: row["room"] ?? "", householdNumber: row["householdNumber"] ?? "",
                            category: category, active: row["active"], removedReason: row["removedReason"],
                            registration: registration(row, category: category))
        }
    }

    /// The registration basis of a roll line from its application's columns (nil for category
    /// a, or when the line's category is not the application's).
    static func registration(_ row: Row, category: RegistrationCategory) -> RollRegistration? {
        guard category != .a, let id: Int64 = row["applicationID"], id > 0, (row["applicationCategory"] as String?) == category.rawValue else { return nil }
        var application = RollApplication(electionID: 0, residentID: 0, category: category, appliedOn: CivilDate(year: 2000, month: 1, day: 1)!,
                                          statementNotRegisteredElsewhere: row["statementNotRegisteredElsewhere"] ?? false,
                                          status: RollApplication.Status(rawValue: row["applicationStatus"] ?? "") ?? .pending)
        application.approval = (row["approval"] as String?).flatMap(RegistrationApproval.init(rawValue:))
        guard let basis = application.basis ?? RegistrationApproval.required(for: category, rules: RuleSet()) else { return nil }
        return RollRegistration(approval: basis, decidedBy: row["decidedBy"], decidedOn: (row["decidedOn"] as String?).flatMap(CivilDate.init),
                                reference: row["decisionReference"], statementNotRegisteredElsewhere: application.statementNotRegisteredElsewhere)
    }

    /// The changes after the base roll, oldest first, with the line each changed.
    public func rollChanges(electionID: Int64) throws -> [(change: RollChange, line: RollLine)] {
        let lines = Dictionary(uniqueKeysWithValues: try rollLines(electionID: electionID).map { ($0.number, $0) })
        return try reader.read { db in
            let changes = try RollChange.filter(Column("electionID") == electionID).order(Column("id")).fetchAll(db)
            let numbers = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, number FROM rollEntry WHERE electionID = ?", arguments: [electionID])
                .map { ($0["id"] as Int64, $0["number"] as Int) })
            return changes.compactMap { change in
                guard let number = numbers[change.rollEntryID], let line = lines[number] else { return nil }
                return (change, line)
            }
        }
    }

    // MARK: Publication

    /// Publishes the roll on `date` and freezes the rule set (its canonical-JSON SHA-256 is
    /// stored and audited). The law has no late roll (L25: published 20 days before election
    /// day): past `rollPublicationDeadline` it is refused, naming the earliest election day the
    /// committee may move to (`moveElectionDay`), never published late.
    @discardableResult
    public func publishRoll(electionID: Int64, on date: CivilDate, actor: Actor) throws -> Election {
        try writer.write { db in
            var election = try Self.editableElection(db, electionID)
            guard election.rollBuilt else { throw CommunityError.notAllowed("build the roll before publishing it") }
            let late = date > election.rollPublicationDeadline
            if late {
                throw CommunityError.notAllowed("the roll must be published by \(election.rollPublicationDeadline) (\(election.rules.rollPublicationDays) days before election day); move election day to \(date.adding(days: election.rules.rollPublicationDays)) or later, rebuild the roll and publish it")
            }
            guard date <= election.electionDay else { throw CommunityError.notAllowed("election day has passed") }
            try election.rules.validate(method: election.method)
            election.status = .rollPublished
            election.rollPublishedOn = date
            election.rollPublishedLate = late
            election.rulesDigest = try election.rules.digest()
            try election.update(db)
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [electionID]) ?? 0
            try AuditLog.append(db, actor: actor, action: "roll.publish", subject: "election:\(electionID)", details: [
                "on": date.description, "late": late ? "yes" : "no", "entries": String(count),
            ])
            try AuditLog.append(db, actor: actor, action: "rules.freeze", subject: "election:\(electionID)", details: RulesAudit(rules: election.rules, digest: election.rulesDigest))
            try issueNotices(db, electionID: electionID, .roll, on: date)
            return election
        }
    }

    /// Moves election day (before the roll is published: a roll that can no longer be
    /// published 20 days ahead moves the day, never publishes late). The new day must leave the
    /// legal `rollPublicationDays` from `today`; the roll is built for the old day, so it must be
    /// built again (eligibility is counted to election day). Audited with the old and new day.
    @discardableResult
    public func moveElectionDay(electionID: Int64, to day: CivilDate, today: CivilDate, reason: String, actor: Actor) throws -> Election {
        try writer.write { db in
            var election = try Self.editableElection(db, electionID)
            let earliest = today.adding(days: election.rules.rollPublicationDays)
            guard day >= earliest else {
                throw CommunityError.invalid(field: "electionDay", reason: "at least \(election.rules.rollPublicationDays) days after today for the roll to be published in time: \(earliest) or later")
            }
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty, reason.count <= 500 else { throw CommunityError.invalid(field: "reason", reason: "say why election day moves (1 to 500 characters)") }
            let old = election.electionDay
            election.electionDay = day
            election.rollBuilt = false
            try election.update(db)
            try db.execute(sql: "DELETE FROM rollChange WHERE electionID = ?", arguments: [electionID])
            try db.execute(sql: "DELETE FROM rollEntry WHERE electionID = ?", arguments: [electionID])
            try AuditLog.append(db, actor: actor, action: "election.day.move", subject: "election:\(electionID)", details: [
                "from": old.description, "to": day.description, "reason": reason,
            ])
            // The announcement named the old day: a correction says so (notices are never changed).
            if let announced = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM electionNotice WHERE electionID = ? AND kind = 'announcement'", arguments: [electionID]) {
                try issueNotices(db, electionID: electionID, .correction(of: announced, text: "选举日由\(old)改为\(day)。原因：\(reason)"), on: today)
            }
            return election
        }
    }

    /// An election that may still be set up (roll not yet published).
    static func editableElection(_ db: Database, _ electionID: Int64) throws -> Election {
        guard let election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
        guard election.status == .preparing else {
            throw CommunityError.notAllowed("the roll is published: change it only with a roll change (四增四减) or an objection")
        }
        return election
    }
}

/// Counts of a roll for the dashboard, computed in SQL.
public struct RollCounts: Sendable, Equatable {
    public var active: [RegistrationCategory: Int] = [:]
    public var removed = 0
    public var totalActive: Int { active.values.reduce(0, +) }
}

extension AppDatabase {
    /// Active entries by category and removed entries, without loading the roll.
    public func rollCounts(electionID: Int64) throws -> RollCounts {
        try reader.read { db in try Self.rollCounts(db, electionID: electionID) }
    }

    static func rollCounts(_ db: Database, electionID: Int64) throws -> RollCounts {
        var counts = RollCounts()
        for row in try Row.fetchAll(db, sql: "SELECT category, active, count(*) AS n FROM rollEntry WHERE electionID = ? GROUP BY category, active", arguments: [electionID]) {
            if row["active"] as Bool {
                if let category = RegistrationCategory(rawValue: row["category"]) { counts.active[category, default: 0] += row["n"] as Int }
            } else {
                counts.removed += row["n"] as Int
            }
        }
        return counts
    }

    /// The applications of an election with the applicant's name.
    public func rollApplicationsWithNames(electionID: Int64) throws -> [(application: RollApplication, name: String)] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rollApplication.*, resident.name AS applicantName FROM rollApplication
                JOIN resident ON resident.id = rollApplication.residentID
                WHERE rollApplication.electionID = ? ORDER BY rollApplication.id
                """, arguments: [electionID]).map { (try RollApplication(row: $0), $0["applicantName"] as String) }
        }
    }
}
