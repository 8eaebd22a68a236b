import Community
import Foundation
import GRDB
import Notary

/// A nominee with what the committee's page and the candidate list show.
public struct NomineeLine: Sendable, Equatable {
    public var nominee: Nominee
    public var name: String
    public var gender: Gender
    /// Full years on election day.
    public var age: Int
    public var rollNumber: Int?
    /// Distinct voters who nominated them for this post.
    public var nominationVotes: Int
    public var nominations: Int
}

extension AppDatabase {
    /// Files a nomination from the paper form (or the API) and returns it with a receipt signed
    /// by the election key. Checks every rule of election-rules.md §4: the way of nominating is
    /// allowed, enough nominators of the right kind, each nominator within their limit for the
    /// post, the nominee on the roll, the window open.
    public func fileNomination(electionID: Int64, _ new: NewNomination, signingKey: Ed25519PrivateKey, now: Date = AppClock.now(),
                               actor: Actor) throws -> (Nomination, SignedReceipt) {
        let today = CivilDate.today(now: now)
        return try writer.write { db in
            guard let election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
            let rules = election.rules
            guard election.status == .rollPublished else {
                throw CommunityError.notAllowed(election.status == .preparing ? "nominations open when the roll is published"
                                                                              : "the candidate list is published: nominations are closed")
            }
            let closes = election.electionDay.adding(days: -rules.nominationCloseDays)
            guard today <= closes else {
                throw CommunityError.notAllowed("nominations closed on \(closes) (\(rules.nominationCloseDays) days before election day)")
            }
            guard signingKey.keyID == election.keyID else { throw CommunityError.notAllowed("wrong signing key for election \(electionID)") }
            guard rules.seats(for: new.post) > 0 else { throw CommunityError.invalid(field: "post", reason: "this election has no \(new.post.chinese) seat") }
            let seats = rules.seats(for: new.post)
            guard let nomineeEntry = try Self.activeEntry(db, electionID, number: new.nominee) else {
                throw CommunityError.invalid(field: "nominee", reason: "roll number \(new.nominee) is not on the roll: a nominee must be a registered voter")
            }
            guard let person = try Resident.fetchOne(db, key: nomineeEntry.residentID) else { throw CommunityError.notFound("resident") }
            if new.post == .womenMember && person.gender != .female {
                throw CommunityError.invalid(field: "nominee", reason: "the 妇女委员 seat takes women candidates only")
            }
            var numbers = new.nominators
            if new.kind == .selfNomination {
                guard numbers.allSatisfy({ $0 == new.nominee }) else {
                    throw CommunityError.invalid(field: "nominators", reason: "a self-nomination has no other nominators")
                }
                numbers = [new.nominee]
            }
            guard Set(numbers).count == numbers.count else {
                throw CommunityError.invalid(field: "nominators", reason: "roll number \(Self.firstDuplicate(numbers)!) is listed twice")
            }
            var entries: [RollEntry] = []
            for number in numbers {
                guard let entry = try Self.activeEntry(db, electionID, number: number) else {
                    throw CommunityError.invalid(field: "nominators", reason: "roll number \(number) is not on the roll: nominators must be registered voters")
                }
                entries.append(entry)
            }
            var groupID: Int64?
            switch new.kind {
            case .joint:
                guard rules.allowJointNomination else { throw CommunityError.notAllowed("the rule set does not allow joint nomination by voters") }
                guard entries.count >= rules.jointNominators else {
                    throw CommunityError.invalid(field: "nominators", reason: "a joint nomination needs at least \(rules.jointNominators) voters (\(entries.count) given)")
                }
            case .household:
                guard rules.allowHouseholdNomination else { throw CommunityError.notAllowed("the rule set does not allow nomination by household representatives") }
                guard entries.count >= rules.jointHouseholdNominators else {
                    throw CommunityError.invalid(field: "nominators", reason: "a household nomination needs at least \(rules.jointHouseholdNominators) household representatives (\(entries.count) given)")
                }
                try Self.checkHouseholdRepresentatives(db, election: election, entries: entries)
            case .group:
                guard rules.allowGroupNomination else { throw CommunityError.notAllowed("the rule set does not allow nomination by residents' groups") }
                groupID = try Self.checkGroupRepresentatives(db, election: election, groupName: new.groupName ?? "", entries: entries)
            case .selfNomination:
                guard rules.allowSelfNomination else { throw CommunityError.notAllowed("the rule set does not allow self-nomination") }
            }
            for entry in entries {
                // People this voter has nominated for the post, not forms: signing a second form for the same person uses no new place.
                let used = try Int.fetchOne(db, sql: """
                    SELECT count(DISTINCT nominee.residentID) FROM nominator JOIN nomination ON nomination.id = nominator.nominationID
                    JOIN nominee ON nominee.id = nomination.nomineeID
                    WHERE nominator.electionID = ? AND nominator.post = ? AND nominator.rollEntryID = ? AND nominee.residentID != ?
                    """, arguments: [electionID, new.post.rawValue, entry.id, person.id]) ?? 0
                guard used < seats else {
                    throw CommunityError.invalid(field: "nominators", reason: "roll number \(entry.number) has already nominated \(used) for \(new.post.chinese), which has \(seats) seat\(seats == 1 ? "" : "s")")
                }
            }
            var nominee: Nominee
            if let existing = try Nominee.filter(Column("electionID") == electionID && Column("post") == new.post.rawValue && Column("residentID") == person.id!).fetchOne(db) {
                guard existing.status == .awaiting || existing.status == .accepted else {
                    throw CommunityError.notAllowed("\(person.name) has \(existing.status == .declined ? "declined" : "withdrawn from") the nomination for \(new.post.chinese)")
                }
                nominee = existing
                if new.kind == .selfNomination && nominee.status == .awaiting {
                    try Self.checkOnePost(db, electionID: electionID, residentID: person.id!, post: new.post, name: person.name)
                    nominee.status = .accepted
                    nominee.respondedOn = today
                    try nominee.update(db)
                }
            } else {
                nominee = Nominee(electionID: electionID, post: new.post, residentID: person.id!, status: .awaiting)
                if new.kind == .selfNomination {
                    try Self.checkOnePost(db, electionID: electionID, residentID: person.id!, post: new.post, name: person.name)
                    nominee.status = .accepted
                    nominee.respondedOn = today
                }
                try nominee.insert(db)
            }
            let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM nomination WHERE electionID = ?", arguments: [electionID]) ?? 0) + 1
            let filedAt = Timestamp.string(from: now)
            var filer = new.filerName?.trimmingCharacters(in: .whitespaces) ?? ""
            if filer.isEmpty { filer = try Resident.fetchOne(db, key: entries[0].residentID)?.name ?? "" }
            guard filer.count <= 50 else { throw CommunityError.invalid(field: "filerName", reason: "1 to 50 characters") }
            let tracking = try CanonicalJSON.digest(NominationStatement(
                election: electionID, seq: seq, filedAt: filedAt, post: new.post.rawValue, kind: new.kind.rawValue, nominee: new.nominee,
                nominators: entries.map(\.number), group: new.kind == .group ? new.groupName : nil, filer: filer)).hex
            var nomination = Nomination(electionID: electionID, seq: seq, nomineeID: nominee.id!, kind: new.kind, groupID: groupID,
                                        filedAt: filedAt, filedOn: today, filerName: filer, tracking: tracking)
            try nomination.insert(db)
            for entry in entries {
                try db.execute(sql: "INSERT INTO nominator (nominationID, electionID, post, rollEntryID) VALUES (?, ?, ?, ?)",
                               arguments: [nomination.id, electionID, new.post.rawValue, entry.id])
            }
            let receipt = try SignedReceipt.issue(ReceiptStatement(what: "nomination", subject: "election:\(electionID)", seq: seq,
                                                                   tracking: tracking, at: filedAt, key: signingKey.keyID), signingKey: signingKey)
            try AuditLog.append(db, actor: actor, action: "nomination.file", subject: "election:\(electionID)", details: [
                "seq": String(seq), "post": new.post.rawValue, "kind": new.kind.rawValue, "nominee": String(new.nominee),
                "nominators": String(entries.count), "tracking": tracking,
            ])
            return (nomination, receipt)
        }
    }

