import Community
import Foundation
import GRDB
import Notary

/// Count sheets (计票结果): made and signed with the election key when a box closes, then signed
/// by the election committee's scrutineers with their own keys. A box needs at least
/// `CountSheetRule.scrutineerSignatures` scrutineer signatures before the result is certified.
public enum CountSheetRule {
    /// Signatures a count sheet needs from the election committee's scrutineers (监票人, members
    /// whose roles in the signed election definition include `scrutineer`), each with their own
    /// key, one per key. A mobile box's resident scrutineers are named on the sheet and sign the
    /// printed sheet by hand: they have no keys.
    public static let scrutineerSignatures = 1
}

extension AppDatabase {
    /// Makes a box's count sheet from its lines in the ballot log, signs it with the election
    /// key, stores it and closes the box (inside the caller's transaction).
    static func signCountSheet(_ db: Database, box: inout BallotBox, round: PollingRound, handCount: Int, issued: Int,
                               signingKey: Ed25519PrivateKey, now: Date, actor: Actor) throws -> (CountSheet, SignedReceipt) {
        let electionID = round.electionID
        let election = try fetchElection(db, electionID)
        let paper = try round.paper()
        let ballots = try String.fetchAll(db, sql: "SELECT line FROM ballotLog WHERE boxID = ? ORDER BY seq", arguments: [box.id]).map {
            try JSONDecoder().decode(BallotLine.self, from: Data($0.utf8)).ballot
        }
        var persons = Set(paper.sections.flatMap { $0.candidates.map(\.person) })
        persons.formUnion(ballots.flatMap { $0.posts.flatMap { $0.writeIns.compactMap(\.person) } })
        let women = Set(try Resident.fetchAll(db, keys: Array(persons)).filter { $0.gender == .female }.compactMap(\.id))
        let count = BallotCount.count(ballots, paper: paper, rules: election.rules, isWoman: { women.contains($0) })
        let last = try Row.fetchOne(db, sql: "SELECT seq, tracking FROM ballotLog WHERE electionID = ? ORDER BY seq DESC LIMIT 1", arguments: [electionID])
        let head = CountSheet.Head(seq: last?["seq"] ?? 0, tracking: last?["tracking"] ?? SHA256Digest.zero.hex)
        let scrutineers = try String.fetchAll(db, sql: """
            SELECT resident.name FROM boxScrutineer JOIN resident ON resident.id = boxScrutineer.residentID WHERE boxScrutineer.boxID = ? ORDER BY resident.id
            """, arguments: [box.id])
        let at = Timestamp.string(from: now)
        let sheet = CountSheet(election: electionID, round: round.number, box: box.number, name: box.name, kind: box.kind.rawValue, issued: issued,
                               handCount: handCount, count: count, paper: paper, head: head, scrutineers: scrutineers, at: at)
        let bytes = try CanonicalJSON.encode(sheet)
        let receipt = try SignedReceipt.issue(ReceiptStatement(what: "count-sheet", subject: "election:\(electionID)", round: round.number,
                                                               seq: box.number, tracking: SHA256.hash(bytes).hex, at: at,
                                                               key: signingKey.keyID), signingKey: signingKey)
        box.status = .closed
        box.closedAt = now
        box.countSheet = receipt.compactText
        box.countSheetJSON = String(decoding: bytes, as: UTF8.self)
        box.countSheetSignature = try signingKey.sign(bytes)
        try box.update(db)
        try AuditLog.append(db, actor: actor, action: "box.close", subject: "election:\(electionID)", details: [
            "round": String(round.number), "box": String(box.number), "ballots": String(count.collected), "issued": String(issued),
            "sheet": receipt.statement.tracking, "head": "\(head.seq) \(head.tracking)",
        ])
        return (sheet, receipt)
    }

