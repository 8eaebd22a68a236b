import Community
import Foundation
import GRDB
import Notary

/// The handover (工作移交, L25: "工作移交由居民选举委员会主持"): after the result is certified the
/// election committee opens a checklist (seal, accounts, assets, files, ledgers, and whatever
/// else it adds), records the outgoing committee's and the incoming 主任's signatures, and
/// confirms the handover, which issues a numbered election notice signed with the election key.
/// It is due within the rule set's `handoverDays` of the certification (`HandoverRule`); past that it is shown overdue,
/// and a late completion says so on its notice.
extension AppDatabase {
    // MARK: Reading

    /// The election's handover, or nil before the election committee opened it.
    public func handover(electionID: Int64) throws -> Handover? {
        try reader.read { db in try Self.handover(db, electionID: electionID) }
    }

    /// The outgoing committee's members: those elected by the community's previous certified
    /// (and not annulled) election, or none when this database holds no earlier term.
    public func outgoingMembers(electionID: Int64) throws -> [OutgoingMember] {
        try reader.read { db in try Self.outgoingMembers(db, electionID: electionID) }
    }

    /// The certification day (China date) of a certified result, or nil.
    public func certificationDay(electionID: Int64) throws -> CivilDate? {
        try reader.read { db in try Self.certificationDay(db, electionID: electionID) }
    }

    /// The last day of the handover of a certified result (nil before certification).
    public func handoverDeadline(electionID: Int64) throws -> CivilDate? {
        try reader.read { db in
            try Self.certificationDay(db, electionID: electionID).map {
                HandoverRule.deadline(certifiedOn: $0, days: try Self.fetchElection(db, electionID).rules.handoverDays)
            }
        }
    }

    static func certificationDay(_ db: Database, electionID: Int64) throws -> CivilDate? {
        try Date.fetchOne(db, sql: "SELECT createdAt FROM resultStatement WHERE electionID = ?", arguments: [electionID]).map { CivilDate.today(now: $0) }
    }