    /// The nominee accepts (with the profile the candidate list shows) or declines. Accepting
    /// is refused while they have accepted another post: a person stands for one post only.
    public func respondToNomination(nomineeID: Int64, accept: Bool, education: String? = nil, occupation: String? = nil,
                                    statement: String? = nil, on date: CivilDate, actor: Actor) throws {
        try writer.write { db in
            guard var nominee = try Nominee.fetchOne(db, key: nomineeID) else { throw CommunityError.notFound("nominee \(nomineeID)") }
            guard let election = try Election.fetchOne(db, key: nominee.electionID) else { throw CommunityError.notFound("election") }
            guard election.status == .rollPublished else { throw CommunityError.notAllowed("the candidate list is published: answers are closed; a candidate may withdraw in writing") }
            guard nominee.status == .awaiting || (accept && nominee.status == .accepted) else {
                throw CommunityError.notAllowed("this nomination was already \(nominee.status.rawValue)")
            }
            let person = try Resident.fetchOne(db, key: nominee.residentID)
            if accept {
                try Self.checkOnePost(db, electionID: nominee.electionID, residentID: nominee.residentID, post: nominee.post, name: person?.name ?? "")
                for (field, text, limit) in [("education", education, 20), ("occupation", occupation, 50), ("statement", statement, 500)] {
                    if let text, text.count > limit { throw CommunityError.invalid(field: field, reason: "at most \(limit) characters") }
                }
                nominee.education = education?.trimmingCharacters(in: .whitespaces).nilIfEmpty ?? nominee.education
                nominee.occupation = occupation?.trimmingCharacters(in: .whitespaces).nilIfEmpty ?? nominee.occupation
                nominee.statement = statement?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty ?? nominee.statement
            }
            nominee.status = accept ? .accepted : .declined
            nominee.respondedOn = date
            try nominee.update(db)
            try AuditLog.append(db, actor: actor, action: accept ? "nomination.accept" : "nomination.decline", subject: "election:\(nominee.electionID)",
                                details: ["nominee": String(nomineeID), "post": nominee.post.rawValue])
        }
    }

