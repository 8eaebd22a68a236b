import Community
import Foundation
import GRDB
import Notary

/// The annulment of a certified result (L25: a result obtained by violence, threats, bribery,
/// forged ballots or false counts is void). The election committee records the decision — the
/// street office's or its own — with the grounds, the reason and the decision's document
/// reference; the step issues a numbered election notice signed with the election key, which
/// the result page, the certificates, the board, the API and the public election record carry
/// (`annulment.json` and `annulment.sig` beside the frozen record). An annulment is final. The
/// seats are then elected again, in a new election.
extension AppDatabase {
    /// The election's annulment, or nil while its result stands.
    public func annulment(electionID: Int64) throws -> Annulment? {
        try reader.read { db in try Self.annulment(db, electionID: electionID) }
    }

    /// The annulment notice as signed (nil while the result stands).
    public func annulmentNotice(electionID: Int64) throws -> SignedNotice? {
        try reader.read { db in
            guard let annulment = try Self.annulment(db, electionID: electionID) else { return nil }
            return try Self.notices(db, electionID: electionID, number: annulment.noticeNumber).first
        }
    }

    static func annulment(_ db: Database, electionID: Int64) throws -> Annulment? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM resultAnnulment WHERE electionID = ?", arguments: [electionID]) else { return nil }
        return Annulment(electionID: electionID,
                         grounds: (row["grounds"] as String).split(separator: ",").compactMap { AnnulmentGround(rawValue: String($0)) },
                         reason: row["reason"], authority: AnnulmentAuthority(rawValue: row["authority"]) ?? .electionCommittee,
                         decidedBy: row["decidedBy"], reference: row["reference"], decidedOn: CivilDate(row["decidedOn"] as String) ?? .today(),
                         recordedBy: row["recordedBy"], noticeNumber: row["noticeNumber"])
    }

    /// Refuses a step that needs the result to stand.
    static func refuseIfAnnulled(_ db: Database, electionID: Int64) throws {
        if let annulment = try annulment(db, electionID: electionID) {
            throw StepRefusal("本次选举结果已于\(annulment.decidedOn)被宣布无效（选举公告第\(annulment.noticeNumber)号）",
                              "this election's result was declared void on \(annulment.decidedOn) (election notice No. \(annulment.noticeNumber))")
        }
    }

    /// Records the decision that the certified result is void and issues its notice. `grounds`:
    /// at least one of the law's; `reason`: what happened (1 to 2,000 characters); `authority`:
    /// the street office (named as the community's) or the election committee; `reference`:
    /// the decision's document reference; `decidedOn`: not before the certification, not after
    /// today. An annulment is final; a second one is refused.
    @discardableResult
    public func annulResult(electionID: Int64, grounds: [AnnulmentGround], reason: String, authority: AnnulmentAuthority, reference: String,
                            decidedOn: CivilDate = .today(), today: CivilDate = .today(), actor: Actor) throws -> (Annulment, SignedNotice) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let reference = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        let grounds = AnnulmentGround.allCases.filter(grounds.contains)
        guard !grounds.isEmpty else {
            throw StepRefusal(field: "grounds", "请选择无效的事由：暴力、威胁、贿赂、伪造选票或虚报选举票数",
                              "name the grounds: violence, threats, bribery, forged ballots or false counts")
        }
        guard !reason.isEmpty, reason.count <= 2000 else {
            throw StepRefusal(field: "reason", "请写明理由（1至2000字）", "give the reason (1 to 2,000 characters)")
        }
        guard !reason.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) && $0 != "\n" }) else {
            throw StepRefusal(field: "reason", "理由不能含有控制字符", "the reason must not contain control characters")
        }
        try Self.checkText(reference, field: "reference", max: 100, zh: "决定文号", en: "the decision's document reference")
        return try writer.write { db in
            guard let certifiedOn = try Self.certificationDay(db, electionID: electionID) else {
                throw StepRefusal("选举结果尚未确认，没有可宣布无效的结果", "the result is not certified: there is no result to declare void")
            }
            try Self.refuseIfAnnulled(db, electionID: electionID)
            try Self.checkDay(decidedOn, from: certifiedOn, field: "decidedOn", today: today)
            let election = try Self.fetchElection(db, electionID)
            guard let community = try Community.fetchOne(db, key: election.communityID) else { throw CommunityError.notFound("community") }
            let decidedBy = authority == .streetOffice ? community.streetOffice : NoticeText.issuer(community: community.name, language: .zh)
            let recorder: String
            if case .account(let id, _) = actor {
                recorder = try String.fetchOne(db, sql: "SELECT displayName FROM account WHERE id = ?", arguments: [id]) ?? actor.description
            } else {
                recorder = Self.commandLineRecorder
            }
            let facts = AnnulmentFacts(grounds: grounds, reason: reason, authority: authority, decidedBy: decidedBy, reference: reference,
                                       decidedOn: decidedOn.description)
            try AuditLog.append(db, actor: actor, action: "result.annul", subject: "election:\(electionID)", details: [
                "grounds": grounds.map(\.rawValue).joined(separator: ","), "authority": authority.rawValue, "decidedBy": decidedBy,
                "reference": reference, "decidedOn": decidedOn.description,
            ])
            let notice = try issueNotices(db, electionID: electionID, .annulment(facts))[0]
            try db.execute(sql: """
                INSERT INTO resultAnnulment (electionID, grounds, reason, authority, decidedBy, reference, decidedOn, recordedBy, noticeNumber)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [electionID, grounds.map(\.rawValue).joined(separator: ","), reason, authority.rawValue, decidedBy, reference,
                                 decidedOn.description, recorder, notice.notice.number])
            return (try Self.annulment(db, electionID: electionID)!, notice)
        }
    }
}
