import Community
import Foundation
import GRDB
import Notary

/// A new objection as submitted on the public form.
public struct NewObjection: Sendable {
    public var filerName: String
    public var filerContact: String?
    public var kind: Objection.Kind
    public var subject: String
    public var statement: String

    public init(filerName: String, filerContact: String?, kind: Objection.Kind, subject: String, statement: String) {
        self.filerName = filerName
        self.filerContact = filerContact
        self.kind = kind
        self.subject = subject
        self.statement = statement
    }
}

extension AppDatabase {
    /// Files an objection to a published roll within `objectionDays` of publication and returns
    /// it with a receipt signed by the election key. Anyone may object.
    public func fileObjection(electionID: Int64, _ new: NewObjection, signingKey: Ed25519PrivateKey,
                              now: Date = AppClock.now(), actor: Actor) throws -> (Objection, SignedReceipt) {
        let filer = new.filerName.trimmingCharacters(in: .whitespaces)
        let subject = new.subject.trimmingCharacters(in: .whitespaces)
        let statement = new.statement.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !filer.isEmpty, filer.count <= 50 else { throw CommunityError.invalid(field: "filerName", reason: "your name, 1 to 50 characters") }
        guard !subject.isEmpty, subject.count <= 200 else { throw CommunityError.invalid(field: "subject", reason: "whom the objection is about, 1 to 200 characters") }
        guard !statement.isEmpty, statement.count <= 2000 else { throw CommunityError.invalid(field: "statement", reason: "the facts and reasons, 1 to 2,000 characters") }
        let today = CivilDate.today(now: now)
        return try writer.write { db in
            guard let election = try Election.fetchOne(db, key: electionID) else { throw CommunityError.notFound("election \(electionID)") }
            guard election.status.rollIsPublic, let deadline = election.objectionDeadline else {
                throw CommunityError.notAllowed("objections open when the roll is published")
            }
            guard today <= deadline else {
                throw CommunityError.notAllowed("objections to this roll closed on \(deadline) (\(election.rules.objectionDays) days after publication)")
            }
            guard signingKey.keyID == election.keyID else { throw CommunityError.notAllowed("wrong signing key for election \(electionID)") }
            let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM objection WHERE electionID = ?", arguments: [electionID]) ?? 0) + 1
            let filedAt = Timestamp.string(from: now)
            let tracking = try CanonicalJSON.digest(ObjectionStatement(election: electionID, seq: seq, filedAt: filedAt, filer: filer,
                                                                       kind: new.kind.rawValue, subject: subject, statement: statement)).hex
            var objection = Objection(electionID: electionID, seq: seq, filedAt: filedAt, filedOn: today, filerName: filer,
                                      filerContact: new.filerContact?.trimmingCharacters(in: .whitespaces).nilIfEmpty, kind: new.kind,
                                      subject: subject, statement: statement, tracking: tracking, status: .pending)
            try objection.insert(db)
            let receipt = try SignedReceipt.issue(ReceiptStatement(what: "objection", subject: "election:\(electionID)", seq: seq,
                                                                   tracking: tracking, at: filedAt, key: signingKey.keyID), signingKey: signingKey)
            try AuditLog.append(db, actor: actor, action: "objection.file", subject: "election:\(electionID)", details: [
                "seq": String(seq), "kind": new.kind.rawValue, "tracking": tracking,
            ])
            return (objection, receipt)
        }
    }

    /// Decides an objection with a written reason. An upheld objection about inclusion or
    /// omission names the resident and changes the roll in the same transaction.
    public func decideObjection(id: Int64, upheld: Bool, reason: String, residentID: Int64? = nil, on date: CivilDate,
                                decidedBy: String, actor: Actor) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CommunityError.invalid(field: "reason", reason: "a decision needs its reason in writing") }
        try writer.write { db in
            guard var objection = try Objection.fetchOne(db, key: id) else { throw CommunityError.notFound("objection \(id)") }
            guard objection.status == .pending else { throw CommunityError.notAllowed("objection \(objection.seq) is already decided") }
            if upheld && objection.kind != .wrongDetails {
                guard let residentID else {
                    throw CommunityError.invalid(field: "resident", reason: "name the resident whose entry the upheld objection changes")
                }
                _ = try Self.changeRoll(db, electionID: objection.electionID, residentID: residentID, reason: .objectionUpheld, on: date,
                                        note: "异议第\(objection.seq)号", remove: objection.kind == .wrongInclusion, objectionID: id, actor: actor)
            }
            objection.status = upheld ? .upheld : .dismissed
            objection.decision = reason
            objection.decidedOn = date
            objection.decidedBy = decidedBy
            try objection.update(db)
            try AuditLog.append(db, actor: actor, action: "objection.decide", subject: "election:\(objection.electionID)", details: [
                "seq": String(objection.seq), "status": objection.status.rawValue,
            ])
            try issueNotices(db, electionID: objection.electionID, .objection(id: id), on: date)
        }
    }

    /// An election's objections, by number.
    public func objections(electionID: Int64) throws -> [Objection] {
        try reader.read { db in try Objection.filter(Column("electionID") == electionID).order(Column("seq")).fetchAll(db) }
    }

    /// Pending objections whose decision is past due on `today` (for the committee dashboard).
    public func overdueObjections(electionID: Int64, today: CivilDate) throws -> [Objection] {
        let election = try election(id: electionID)
        return try objections(electionID: electionID).filter { $0.status == .pending && $0.decisionDue(rules: election.rules) < today }
    }
}
