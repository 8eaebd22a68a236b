import Community
import Foundation
import GRDB
import Notary

/// The step that issues a notice, with what the notice needs to know about it.
enum NoticeOccasion {
    case announcement
    case committee(joined: String?, left: String?, reason: String?)
    case roll
    case objection(id: Int64)
    case proxies
    case candidates
    /// The main round(s) opened.
    case polling(roundIDs: [Int64])
    /// A later round opened.
    case nextRound(roundID: Int64)
    /// A round closed: one notice per box, in box order.
    case boxCounts(roundID: Int64)
    case result(statement: ResultStatement, digest: String)
    /// A recall proposal reached its threshold; its vote arranged; its vote counted.
    case recallProposal(number: Int)
    case recallVote(number: Int)
    case recallResult(number: Int)
    case correction(of: Int, text: String)
    /// The handover confirmed (its facts are gathered by the handover step).
    case handover(HandoverFacts)
    /// The certified result declared void.
    case annulment(AnnulmentFacts)
}

extension AppDatabase {
    // MARK: Issuing (inside the step's transaction)

    /// Issues the notice(s) of a step, inside the step's transaction: numbered after the
    /// election's last notice, signed with the election key (from `electionKeyring`), stored.
    /// When the key is not at hand the step fails with it: no public step without its notice.
    @discardableResult
    func issueNotices(_ db: Database, electionID: Int64, _ occasion: NoticeOccasion, on date: CivilDate = .today()) throws -> [SignedNotice] {
        let election = try Self.fetchElection(db, electionID)
        guard let community = try Community.fetchOne(db, key: election.communityID) else { throw CommunityError.notFound("community") }
        var issued: [SignedNotice] = []
        for (kind, facts, corrects) in try Self.noticeFacts(db, election: election, occasion) {
            let key = try electionKeyring.key(keyID: election.keyID)
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM electionNotice WHERE electionID = ?", arguments: [electionID]) ?? 0) + 1
            let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM auditEntry ORDER BY seq DESC LIMIT 1")
            let notice = ElectionNotice(
                format: ElectionNotice.formatName, election: electionID, number: number, kind: kind, community: community.name,
                issuer: NoticeText.issuer(community: community.name, language: .zh), issuedOn: date.description,
                title: NoticeText.title(number: number, language: .zh), subject: kind.chinese,
                text: NoticeText.body(kind: kind, facts: facts, community: community.name, corrects: corrects, language: .zh),
                facts: facts, corrects: corrects, key: key.keyID,
                audit: head.map { ElectionNotice.AuditHead(entries: $0["seq"], head: $0["hash"]) })
            let bytes = try notice.canonicalBytes()
            let signature = try key.sign(bytes)
            try db.execute(sql: """
                INSERT INTO electionNotice (electionID, number, kind, issuedOn, payloadJSON, signature, keyID, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [electionID, number, kind.rawValue, date.description, String(decoding: bytes, as: UTF8.self), signature, key.keyID, corrects])
            try AuditLog.append(db, actor: .system, action: "notice.issue", subject: "election:\(electionID)", details: [
                "number": String(number), "kind": kind.rawValue, "sha256": SHA256.hash(bytes).hex,
            ])
            issued.append(SignedNotice(notice: notice, bytes: bytes, signature: signature, publicKeyPEM: key.publicKey.pemRepresentation))
        }
        return issued
    }

    /// Issues a correction of notice `number`: a new notice that says what it corrects (the
    /// corrected notice stays as it was).
    @discardableResult
    public func issueCorrection(electionID: Int64, corrects number: Int, text: String, on date: CivilDate = .today(), actor: Actor) throws -> SignedNotice {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2000 else { throw CommunityError.invalid(field: "text", reason: "say what is corrected (1 to 2,000 characters)") }
        return try writer.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM electionNotice WHERE electionID = ? AND number = ?", arguments: [electionID, number]) != nil else {
                throw CommunityError.invalid(field: "corrects", reason: "election \(electionID) has no notice No. \(number)")
            }
            let notice = try issueNotices(db, electionID: electionID, .correction(of: number, text: text), on: date)[0]
            try AuditLog.append(db, actor: actor, action: "notice.correct", subject: "election:\(electionID)", details: [
                "number": String(notice.notice.number), "corrects": String(number),
            ])
            return notice
        }
    }

    // MARK: Reading

    /// The election's notices in number order.
    public func notices(electionID: Int64) throws -> [SignedNotice] {
        try reader.read { db in try Self.notices(db, electionID: electionID) }
    }

    /// One notice by number, or nil.
    public func notice(electionID: Int64, number: Int) throws -> SignedNotice? {
        try reader.read { db in try Self.notices(db, electionID: electionID, number: number).first }
    }

    static func notices(_ db: Database, electionID: Int64, number: Int? = nil) throws -> [SignedNotice] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT n.payloadJSON, n.signature, k.publicKeyPEM FROM electionNotice n LEFT JOIN signingKey k ON k.keyID = n.keyID
            WHERE n.electionID = ?\(number == nil ? "" : " AND n.number = ?") ORDER BY n.number
            """, arguments: number.map { [electionID, $0] } ?? [electionID])
        return try rows.map { row in
            let bytes = Data((row["payloadJSON"] as String).utf8)
            return SignedNotice(notice: try JSONDecoder().decode(ElectionNotice.self, from: bytes), bytes: bytes,
                                signature: row["signature"], publicKeyPEM: row["publicKeyPEM"] ?? "")
        }
    }

    // MARK: Facts

    /// The facts of the notice(s) an occasion issues: (kind, facts, corrected number).
    static func noticeFacts(_ db: Database, election: Election, _ occasion: NoticeOccasion) throws -> [(NoticeKind, NoticeFacts, Int?)] {
        let electionID = election.id!
        let posts = election.rules.posts.map { NoticeFacts.PostSeats(post: $0, seats: election.rules.seats(for: $0)) }
        var facts = NoticeFacts()
        switch occasion {
        case .announcement:
            guard let key = try SigningKeyRecord.filter(Column("keyID") == election.keyID).fetchOne(db) else { throw CommunityError.notFound("election key") }
            facts.title = election.title
            facts.electionDay = election.electionDay.description
            facts.method = election.method
            facts.posts = posts
            facts.electionKey = election.keyID
            facts.electionKeyFingerprint = try Ed25519PublicKey(pem: key.publicKeyPEM).fingerprint
            return [(.announcement, facts, nil)]
        case .committee(let joined, let left, let reason):
            facts.members = try Row.fetchAll(db, sql: """
                SELECT m.roles, r.name, k.publicKeyPEM FROM electionCommitteeMember m JOIN resident r ON r.id = m.residentID
                LEFT JOIN accountKey k ON k.accountID = m.accountID WHERE m.electionID = ? AND m.active ORDER BY m.id
                """, arguments: [electionID]).map { row in
                NoticeFacts.Member(name: row["name"], roles: (row["roles"] as String).split(separator: ",").compactMap { CommitteeRole(rawValue: String($0)) },
                                   key: try (row["publicKeyPEM"] as String?).map { try Ed25519PublicKey(pem: $0).fingerprint })
            }
            facts.joined = joined
            facts.left = left
            facts.leftReason = reason
            return [(.committee, facts, nil)]
        case .roll:
            facts.voters = try Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [electionID]) ?? 0
            facts.objectionDeadline = election.objectionDeadline?.description
            return [(.roll, facts, nil)]
        case .objection(let id):
            guard let objection = try Objection.fetchOne(db, key: id), let decision = objection.decision else { throw CommunityError.notFound("objection \(id)") }
            facts.objection = .init(seq: objection.seq, kind: objection.kind.rawValue, filedOn: objection.filedOn.description,
                                    upheld: objection.status == .upheld, decision: decision)
            return [(.objection, facts, nil)]
        case .proxies:
            facts.proxies = try Row.fetchAll(db, sql: """
                SELECT p.number AS pNumber, pr.name AS pName, h.number AS hNumber, hr.name AS hName FROM proxyAuthorisation a
                JOIN rollEntry p ON p.id = a.principalEntryID JOIN resident pr ON pr.id = p.residentID
                JOIN rollEntry h ON h.id = a.holderEntryID JOIN resident hr ON hr.id = h.residentID
                WHERE a.electionID = ? AND NOT a.revoked ORDER BY p.number
                """, arguments: [electionID]).map { .init(principalNumber: $0["pNumber"], principal: $0["pName"], holderNumber: $0["hNumber"], holder: $0["hName"]) }
            return [(.proxies, facts, nil)]
        case .candidates:
            facts.posts = posts
            facts.candidates = try candidateLines(db, election: election, includeWithdrawn: false).filter(\.active).map {
                .init(post: $0.post, position: $0.position, name: $0.name, gender: $0.gender.rawValue, age: $0.age)
            }
            return [(.candidates, facts, nil)]
        case .polling(let roundIDs):
            facts.electionDay = election.electionDay.description
            facts.stations = try PollingStation.filter(Column("electionID") == electionID).order(Column("id")).fetchAll(db).map { .init(name: $0.name, kind: $0.kind.rawValue) }
            facts.rounds = try roundIDs.map { try noticeRound(db, roundID: $0) }
            return [(.polling, facts, nil)]
        case .nextRound(let roundID):
            facts.rounds = [try noticeRound(db, roundID: roundID)]
            return [(.nextRound, facts, nil)]
        case .boxCounts(let roundID):
            guard let round = try PollingRound.fetchOne(db, key: roundID) else { throw CommunityError.notFound("round \(roundID)") }
            let rows = try Row.fetchAll(db, sql: """
                SELECT b.number, b.name, b.kind, b.handCount, b.countSheet, b.countSheetJSON, s.name AS station,
                       (SELECT count(*) FROM checkIn c WHERE c.boxID = b.id) AS issued,
                       (SELECT count(*) FROM ballotLog l WHERE l.boxID = b.id) AS logged
                FROM ballotBox b LEFT JOIN pollingStation s ON s.id = b.stationID WHERE b.roundID = ? ORDER BY b.number
                """, arguments: [roundID])
            return try rows.map { row in
                var facts = NoticeFacts()
                let sheetText: String? = row["countSheetJSON"]
                let sheet = try sheetText.map { try JSONDecoder().decode(NoticeJSON.self, from: Data($0.utf8)) }
                let issuedInBox: Int = row["issued"]
                let logged: Int = row["logged"]
                let number: Int = row["number"]
                let name: String = row["name"]
                let kind: String = row["kind"]
                let station: String? = row["station"]
                let receipt: String? = row["countSheet"]
                let digest: String? = sheetText.map { SHA256.hash(Data($0.utf8)).hex }
                let figures = sheetText.flatMap { try? JSONDecoder().decode(CountSheetFigures.self, from: Data($0.utf8)) }
                let persons = Set(((figures?.candidates ?? []) + (figures?.writeIns ?? [])).map(\.person)).sorted()
                let names = try persons.map { person in
                    NoticeFacts.PersonName(person: person, name: try String.fetchOne(db, sql: "SELECT name FROM resident WHERE id = ?", arguments: [person]) ?? "#\(person)")
                }
                facts.box = NoticeFacts.Box(round: round.number, number: number, name: name, kind: kind, station: station,
                                            issued: sheet?[integer: "issued"] ?? issuedInBox, counted: sheet?[integer: "handCount"] ?? logged,
                                            sheet: sheet, sheetSHA256: digest, sheetSignature: receipt, names: names.isEmpty ? nil : names)
                return (.boxCount, facts, nil)
            }
        case .result(let statement, let digest):
            facts.elected = statement.elected.map { .init(post: $0.post, name: $0.name, votes: $0.votes, round: $0.round) }
            facts.vacant = statement.vacant.map { .init(post: $0.post, seats: $0.count) }
            facts.statement = digest
            return [(.result, facts, nil)]
        case .recallProposal(let number):
            facts.recall = try recallNoticeFacts(db, election: election, number: number)
            return [(.recallProposal, facts, nil)]
        case .recallVote(let number):
            facts.recall = try recallNoticeFacts(db, election: election, number: number)
            return [(.recallVote, facts, nil)]
        case .recallResult(let number):
            facts.recall = try recallNoticeFacts(db, election: election, number: number)
            return [(.recallResult, facts, nil)]
        case .correction(let number, let text):
            facts.correction = text
            return [(.correction, facts, number)]
        case .handover(let handover):
            facts.handover = handover
            return [(.handover, facts, nil)]
        case .annulment(let annulment):
            guard let certified = try certifiedResult(db, electionID: electionID) else { throw CommunityError.notFound("certified result of election \(electionID)") }
            facts.annulment = annulment
            facts.statement = certified.statementDigest
            facts.elected = certified.statement.elected.map { .init(post: $0.post, name: $0.name, votes: $0.votes, round: $0.round) }
            facts.posts = posts
            return [(.annulment, facts, nil)]
        }
    }

    static func noticeRound(_ db: Database, roundID: Int64) throws -> NoticeFacts.Round {
        guard let round = try PollingRound.fetchOne(db, key: roundID) else { throw CommunityError.notFound("round \(roundID)") }
        let paper = try round.paper()
        return .init(number: round.number, kind: round.kind, electronic: round.electronic,
                     posts: paper.sections.map { .init(post: $0.post, seats: $0.seats) },
                     candidates: paper.sections.flatMap { section in section.candidates.map { .init(post: section.post, position: $0.position, name: $0.name) } },
                     paper: round.paperDigest)
    }
}