    static func handover(_ db: Database, electionID: Int64) throws -> Handover? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM handover WHERE electionID = ?", arguments: [electionID]) else { return nil }
        let items = try Row.fetchAll(db, sql: "SELECT * FROM handoverItem WHERE electionID = ? ORDER BY seq", arguments: [electionID]).map { row in
            HandoverItem(seq: row["seq"], category: HandoverCategory(rawValue: row["category"]) ?? .other, description: row["description"],
                         quantity: row["quantity"], remarks: row["remarks"])
        }
        var signOffs: [HandoverSide: HandoverSignOff] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM handoverSignOff WHERE electionID = ?", arguments: [electionID]) {
            guard let side = HandoverSide(rawValue: row["side"]), let post = Post(rawValue: row["post"]), let day = CivilDate(row["signedOn"] as String) else { continue }
            signOffs[side] = HandoverSignOff(side: side, name: row["name"], post: post, person: row["person"], signedOn: day, recordedBy: row["recordedBy"])
        }
        return Handover(electionID: electionID, certifiedOn: CivilDate(row["certifiedOn"] as String) ?? .today(),
                        days: try fetchElection(db, electionID).rules.handoverDays, openedOn: CivilDate(row["openedOn"] as String) ?? .today(),
                        items: items, outgoing: signOffs[.outgoing], incoming: signOffs[.incoming],
                        completedOn: (row["completedOn"] as String?).flatMap(CivilDate.init), presidedBy: row["presidedBy"], noticeNumber: row["noticeNumber"])
    }

    static func outgoingMembers(_ db: Database, electionID: Int64) throws -> [OutgoingMember] {
        let election = try fetchElection(db, electionID)
        guard let previous = try Int64.fetchOne(db, sql: """
            SELECT e.id FROM election e JOIN resultStatement s ON s.electionID = e.id
            WHERE e.communityID = ? AND e.id <> ? AND e.electionDay < ?
              AND NOT EXISTS (SELECT 1 FROM resultAnnulment a WHERE a.electionID = e.id)
            ORDER BY e.electionDay DESC, e.id DESC LIMIT 1
            """, arguments: [election.communityID, electionID, election.electionDay.description]),
            let certified = try certifiedResult(db, electionID: previous) else { return [] }
        return certified.statement.elected.sorted { $0.post < $1.post }.map { OutgoingMember(person: $0.person, name: $0.name, post: $0.post) }
    }

    // MARK: Steps

    /// The election committee opens the handover checklist of a certified result.
    @discardableResult
    public func openHandover(electionID: Int64, on day: CivilDate = .today(), today: CivilDate = .today(), actor: Actor) throws -> Handover {
        try writer.write { db in
            guard let certifiedOn = try Self.certificationDay(db, electionID: electionID) else {
                throw StepRefusal("选举结果尚未确认：结果确认后才能进行工作移交", "the result is not certified yet: the handover follows the certified result")
            }
            try Self.refuseIfAnnulled(db, electionID: electionID)
            guard try Self.handover(db, electionID: electionID) == nil else {
                throw StepRefusal("本次选举的工作移交清单已经建立", "the handover checklist of this election is already open")
            }
            try Self.checkDay(day, from: certifiedOn, field: "openedOn", today: today)
            let recorder = try Self.committeeMemberName(db, electionID: electionID, actor: actor)
            try db.execute(sql: "INSERT INTO handover (electionID, certifiedOn, openedOn) VALUES (?, ?, ?)",
                           arguments: [electionID, certifiedOn.description, day.description])
            try AuditLog.append(db, actor: actor, action: "handover.open", subject: "election:\(electionID)", details: [
                "deadline": HandoverRule.deadline(certifiedOn: certifiedOn, days: try Self.fetchElection(db, electionID).rules.handoverDays).description, "by": recorder,
            ])
            return try Self.handover(db, electionID: electionID)!
        }
    }

    /// Adds a line to the checklist (before anyone signs: a signature covers the list as it is).
    @discardableResult
    public func addHandoverItem(electionID: Int64, category: HandoverCategory, description: String, quantity: String, remarks: String = "",
                                actor: Actor) throws -> Handover {
        let description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        let quantity = quantity.trimmingCharacters(in: .whitespacesAndNewlines)
        let remarks = remarks.trimmingCharacters(in: .whitespacesAndNewlines)
        try Self.checkText(description, field: "description", max: 200, zh: "移交事项", en: "what is handed over")
        try Self.checkText(quantity, field: "quantity", max: 100, zh: "数量", en: "the quantity")
        try Self.checkText(remarks, field: "remarks", max: 500, zh: "备注", en: "the remarks", optional: true)
        return try writer.write { db in
            let handover = try Self.openHandover(db, electionID: electionID)
            guard !handover.isSigned else {
                throw StepRefusal("已有一方签字，移交清单不能再增加事项", "a committee has signed: the checklist can no longer change")
            }
            _ = try Self.committeeMemberName(db, electionID: electionID, actor: actor)
            let seq = (handover.items.map(\.seq).max() ?? 0) + 1
            try db.execute(sql: "INSERT INTO handoverItem (electionID, seq, category, description, quantity, remarks) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [electionID, seq, category.rawValue, description, quantity, remarks])
            try AuditLog.append(db, actor: actor, action: "handover.item", subject: "election:\(electionID)", details: [
                "seq": String(seq), "category": category.rawValue, "description": description, "quantity": quantity,
            ])
            return try Self.handover(db, electionID: electionID)!
        }
    }

    /// Records a committee's signature on the checklist. The incoming side is signed by the
    /// incoming 主任 of this result (another elected member only while the 主任 seat is vacant);
    /// the outgoing side by the outgoing 主任 or a member — one of the previous term's elected
    /// members when this database holds that term (`person`), otherwise by name and post.
    @discardableResult
    public func signHandover(electionID: Int64, side: HandoverSide, person: Int64? = nil, name: String? = nil, post: Post? = nil,
                             on day: CivilDate = .today(), today: CivilDate = .today(), actor: Actor) throws -> Handover {
        try writer.write { db in
            let handover = try Self.openHandover(db, electionID: electionID)
            let recorder = try Self.committeeMemberName(db, electionID: electionID, actor: actor)
            let missing = handover.missingCategories
            guard missing.isEmpty else {
                throw StepRefusal(field: "category", "移交清单还缺少：\(missing.map(\.chinese).joined(separator: "、"))（没有的也要列明“无”）",
                                  "the checklist has no line yet for: \(missing.map(\.english).joined(separator: ", ")) (write a line saying there is none where so)")
            }
            guard (side == .outgoing ? handover.outgoing : handover.incoming) == nil else {
                throw StepRefusal(field: "side", "\(side.chinese)已经签字", "\(side.english) has already signed")
            }
            try Self.checkDay(day, from: handover.openedOn, field: "signedOn", today: today)
            let signer: (name: String, post: Post, person: Int64?)
            switch side {
            case .incoming:
                guard let certified = try Self.certifiedResult(db, electionID: electionID) else { throw CommunityError.notFound("certified result") }
                let directors = certified.statement.elected.filter { $0.post == .director }
                let eligible = directors.isEmpty ? certified.statement.elected : directors
                guard let person, let winner = eligible.first(where: { $0.person == person }) else {
                    let names = eligible.map { "\($0.name)（\($0.post.chinese)）" }.joined(separator: "、")
                    throw StepRefusal(field: "person", "接收方由新一届居民委员会主任签字：\(names)",
                                      "the incoming committee signs by its director: \(eligible.map { "\($0.name) (\($0.post.english))" }.joined(separator: ", "))")
                }
                signer = (winner.name, winner.post, winner.person)
            case .outgoing:
                let members = try Self.outgoingMembers(db, electionID: electionID)
                if members.isEmpty {
                    let name = (name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                    try Self.checkText(name, field: "name", max: 50, zh: "签字人姓名", en: "the signer's name")
                    guard let post else { throw StepRefusal(field: "post", "请选择签字人在原居民委员会的职务", "give the signer's post on the outgoing committee") }
                    signer = (name, post, nil)
                } else {
                    guard let person, let member = members.first(where: { $0.person == person }) else {
                        throw StepRefusal(field: "person", "移交方由原居民委员会主任或成员签字：\(members.map { "\($0.name)（\($0.post.chinese)）" }.joined(separator: "、"))",
                                          "the outgoing committee signs by its director or a member: \(members.map { "\($0.name) (\($0.post.english))" }.joined(separator: ", "))")
                    }
                    signer = (member.name, member.post, member.person)
                }
            }
            try db.execute(sql: "INSERT INTO handoverSignOff (electionID, side, name, post, person, signedOn, recordedBy) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [electionID, side.rawValue, signer.name, signer.post.rawValue, signer.person, day.description, recorder])
            try AuditLog.append(db, actor: actor, action: "handover.sign", subject: "election:\(electionID)", details: [
                "side": side.rawValue, "name": signer.name, "post": signer.post.rawValue, "on": day.description,
            ])
            return try Self.handover(db, electionID: electionID)!
        }
    }

    /// The election committee confirms the handover both committees signed: the member who
    /// presided (`presidingMember`, an active member of this election's committee; by default
    /// the member whose account acts) is named, and the handover notice is issued, signed with
    /// the election key.
    @discardableResult
    public func confirmHandover(electionID: Int64, presidingMember: Int64? = nil, on day: CivilDate = .today(), today: CivilDate = .today(), actor: Actor) throws -> (Handover, SignedNotice) {
        try writer.write { db in
            let handover = try Self.openHandover(db, electionID: electionID)
            guard let outgoing = handover.outgoing, let incoming = handover.incoming else {
                throw StepRefusal("移交双方尚未都签字", "both committees must sign the checklist first")
            }
            try Self.checkDay(day, from: max(outgoing.signedOn, incoming.signedOn), field: "completedOn", today: today)
            let presiding: String
            if let presidingMember {
                guard let name = try String.fetchOne(db, sql: """
                    SELECT r.name FROM electionCommitteeMember m JOIN resident r ON r.id = m.residentID WHERE m.id = ? AND m.electionID = ? AND m.active
                    """, arguments: [presidingMember, electionID]) else {
                    throw StepRefusal(field: "member", "第\(presidingMember)号不是本次选举委员会的在任成员", "member \(presidingMember) is not a serving member of this election's committee")
                }
                presiding = name
            } else {
                guard case .account = actor else {
                    throw StepRefusal(field: "member", "请指明主持移交的选举委员会成员", "name the election committee member who presided")
                }
                presiding = try Self.committeeMemberName(db, electionID: electionID, actor: actor)
            }
            try db.execute(sql: "UPDATE handover SET completedOn = ?, presidedBy = ? WHERE electionID = ?",
                           arguments: [day.description, presiding, electionID])
            let facts = HandoverFacts(
                certifiedOn: handover.certifiedOn.description, deadline: handover.deadline.description, completedOn: day.description,
                late: day > handover.deadline, presidedBy: presiding, items: handover.items,
                outgoing: .init(name: outgoing.name, post: outgoing.post, signedOn: outgoing.signedOn.description),
                incoming: .init(name: incoming.name, post: incoming.post, signedOn: incoming.signedOn.description))
            try AuditLog.append(db, actor: actor, action: "handover.complete", subject: "election:\(electionID)", details: [
                "on": day.description, "presidedBy": presiding, "late": day > handover.deadline ? "yes" : "no",
            ])
            let notice = try issueNotices(db, electionID: electionID, .handover(facts), on: day)[0]
            try db.execute(sql: "UPDATE handover SET noticeNumber = ? WHERE electionID = ?", arguments: [notice.notice.number, electionID])
            return (try Self.handover(db, electionID: electionID)!, notice)
        }
    }

    // MARK: Rules

    /// What `recordedBy` says when the command line recorded a step (pages show it in their language).
    public static let commandLineRecorder = "cli"

    /// The open (not yet confirmed) handover of an election whose result stands.
    static func openHandover(_ db: Database, electionID: Int64) throws -> Handover {
        try refuseIfAnnulled(db, electionID: electionID)
        guard let handover = try handover(db, electionID: electionID) else {
            throw StepRefusal("工作移交清单尚未建立", "the handover checklist is not open yet")
        }
        guard handover.completedOn == nil else {
            throw StepRefusal("工作移交已经确认完成", "the handover is already confirmed")
        }
        return handover
    }

    /// The name of the election committee member acting: an account must be a serving member
    /// of this election's committee (the election committee presides over the handover); the
    /// command line acts for the committee.
    static func committeeMemberName(_ db: Database, electionID: Int64, actor: Actor) throws -> String {
        guard case .account(let id, let username) = actor else { return Self.commandLineRecorder }
        guard let name = try String.fetchOne(db, sql: """
            SELECT r.name FROM electionCommitteeMember m JOIN resident r ON r.id = m.residentID WHERE m.electionID = ? AND m.accountID = ? AND m.active
            """, arguments: [electionID, id]) else {
            throw StepRefusal("账户 \(username) 不是本次选举委员会的在任成员：工作移交由居民选举委员会主持",
                              "account \(username) is not a serving member of this election's committee, which presides over the handover")
        }
        return name
    }

    /// A step's day: not before `from`, not after today.
    static func checkDay(_ day: CivilDate, from: CivilDate, field: String, today: CivilDate) throws {
        guard day <= today else { throw StepRefusal(field: field, "日期 \(day) 晚于今天", "\(day) is after today") }
        guard day >= from else { throw StepRefusal(field: field, "日期 \(day) 早于 \(from)", "\(day) is before \(from)") }
    }

    /// Text of a form field: 1 to `max` characters (or empty when optional), no control characters.
    static func checkText(_ text: String, field: String, max: Int, zh: String, en: String, optional: Bool = false) throws {
        if text.isEmpty, optional { return }
        guard !text.isEmpty, text.count <= max else {
            throw StepRefusal(field: field, "请填写\(zh)（不超过\(max)个字）", "give \(en) (1 to \(max) characters)")
        }
        guard !text.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw StepRefusal(field: field, "\(zh)不能含有控制字符或换行", "\(en) must not contain control characters or line breaks")
        }
    }
}