    /// A scrutineer of the election committee signs a closed box's count sheet with their own
    /// key, opened with their password after comparing the sheet with the paper one. Only a
    /// serving member whose roles in the signed election definition include `scrutineer`, with
    /// the key the definition registers for them, signs; each once.
    @discardableResult
    public func countersignCountSheet(boxID: Int64, electionID: Int64, accountID: Int64, password: String, now: Date = AppClock.now(),
                                      actor: Actor) throws -> [CountSheetSignature] {
        let key = try unlockAccountKey(accountID: accountID, password: password)
        return try writer.write { db in
            let (box, round) = try Self.boxAndRound(db, boxID: boxID, electionID: electionID)
            guard box.status == .closed, let json = box.countSheetJSON else {
                throw CommunityError.notAllowed("box \(box.name) is not closed yet: its count sheet is made when it closes")
            }
            guard let member = try Int64.fetchOne(db, sql: "SELECT id FROM electionCommitteeMember WHERE electionID = ? AND accountID = ? AND active",
                                                  arguments: [electionID, accountID]) else {
                throw CommunityError.notAllowed("only a serving scrutineer (监票人) of the election committee signs count sheets")
            }
            guard let definition = try Self.electionDefinition(db, electionID: electionID)?.definition,
                  let registered = definition.committee.first(where: { $0.member == member }),
                  registered.roles.contains(CommitteeRole.scrutineer.rawValue) else {
                throw CommunityError.notAllowed("only the election committee's scrutineers (监票人) named in the signed election definition sign count sheets")
            }
            guard registered.publicKey == key.publicKey.pemRepresentation else {
                throw CommunityError.notAllowed("your key is not the one the election definition registers for you (it was made or changed after polling opened), so it cannot sign")
            }
            if try Row.fetchOne(db, sql: "SELECT 1 FROM countSheetSignature WHERE boxID = ? AND memberID = ?", arguments: [boxID, member]) != nil {
                throw CommunityError.notAllowed("you have already signed the count sheet of \(box.name)")
            }
            let signature = try key.sign(Data(json.utf8))
            try db.execute(sql: "INSERT INTO countSheetSignature (boxID, memberID, publicKeyPEM, signature, signedAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [boxID, member, key.publicKey.pemRepresentation, signature, now])
            try AuditLog.append(db, actor: actor, action: "countSheet.sign", subject: "election:\(electionID)", details: [
                "round": String(round.number), "box": String(box.number), "member": String(member), "key": key.keyID,
                "sheet": SHA256.hash(Data(json.utf8)).hex,
            ])
            return try Self.countSheetSignatures(db, boxID: boxID)
        }
    }

    /// The scrutineers' signatures on a box's count sheet, by member.
    public func countSheetSignatures(boxID: Int64) throws -> [CountSheetSignature] {
        try reader.read { db in try Self.countSheetSignatures(db, boxID: boxID) }
    }

    static func countSheetSignatures(_ db: Database, boxID: Int64) throws -> [CountSheetSignature] {
        try Row.fetchAll(db, sql: """
            SELECT s.memberID, r.name, s.publicKeyPEM, s.signature, s.signedAt FROM countSheetSignature s
            JOIN electionCommitteeMember m ON m.id = s.memberID JOIN resident r ON r.id = m.residentID
            WHERE s.boxID = ? ORDER BY s.memberID
            """, arguments: [boxID]).map {
            CountSheetSignature(member: $0["memberID"], name: $0["name"], publicKeyPEM: $0["publicKeyPEM"], signature: $0["signature"], signedAt: $0["signedAt"])
        }
    }

    /// The closed boxes of an election whose count sheets still lack scrutineer signatures,
    /// named "round R, NAME (box B)".
    static func countSheetsAwaitingScrutineers(_ db: Database, electionID: Int64) throws -> [String] {
        try Row.fetchAll(db, sql: """
            SELECT r.number AS round, b.number AS box, b.name,
                   (SELECT count(*) FROM countSheetSignature s WHERE s.boxID = b.id) AS signed
            FROM ballotBox b JOIN pollingRound r ON r.id = b.roundID WHERE r.electionID = ? ORDER BY r.number, b.number
            """, arguments: [electionID]).filter { ($0["signed"] as Int) < CountSheetRule.scrutineerSignatures }.map {
            "round \($0["round"] as Int), \($0["name"] as String) (box \($0["box"] as Int))"
        }
    }
}
