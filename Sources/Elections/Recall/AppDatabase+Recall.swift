import Community
import Foundation
import GRDB

/// A box of a recall vote as the tellers entered it.
public struct RecallBox: Sendable, Equatable {
    /// A teller's entry.
    public struct Entry: Sendable, Equatable {
        public var teller: String
        public var count: RecallCount
        public var enteredAt: Date
    }

    public var number: Int
    public var name: String
    public var entries: [Entry]

    /// The count two different tellers entered alike while no teller entered another: the box's
    /// count; nil until then.
    public var agreed: RecallCount? {
        guard entries.count >= 2, let first = entries.first?.count, entries.allSatisfy({ $0.count == first }) else { return nil }
        return first
    }
}

extension AppDatabase {
    // MARK: The term's committee

    /// The committee of a certified election as it stands: the certified members less those
    /// recalled, its vacancies, and whether a by-election is due.
    public func termCommittee(electionID: Int64) throws -> TermCommittee {
        try reader.read { db in try Self.termCommittee(db, electionID: electionID) }
    }

    static func termCommittee(_ db: Database, electionID: Int64) throws -> TermCommittee {
        let election = try fetchElection(db, electionID)
        guard let certified = try certifiedResult(db, electionID: electionID) else {
            throw CommunityError.notAllowed("election \(electionID) has no certified result: its committee is not elected yet")
        }
        var recalled: [TermCommittee.Recall] = []
        for proposal in try recallProposals(db, electionID: electionID) where proposal.status == .decided {
            for person in proposal.outcome?.recalled ?? [] {
                guard let target = proposal.targets.first(where: { $0.person == person }) else { continue }
                recalled.append(.init(person: person, name: target.name, post: target.post, proposal: proposal.number, on: proposal.decidedOn ?? proposal.filedOn))
            }
        }
        let gone = Set(recalled.map(\.person))
        var members = certified.statement.elected.filter { !gone.contains($0.person) }
        var vacant: [Post: Int] = [:]
        for figure in certified.statement.vacant where figure.count > 0 { vacant[figure.post, default: 0] += figure.count }
        for recall in recalled { vacant[recall.post, default: 0] += 1 }
        // Members by-elected since fill their seats (a certified by-election of this term).
        var filledOn: CivilDate?
        for byElection in try byElections(db, termElectionID: electionID) {
            guard let result = try certifiedResult(db, electionID: byElection.id!) else { continue }
            for winner in result.statement.elected where !gone.contains(winner.person) {
                members.append(winner)
                vacant[winner.post, default: 0] -= 1
            }
            filledOn = CivilDate(String(result.statement.at.prefix(10)))
        }
        vacant = vacant.filter { $0.value > 0 }
        members = Post.allCases.flatMap { post in members.filter { $0.post == post } }
        let rule = ByElectionRule(rules: election.rules)
        let vacantSince = [recalled.map(\.on).max(), filledOn].compactMap { $0 }.max() ?? (vacant.isEmpty ? nil : CivilDate(String(certified.statement.at.prefix(10))))
        return TermCommittee(election: electionID, members: members, recalled: recalled, vacant: vacant,
                             seats: election.rules.committeeSize, termEnds: rule.termEnds(electionDay: election.electionDay),
                             byElection: rule.need(remaining: members.count, vacancies: vacant.values.reduce(0, +), vacantSince: vacantSince))
    }

    // MARK: Proposals