    /// A nominee withdraws in writing, at least `withdrawalDays` before election day. After the
    /// candidate list is published the list is topped up from the next-highest nominee, if any;
    /// the returned text says what happened to the list.
    @discardableResult
    public func withdrawNominee(nomineeID: Int64, note: String, on date: CivilDate, actor: Actor) throws -> String {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw CommunityError.invalid(field: "note", reason: "a withdrawal is made in writing: record its text or reference") }
        return try writer.write { db in
            guard var nominee = try Nominee.fetchOne(db, key: nomineeID) else { throw CommunityError.notFound("nominee \(nomineeID)") }
            guard let election = try Election.fetchOne(db, key: nominee.electionID) else { throw CommunityError.notFound("election") }
            guard nominee.status == .accepted || nominee.status == .awaiting else { throw CommunityError.notAllowed("this nominee is not standing") }
            let deadline = election.electionDay.adding(days: -election.rules.withdrawalDays)
            guard date <= deadline else {
                throw CommunityError.notAllowed("withdrawals closed on \(deadline) (\(election.rules.withdrawalDays) days before election day)")
            }
            nominee.status = .withdrawn
            nominee.withdrawnOn = date
            nominee.withdrawalNote = note
            try nominee.update(db)
            var outcome = "已退出 Withdrawn"
            if election.status == .candidatesPublished,
               var candidate = try Candidate.filter(Column("nomineeID") == nomineeID && Column("active")).fetchOne(db) {
                candidate.active = false
                candidate.withdrawnOn = date
                try candidate.update(db)
                outcome = try Self.topUp(db, election: election, post: nominee.post, on: date)
            }
            try AuditLog.append(db, actor: actor, action: "nomination.withdraw", subject: "election:\(nominee.electionID)", details: [
                "nominee": String(nomineeID), "post": nominee.post.rawValue, "outcome": outcome,
            ])
            return outcome
        }
    }

    /// Records a primary round for a post whose nominees exceed seats + the largest margin
    /// (round 1: every accepted nominee), or a further primary among those tied at the cut.
    /// A primary with too few voters taking part is refused: it has to be held again.
    @discardableResult
    public func recordPrimary(electionID: Int64, post: Post, heldOn: CivilDate, participants: Int, votes: [Int64: Int], actor: Actor) throws -> PrimaryRound {
        try writer.write { db in
            guard let election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
            guard election.status.rollIsPublic else { throw CommunityError.notAllowed("primaries are held after the roll is published") }
            let rules = election.rules
            let nominationsClose = election.electionDay.adding(days: -rules.nominationCloseDays)
            guard heldOn > nominationsClose, heldOn <= election.electionDay else {
                throw CommunityError.invalid(field: "heldOn", reason: "a primary is held after nominations close (\(nominationsClose)) and before election day")
            }
            let slate = try Self.slate(db, election: election, post: post)
            if election.status == .candidatesPublished, case .primaryTie = slate.state {} else if election.status == .candidatesPublished {
                throw CommunityError.notAllowed("the candidate list is published: a further primary is held only to settle a tie for a place")
            }
            let expected: Set<Int64>
            switch slate.state {
            case .primaryNeeded: expected = Set(try Self.acceptedWithVotes(db, electionID, post).map(\.nominee))
            case .primaryTie(let tied, _): expected = Set(tied)
            default: throw CommunityError.notAllowed("\(post.chinese) needs no primary now")
            }
            guard Set(votes.keys) == expected else {
                throw CommunityError.invalid(field: "votes", reason: "enter votes for exactly the \(expected.count) nominees standing in this primary")
            }
            let rollSize = try Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [electionID]) ?? 0
            guard (0...rollSize).contains(participants) else {
                throw CommunityError.invalid(field: "participants", reason: "between 0 and the \(rollSize) voters on the roll")
            }
            guard rules.primaryTurnout.isMet(participants, of: rollSize) else {
                throw CommunityError.notAllowed("the primary is not valid: \(participants) of \(rollSize) voters took part, it needs \(rules.primaryTurnout) (\(rules.primaryTurnout.minimumCount(of: rollSize))); hold it again")
            }
            for (id, count) in votes where !(0...participants).contains(count) {
                throw CommunityError.invalid(field: "votes", reason: "nominee \(id): between 0 and the \(participants) voters who took part")
            }
            let places = rules.seats(for: post) + rules.margin(for: post).upperBound
            guard votes.values.reduce(0, +) <= participants * places else {
                throw CommunityError.invalid(field: "votes", reason: "more votes than \(participants) voters choosing up to \(places) each could give")
            }
            let round = (try Int.fetchOne(db, sql: "SELECT MAX(round) FROM primaryRound WHERE electionID = ? AND post = ?", arguments: [electionID, post.rawValue]) ?? 0) + 1
            var primary = PrimaryRound(electionID: electionID, post: post, round: round, heldOn: heldOn, participants: participants, rollSize: rollSize)
            try primary.insert(db)
            for (id, count) in votes.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO primaryVote (primaryRoundID, nomineeID, votes) VALUES (?, ?, ?)", arguments: [primary.id, id, count])
            }
            try AuditLog.append(db, actor: actor, action: "primary.record", subject: "election:\(electionID)", details: [
                "post": post.rawValue, "round": String(round), "participants": String(participants), "rollSize": String(rollSize),
                "votes": votes.sorted(by: { $0.key < $1.key }).map { "\($0.key):\($0.value)" }.joined(separator: ","),
            ])
            if election.status == .candidatesPublished { _ = try Self.topUp(db, election: election, post: post, on: heldOn, withdrawn: false) }
            return primary
        }
    }

    /// Each post's slate (margin, primary, list) as it stands.
    public func candidateSlates(electionID: Int64) throws -> [PostSlate] {
        try reader.read { db in
            let election = try Self.fetchElection(db, electionID)
            return try election.rules.posts.map { try Self.slate(db, election: election, post: $0) }
        }
    }

    /// Nominees with names, ages and nomination counts, by post then name in stroke order.
    public func nominees(electionID: Int64) throws -> [NomineeLine] {
        try reader.read { db in
            let election = try Self.fetchElection(db, electionID)
            let rows = try Row.fetchAll(db, sql: """
                SELECT nominee.*, resident.name AS personName, resident.gender AS personGender, resident.birthDate AS personBirth,
                       (SELECT number FROM rollEntry WHERE rollEntry.electionID = nominee.electionID AND rollEntry.residentID = nominee.residentID AND rollEntry.active) AS rollNumber,
                       (SELECT count(DISTINCT nominator.rollEntryID) FROM nomination JOIN nominator ON nominator.nominationID = nomination.id
                         WHERE nomination.nomineeID = nominee.id) AS nominationVotes,
                       (SELECT count(*) FROM nomination WHERE nomination.nomineeID = nominee.id) AS nominations
                FROM nominee JOIN resident ON resident.id = nominee.residentID
                WHERE nominee.electionID = ?
                """, arguments: [electionID])
            let lines = try rows.map { row in
                NomineeLine(nominee: try Nominee(row: row), name: row["personName"], gender: Gender(rawValue: row["personGender"]) ?? .male,
                            age: (CivilDate(row["personBirth"] as String) ?? election.electionDay).age(on: election.electionDay),
                            rollNumber: row["rollNumber"], nominationVotes: row["nominationVotes"], nominations: row["nominations"])
            }
            return lines.sorted { a, b in
                a.nominee.post != b.nominee.post ? a.nominee.post < b.nominee.post : CandidateOrdering.strokeOrder(a.name, b.name)
            }
        }
    }

    /// An election's nominations, by number.
    public func nominations(electionID: Int64) throws -> [Nomination] {
        try reader.read { db in try Nomination.filter(Column("electionID") == electionID).order(Column("seq")).fetchAll(db) }
    }

    /// The primary rounds of a post with each nominee's votes.
    public func primaryRounds(electionID: Int64, post: Post) throws -> [(round: PrimaryRound, votes: [Primary.Line])] {
        try reader.read { db in try Self.primaryRounds(db, electionID, post) }
    }

    // MARK: Internals

    static func fetchElection(_ db: Database, _ electionID: Int64) throws -> Election {
        guard let election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
        return election
    }

    static func activeEntry(_ db: Database, _ electionID: Int64, number: Int) throws -> RollEntry? {
        try RollEntry.filter(Column("electionID") == electionID && Column("number") == number && Column("active")).fetchOne(db)
    }

    static func firstDuplicate(_ numbers: [Int]) -> Int? {
        var seen = Set<Int>()
        return numbers.first { !seen.insert($0).inserted }
    }

    /// A person stands for one post only.
    static func checkOnePost(_ db: Database, electionID: Int64, residentID: Int64, post: Post, name: String) throws {
        if let other = try Nominee.filter(Column("electionID") == electionID && Column("residentID") == residentID && Column("status") == "accepted"
                                          && Column("post") != post.rawValue).fetchOne(db) {
            throw CommunityError.notAllowed("\(name) has accepted the nomination for \(other.post.chinese); a person stands for one post only (decline one)")
        }
    }

    /// Household nominators: each the representative of a different household — under the
    /// household method every roll entry is one; otherwise the head or the designated representative.
    static func checkHouseholdRepresentatives(_ db: Database, election: Election, entries: [RollEntry]) throws {
        var households = Set<Int64>()
        for entry in entries {
            guard let resident = try Resident.fetchOne(db, key: entry.residentID), let household = resident.householdID else {
                throw CommunityError.invalid(field: "nominators", reason: "roll number \(entry.number) belongs to no household")
            }
            if election.method != .household {
                let designated = try Int64.fetchOne(db, sql: "SELECT residentID FROM householdRepresentative WHERE electionID = ? AND householdID = ?",
                                                    arguments: [election.id, household])
                let isRepresentative = designated.map { $0 == resident.id } ?? (resident.relationToHead == "户主")
                guard isRepresentative else {
                    throw CommunityError.invalid(field: "nominators", reason: "roll number \(entry.number) (\(resident.name)) is not their household's representative")
                }
            }
            guard households.insert(household).inserted else {
                throw CommunityError.invalid(field: "nominators", reason: "roll number \(entry.number): one representative per household")
            }
        }
    }

    /// Group nominators: representatives of the named residents' group for this election,
    /// more than half of them.
    static func checkGroupRepresentatives(_ db: Database, election: Election, groupName: String, entries: [RollEntry]) throws -> Int64 {
        let name = groupName.trimmingCharacters(in: .whitespaces)
        guard let group = try ResidentsGroup.filter(Column("communityID") == election.communityID && Column("name") == name).fetchOne(db) else {
            throw CommunityError.invalid(field: "group", reason: "no residents' group \"\(name)\"")
        }
        let representatives = Set(try Int64.fetchAll(db, sql: "SELECT residentID FROM groupRepresentative WHERE electionID = ? AND residentsGroupID = ?",
                                                     arguments: [election.id, group.id]))
        guard !representatives.isEmpty else {
            throw CommunityError.invalid(field: "group", reason: "\(name) has no representatives for this election")
        }
        for entry in entries where !representatives.contains(entry.residentID) {
            throw CommunityError.invalid(field: "nominators", reason: "roll number \(entry.number) is not a representative of \(name)")
        }
        guard entries.count * 2 > representatives.count else {
            throw CommunityError.invalid(field: "nominators", reason: "more than half of \(name)'s \(representatives.count) representatives must nominate")
        }
        return group.id!
    }

    static func acceptedWithVotes(_ db: Database, _ electionID: Int64, _ post: Post) throws -> [(nominee: Int64, nominationVotes: Int)] {
        try Row.fetchAll(db, sql: """
            SELECT nominee.id, (SELECT count(DISTINCT nominator.rollEntryID) FROM nomination JOIN nominator ON nominator.nominationID = nomination.id
                                WHERE nomination.nomineeID = nominee.id) AS votes
            FROM nominee WHERE nominee.electionID = ? AND nominee.post = ? AND nominee.status = 'accepted'
              AND EXISTS (SELECT 1 FROM rollEntry WHERE rollEntry.electionID = nominee.electionID AND rollEntry.residentID = nominee.residentID AND rollEntry.active)
            """, arguments: [electionID, post.rawValue]).map { ($0["id"], $0["votes"]) }
    }

    static func primaryRounds(_ db: Database, _ electionID: Int64, _ post: Post) throws -> [(round: PrimaryRound, votes: [Primary.Line])] {
        try PrimaryRound.filter(Column("electionID") == electionID && Column("post") == post.rawValue).order(Column("round")).fetchAll(db).map { round in
            let votes = try Row.fetchAll(db, sql: "SELECT nomineeID, votes FROM primaryVote WHERE primaryRoundID = ? ORDER BY nomineeID", arguments: [round.id])
                .map { (nominee: $0["nomineeID"] as Int64, votes: $0["votes"] as Int) }
            return (round, votes)
        }
    }

    static func slate(_ db: Database, election: Election, post: Post) throws -> PostSlate {
        PostSlate.evaluate(post: post, rules: election.rules, accepted: try acceptedWithVotes(db, election.id!, post),
                           rounds: try primaryRounds(db, election.id!, post).map(\.votes))
    }
}