    /// Files a recall proposal against `members` (resident ids) of the term's certified
    /// committee, with written reasons. Its signatories are the people the term's roll lists
    /// (voters, household representatives or residents' representatives, by the election's
    /// method); the threshold is fixed from the roll as it stands now.
    @discardableResult
    public func proposeRecall(electionID: Int64, members: [Int64], reasons: String, proposer: String,
                              on date: CivilDate = .today(), actor: Actor) throws -> RecallProposal {
        let reasons = reasons.trimmingCharacters(in: .whitespacesAndNewlines)
        let proposer = proposer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (10...5000).contains(reasons.count) else {
            throw CommunityError.invalid(field: "reasons", reason: "a recall needs its reasons in writing (10 to 5,000 characters)")
        }
        guard (1...100).contains(proposer.count) else { throw CommunityError.invalid(field: "proposer", reason: "who files the proposal (1 to 100 characters)") }
        guard !members.isEmpty, Set(members).count == members.count else {
            throw CommunityError.invalid(field: "members", reason: "one or more members of the committee, each once")
        }
        return try writer.write { db in
            let election = try Self.fetchElection(db, electionID)
            let committee = try Self.termCommittee(db, electionID: electionID)
            var targets: [RecallProposal.Target] = []
            for person in members {
                guard let member = committee.members.first(where: { $0.person == person }) else {
                    throw CommunityError.invalid(field: "members", reason: "\(person) is not a serving member of this term's committee")
                }
                if let open = try Int.fetchOne(db, sql: """
                    SELECT p.number FROM recallTarget t JOIN recallProposal p ON p.id = t.proposalID
                    WHERE p.electionID = ? AND t.person = ? AND p.status != 'decided'
                    """, arguments: [electionID, person]) {
                    throw CommunityError.notAllowed("\(member.name) is already proposed for recall in proposal No. \(open), which is not decided yet")
                }
                targets.append(.init(person: person, name: member.name, post: member.post))
            }
            let signatories = RecallSignatories(method: election.method)
            let base = try Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [electionID]) ?? 0
            guard base > 0 else { throw CommunityError.notAllowed("the term's roll has no active entries") }
            let needed = RecallRule(rules: election.rules).signaturesNeeded(signatories, base: base)
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM recallProposal WHERE electionID = ?", arguments: [electionID]) ?? 0) + 1
            try db.execute(sql: """
                INSERT INTO recallProposal (electionID, number, signatories, reasons, proposer, filedOn, base, needed, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'collecting')
                """, arguments: [electionID, number, signatories.rawValue, reasons, proposer, date.description, base, needed])
            let id = db.lastInsertedRowID
            for (position, target) in targets.enumerated() {
                try db.execute(sql: "INSERT INTO recallTarget (proposalID, person, name, post, position) VALUES (?, ?, ?, ?, ?)",
                               arguments: [id, target.person, target.name, target.post.rawValue, position])
            }
            try AuditLog.append(db, actor: actor, action: "recall.propose", subject: "election:\(electionID)", details: [
                "number": String(number), "members": members.map(String.init).joined(separator: ","), "needed": String(needed), "base": String(base),
            ])
            return try Self.recallProposal(db, electionID: electionID, number: number)!
        }
    }

    /// Counts the signatures of the proposal's signatories, by roll number, all or nothing: each
    /// must be an active entry of the term's roll and not have signed this proposal before.
    /// When the signatures reach the threshold the proposal goes to the committee: the vote is
    /// due within `recallWithinDays`, and the proposal, its reasons and the replies so far are
    /// published as an election notice.
    @discardableResult
    public func addRecallSignatures(electionID: Int64, number: Int, rollNumbers: [Int], on date: CivilDate = .today(), actor: Actor) throws -> RecallProposal {
        guard !rollNumbers.isEmpty else { throw CommunityError.invalid(field: "rollNumbers", reason: "one or more roll numbers") }
        if let twice = Dictionary(grouping: rollNumbers, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw CommunityError.invalid(field: "rollNumbers", reason: "roll number \(twice) is listed twice: each signatory counts once")
        }
        return try writer.write { db in
            let proposal = try Self.requireRecall(db, electionID: electionID, number: number)
            guard proposal.status == .collecting || proposal.status == .submitted else {
                throw CommunityError.notAllowed("proposal No. \(number) is \(proposal.status.english): signatures are no longer collected")
            }
            let id = try Self.recallID(db, electionID: electionID, number: number)
            for rollNumber in rollNumbers {
                guard let entry = try Self.activeEntry(db, electionID, number: rollNumber) else {
                    throw CommunityError.invalid(field: "rollNumbers", reason: "\(rollNumber) is not an active entry of the term's roll")
                }
                if try Int.fetchOne(db, sql: "SELECT 1 FROM recallSignature WHERE proposalID = ? AND rollEntryID = ?", arguments: [id, entry.id!]) != nil {
                    throw CommunityError.invalid(field: "rollNumbers", reason: "roll number \(rollNumber) has already signed proposal No. \(number)")
                }
                try db.execute(sql: "INSERT INTO recallSignature (proposalID, rollEntryID, signedOn) VALUES (?, ?, ?)",
                               arguments: [id, entry.id!, date.description])
            }
            try AuditLog.append(db, actor: actor, action: "recall.sign", subject: "election:\(electionID)", details: [
                "number": String(number), "signatures": String(rollNumbers.count),
            ])
            var updated = try Self.recallProposal(db, electionID: electionID, number: number)!
            if updated.status == .collecting && updated.isReached {
                let election = try Self.fetchElection(db, electionID)
                let deadline = RecallRule(rules: election.rules).voteDeadline(reachedOn: date)
                try db.execute(sql: "UPDATE recallProposal SET status = 'submitted', reachedOn = ?, voteDeadline = ? WHERE id = ?",
                               arguments: [date.description, deadline.description, id])
                try AuditLog.append(db, actor: .system, action: "recall.submit", subject: "election:\(electionID)", details: [
                    "number": String(number), "signatures": String(updated.signatures), "voteDeadline": deadline.description,
                ])
                try issueNotices(db, electionID: electionID, .recallProposal(number: number), on: date)
                updated = try Self.recallProposal(db, electionID: electionID, number: number)!
            }
            return updated
        }
    }

    /// Records a member's written reply (申辩意见) to the proposal; it is published with the
    /// proposal (its page, and the vote's notice). A member may reply until the vote is counted;
    /// a later reply replaces an earlier one (both stay in the audit log).
    @discardableResult
    public func recordRecallReply(electionID: Int64, number: Int, member: Int64, text: String, on date: CivilDate = .today(), actor: Actor) throws -> RecallProposal {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...5000).contains(text.count) else { throw CommunityError.invalid(field: "reply", reason: "the member's written reply (1 to 5,000 characters)") }
        return try writer.write { db in
            let proposal = try Self.requireRecall(db, electionID: electionID, number: number)
            guard proposal.status != .decided else { throw CommunityError.notAllowed("proposal No. \(number) is decided: its replies are closed") }
            guard proposal.targets.contains(where: { $0.person == member }) else {
                throw CommunityError.invalid(field: "member", reason: "\(member) is not proposed for recall in proposal No. \(number)")
            }
            let id = try Self.recallID(db, electionID: electionID, number: number)
            try db.execute(sql: "UPDATE recallTarget SET reply = ?, repliedOn = ? WHERE proposalID = ? AND person = ?",
                           arguments: [text, date.description, id, member])
            try AuditLog.append(db, actor: actor, action: "recall.reply", subject: "election:\(electionID)", details: [
                "number": String(number), "member": String(member), "text": text,
            ])
            return try Self.recallProposal(db, electionID: electionID, number: number)!
        }
    }

    /// Arranges the recall vote of a submitted proposal on `heldOn` (no later than its deadline):
    /// the turnout base (the term's active roll) is fixed, and the vote's notice issued — the
    /// members, the reasons, their replies, the paper's three choices and the rule.
    @discardableResult
    public func openRecallVote(electionID: Int64, number: Int, heldOn: CivilDate, on date: CivilDate = .today(), actor: Actor) throws -> RecallProposal {
        try writer.write { db in
            let proposal = try Self.requireRecall(db, electionID: electionID, number: number)
            guard proposal.status == .submitted, let reached = proposal.reachedOn, let deadline = proposal.voteDeadline else {
                throw CommunityError.notAllowed("proposal No. \(number) is \(proposal.status.english): only a proposal that reached its threshold is put to the vote")
            }
            guard heldOn >= reached && heldOn >= date else {
                throw CommunityError.invalid(field: "heldOn", reason: "the vote is held from \(max(reached, date)) on")
            }
            guard heldOn <= deadline else {
                throw CommunityError.invalid(field: "heldOn", reason: "the vote must be held by \(deadline) (within the rule set's recallWithinDays of \(reached))")
            }
            let rollSize = try Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [electionID]) ?? 0
            let id = try Self.recallID(db, electionID: electionID, number: number)
            try db.execute(sql: "UPDATE recallProposal SET status = 'voting', heldOn = ?, rollSize = ? WHERE id = ?",
                           arguments: [heldOn.description, rollSize, id])
            try AuditLog.append(db, actor: actor, action: "recall.vote.open", subject: "election:\(electionID)", details: [
                "number": String(number), "heldOn": heldOn.description, "rollSize": String(rollSize),
            ])
            try issueNotices(db, electionID: electionID, .recallVote(number: number), on: date)
            return try Self.recallProposal(db, electionID: electionID, number: number)!
        }
    }

    /// A teller's count of one box of the recall vote (the box is counted by two tellers: its
    /// count is what two different tellers entered alike). A teller may enter their count again
    /// until the vote is closed; it replaces their earlier one.
    public func enterRecallCount(electionID: Int64, number: Int, box: Int, boxName: String, teller: String, count: RecallCount,
                                 now: Date = AppClock.now(), actor: Actor) throws {
        let boxName = boxName.trimmingCharacters(in: .whitespacesAndNewlines)
        let teller = teller.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...99).contains(box) else { throw CommunityError.invalid(field: "box", reason: "a box number from 1 to 99") }
        guard (1...100).contains(boxName.count) else { throw CommunityError.invalid(field: "boxName", reason: "the box's name (1 to 100 characters)") }
        guard (1...100).contains(teller.count) else { throw CommunityError.invalid(field: "teller", reason: "who counted (1 to 100 characters)") }
        try writer.write { db in
            let proposal = try Self.requireRecall(db, electionID: electionID, number: number)
            guard proposal.status == .voting else { throw CommunityError.notAllowed("proposal No. \(number) is \(proposal.status.english): no vote is being counted") }
            try count.validate(members: proposal.targets.map(\.person))
            let id = try Self.recallID(db, electionID: electionID, number: number)
            if let other = try String.fetchOne(db, sql: "SELECT boxName FROM recallCount WHERE proposalID = ? AND box = ? LIMIT 1", arguments: [id, box]),
               other != boxName {
                throw CommunityError.invalid(field: "boxName", reason: "box \(box) is named \(other)")
            }
            let normalized = RecallCount(issued: count.issued, collected: count.collected, invalid: count.invalid,
                                         marks: proposal.targets.map { t in count.marks.first { $0.member == t.person }! })
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try db.execute(sql: """
                INSERT INTO recallCount (proposalID, box, boxName, teller, countJSON, enteredAt) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (proposalID, box, teller) DO UPDATE SET countJSON = excluded.countJSON, enteredAt = excluded.enteredAt
                """, arguments: [id, box, boxName, teller, String(decoding: try encoder.encode(normalized), as: UTF8.self), now])
            try AuditLog.append(db, actor: actor, action: "recall.count", subject: "election:\(electionID)", details: RecallCountAudit(
                number: number, box: box, teller: teller, count: normalized))
        }
    }

    /// Counts the vote: every box must have its two tellers' agreeing count. The result
    /// (`RecallTally`) is stored and announced; members recalled leave the committee, and the
    /// term's by-election need is recomputed from then.
    @discardableResult
    public func closeRecallVote(electionID: Int64, number: Int, on date: CivilDate = .today(), actor: Actor) throws -> RecallProposal {
        try writer.write { db in
            let proposal = try Self.requireRecall(db, electionID: electionID, number: number)
            guard proposal.status == .voting, let heldOn = proposal.heldOn else {
                throw CommunityError.notAllowed("proposal No. \(number) is \(proposal.status.english): no vote is being counted")
            }
            guard date >= heldOn else { throw CommunityError.notAllowed("the vote is held on \(heldOn): it is counted from that day") }
            let boxes = try Self.recallBoxes(db, electionID: electionID, number: number)
            guard !boxes.isEmpty else { throw CommunityError.notAllowed("no box of the vote has been counted") }
            var counts: [RecallCount] = []
            for box in boxes {
                guard let agreed = box.agreed else {
                    throw CommunityError.notAllowed("box \(box.number) (\(box.name)) needs two tellers' counts that agree (now: \(box.entries.map(\.teller).joined(separator: ", ")))")
                }
                counts.append(agreed)
            }
            let election = try Self.fetchElection(db, electionID)
            let id = try Self.recallID(db, electionID: electionID, number: number)
            let rollSize = try Int.fetchOne(db, sql: "SELECT rollSize FROM recallProposal WHERE id = ?", arguments: [id]) ?? 0
            let outcome = try RecallRule(rules: election.rules).decide(rollSize: rollSize, members: proposal.targets.map(\.person), boxes: counts)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try db.execute(sql: "UPDATE recallProposal SET status = 'decided', outcomeJSON = ?, decidedOn = ? WHERE id = ?",
                           arguments: [String(decoding: try encoder.encode(outcome), as: UTF8.self), date.description, id])
            try AuditLog.append(db, actor: actor, action: "recall.decide", subject: "election:\(electionID)", details: [
                "number": String(number), "voted": String(outcome.voted), "recalled": outcome.recalled.map(String.init).joined(separator: ","),
            ])
            try issueNotices(db, electionID: electionID, .recallResult(number: number), on: date)
            return try Self.recallProposal(db, electionID: electionID, number: number)!
        }
    }

    // MARK: Reading

    /// The term's recall proposals in number order.
    public func recallProposals(electionID: Int64) throws -> [RecallProposal] {
        try reader.read { db in try Self.recallProposals(db, electionID: electionID) }
    }

    /// One proposal, or nil.
    public func recallProposal(electionID: Int64, number: Int) throws -> RecallProposal? {
        try reader.read { db in try Self.recallProposal(db, electionID: electionID, number: number) }
    }

    /// The boxes of a proposal's vote with each teller's count (for the committee; the public
    /// sees the figures once the vote is decided).
    public func recallBoxes(electionID: Int64, number: Int) throws -> [RecallBox] {
        try reader.read { db in try Self.recallBoxes(db, electionID: electionID, number: number) }
    }

    static func recallProposals(_ db: Database, electionID: Int64) throws -> [RecallProposal] {
        try Int.fetchAll(db, sql: "SELECT number FROM recallProposal WHERE electionID = ? ORDER BY number", arguments: [electionID])
            .compactMap { try recallProposal(db, electionID: electionID, number: $0) }
    }

    static func recallID(_ db: Database, electionID: Int64, number: Int) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM recallProposal WHERE electionID = ? AND number = ?", arguments: [electionID, number]) else {
            throw CommunityError.notFound("recall proposal No. \(number) of election \(electionID)")
        }
        return id
    }

    static func requireRecall(_ db: Database, electionID: Int64, number: Int) throws -> RecallProposal {
        guard let proposal = try recallProposal(db, electionID: electionID, number: number) else {
            throw CommunityError.notFound("recall proposal No. \(number) of election \(electionID)")
        }
        return proposal
    }

    static func recallProposal(_ db: Database, electionID: Int64, number: Int) throws -> RecallProposal? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM recallProposal WHERE electionID = ? AND number = ?", arguments: [electionID, number]) else {
            return nil
        }
        let id: Int64 = row["id"]
        func date(_ column: String) -> CivilDate? { (row[column] as String?).flatMap(CivilDate.init) }
        let targets = try Row.fetchAll(db, sql: "SELECT * FROM recallTarget WHERE proposalID = ? ORDER BY position", arguments: [id]).map { t in
            RecallProposal.Target(person: t["person"], name: t["name"], post: Post(rawValue: t["post"]) ?? .member,
                                  reply: t["reply"], repliedOn: (t["repliedOn"] as String?).flatMap(CivilDate.init))
        }
        let signatures = try Int.fetchOne(db, sql: "SELECT count(*) FROM recallSignature WHERE proposalID = ?", arguments: [id]) ?? 0
        let outcome = try (row["outcomeJSON"] as String?).map { try JSONDecoder().decode(RecallOutcome.self, from: Data($0.utf8)) }
        return RecallProposal(election: electionID, number: number, signatories: RecallSignatories(rawValue: row["signatories"]) ?? .voters,
                              reasons: row["reasons"], proposer: row["proposer"], filedOn: date("filedOn") ?? CivilDate.today(),
                              base: row["base"], needed: row["needed"], signatures: signatures,
                              status: RecallProposal.Status(rawValue: row["status"]) ?? .collecting,
                              reachedOn: date("reachedOn"), voteDeadline: date("voteDeadline"), heldOn: date("heldOn"),
                              outcome: outcome, decidedOn: date("decidedOn"), targets: targets)
    }

    static func recallBoxes(_ db: Database, electionID: Int64, number: Int) throws -> [RecallBox] {
        let id = try recallID(db, electionID: electionID, number: number)
        var boxes: [RecallBox] = []
        for row in try Row.fetchAll(db, sql: "SELECT * FROM recallCount WHERE proposalID = ? ORDER BY box, teller", arguments: [id]) {
            let entry = RecallBox.Entry(teller: row["teller"], count: try JSONDecoder().decode(RecallCount.self, from: Data((row["countJSON"] as String).utf8)),
                                        enteredAt: row["enteredAt"])
            let number: Int = row["box"]
            if boxes.last?.number == number { boxes[boxes.count - 1].entries.append(entry) } else {
                boxes.append(RecallBox(number: number, name: row["boxName"], entries: [entry]))
            }
        }
        return boxes
    }
}

/// What the audit log records of a teller's count.
struct RecallCountAudit: Encodable {
    let number: Int
    let box: Int
    let teller: String
    let count: RecallCount
}
