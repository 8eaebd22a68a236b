import Community
import Foundation
import GRDB
import Notary

/// A line of the candidate list as the public page and the ballot show it.
public struct CandidateLine: Sendable, Equatable, Encodable {
    public var post: Post
    public var position: Int
    public var residentID: Int64
    public var name: String
    public var gender: Gender
    /// Full years on election day.
    public var age: Int
    public var education: String
    public var occupation: String
    public var statement: String
    public var votes: Int
    /// Added after a withdrawal (补充).
    public var toppedUp: Bool
    public var active: Bool
    public var withdrawnOn: CivilDate?
}

extension AppDatabase {
    /// Publishes the candidate list (正式候选人名单) on `date`: refused while a post is short of
    /// its margin or waits for a primary, while an election committee member is nominated or a
    /// close relative of a nominee (they must step down first), while the committee is below
    /// its minimum, and — unless `allowLate` — later than `candidateListDays` before election day.
    @discardableResult
    public func publishCandidateList(electionID: Int64, on date: CivilDate, allowLate: Bool, actor: Actor) throws -> [CandidateLine] {
        try writer.write { db in
            let election = try Self.fetchElection(db, electionID)
            let rules = election.rules
            switch election.status {
            case .preparing: throw CommunityError.notAllowed("publish the roll first")
            case .candidatesPublished: throw CommunityError.notAllowed("the candidate list is already published")
            case .rollPublished: break
            }
            let deadline = election.electionDay.adding(days: -rules.candidateListDays)
            guard date <= election.electionDay else { throw CommunityError.notAllowed("election day has passed") }
            let nominationsClose = election.electionDay.adding(days: -rules.nominationCloseDays)
            guard date > nominationsClose else {
                throw CommunityError.notAllowed("nominations are open until \(nominationsClose); the candidate list is published after they close")
            }
            if let objections = election.objectionDeadline, date <= objections {
                throw CommunityError.notAllowed("objections to the roll are open until \(objections); publish the candidate list after")
            }
            if date > deadline && !allowLate {
                throw CommunityError.notAllowed("the candidate list must be published by \(deadline) (\(rules.candidateListDays) days before election day); confirm to publish late")
            }
            let members = try Self.activeMembers(db, electionID)
            guard members.count >= rules.electionCommitteeMinimum else {
                throw CommunityError.notAllowed("the election committee has \(members.count) active members; it needs at least \(rules.electionCommitteeMinimum)")
            }
            guard members.contains(where: { $0.roleList.contains(.chair) }) else {
                throw CommunityError.notAllowed("the election committee has no chair")
            }
            let conflicts = try Self.committeeConflicts(db, electionID: electionID, acceptedOnly: true)
            if !conflicts.isEmpty {
                throw CommunityError.notAllowed("must step down first: " + conflicts.map {
                    "\($0.memberName) (\($0.kinship == .same ? "nominated for \($0.post.chinese)" : "\($0.kinship.chinese) of nominee \($0.nomineeName)"))"
                }.joined(separator: "; "))
            }
            let slates = try rules.posts.map { try Self.slate(db, election: election, post: $0) }
            var problems: [String] = []
            for slate in slates {
                switch slate.state {
                case .ready: continue
                case .tooFew(let have, let need): problems.append("\(slate.post.chinese): \(have) accepted nominees, needs \(need)")
                case .primaryNeeded(let nominees, let places): problems.append("\(slate.post.chinese): \(nominees) nominees for \(places) places, hold a primary")
                case .primaryTie(let tied, let open): problems.append("\(slate.post.chinese): \(tied.count) tied for \(open) place(s), hold a further primary")
                }
            }
            guard problems.isEmpty else { throw CommunityError.notAllowed(problems.joined(separator: "; ")) }
            for slate in slates {
                guard case .ready(let ids) = slate.state else { continue }
                for id in ids {
                    guard let nominee = try Nominee.fetchOne(db, key: id) else { continue }
                    var candidate = Candidate(electionID: electionID, post: slate.post, position: 0, nomineeID: id, residentID: nominee.residentID,
                                              votes: slate.votes[id] ?? 0, addedOn: date, addedBy: "list", active: true)
                    try candidate.insert(db)
                }
                try Self.renumber(db, election: election, post: slate.post)
            }
            var published = election
            published.status = .candidatesPublished
            published.candidateListPublishedOn = date
            published.candidateListLate = date > deadline
            try published.update(db)
            let lines = try Self.candidateLines(db, election: published, includeWithdrawn: false)
            try AuditLog.append(db, actor: actor, action: "candidates.publish", subject: "election:\(electionID)", details: [
                "on": date.description, "late": published.candidateListLate ? "yes" : "no", "candidates": String(lines.count),
                "digest": try CanonicalJSON.digest(lines.map { ListedCandidate(post: $0.post.rawValue, position: $0.position, name: $0.name) }).hex,
            ])
            try issueNotices(db, electionID: electionID, .candidates, on: date)
            return lines
        }
    }

    /// The published candidate list, by post (highest first) and position; withdrawn lines
    /// included (struck through on the page) when asked.
    public func candidateList(electionID: Int64, includeWithdrawn: Bool = false) throws -> [CandidateLine] {
        try reader.read { db in try Self.candidateLines(db, election: try Self.fetchElection(db, electionID), includeWithdrawn: includeWithdrawn) }
    }

    static func candidateLines(_ db: Database, election: Election, includeWithdrawn: Bool) throws -> [CandidateLine] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT candidate.*, resident.name AS personName, resident.gender AS personGender, resident.birthDate AS personBirth,
                   nominee.education, nominee.occupation, nominee.statement
            FROM candidate JOIN resident ON resident.id = candidate.residentID JOIN nominee ON nominee.id = candidate.nomineeID
            WHERE candidate.electionID = ?\(includeWithdrawn ? "" : " AND candidate.active")
            """, arguments: [election.id])
        let lines = try rows.map { row -> CandidateLine in
            let candidate = try Candidate(row: row)
            return CandidateLine(post: candidate.post, position: candidate.position, residentID: candidate.residentID, name: row["personName"],
                                 gender: Gender(rawValue: row["personGender"]) ?? .male,
                                 age: (CivilDate(row["personBirth"] as String) ?? election.electionDay).age(on: election.electionDay),
                                 education: row["education"] ?? "", occupation: row["occupation"] ?? "", statement: row["statement"] ?? "",
                                 votes: candidate.votes, toppedUp: candidate.addedBy == "topUp", active: candidate.active, withdrawnOn: candidate.withdrawnOn)
        }
        return lines.sorted { a, b in
            if a.post != b.post { return a.post < b.post }
            if a.active != b.active { return a.active }
            return a.position < b.position
        }
    }

    /// Puts a post's active candidates in `candidateOrder` and numbers them from 1.
    static func renumber(_ db: Database, election: Election, post: Post) throws {
        let candidates = try Candidate.filter(Column("electionID") == election.id! && Column("post") == post.rawValue && Column("active")).fetchAll(db)
        let names = Dictionary(uniqueKeysWithValues: try Resident.fetchAll(db, keys: candidates.map(\.residentID)).map { ($0.id!, $0.name) })
        // By votes: the slate's ranking (primary rounds in order where a primary was held, so a
        // further primary's votes are never compared with the first round's), as a descending score.
        let rank = try slate(db, election: election, post: post).rank
        let score = Dictionary(uniqueKeysWithValues: rank.enumerated().map { ($0.element, rank.count - $0.offset) })
        let ordered = CandidateOrdering.sorted(candidates.map { (id: $0, name: names[$0.residentID] ?? "", votes: score[$0.nomineeID] ?? 0) },
                                               by: election.rules.candidateOrder)
        for (index, item) in ordered.enumerated() {
            var candidate = item.id
            candidate.position = index + 1
            try candidate.update(db)
        }
    }

    /// After a withdrawal from the published list: adds the next-highest nominee (by primary
    /// votes where a primary decided, else nomination votes) if there is one not yet listed.
    static func topUp(_ db: Database, election: Election, post: Post, on date: CivilDate) throws -> String {
        try topUp(db, election: election, post: post, on: date, withdrawn: true)
    }

    /// Tops the list up to the slate (after a withdrawal, or after a further primary settled a tie).
    static func topUp(_ db: Database, election: Election, post: Post, on date: CivilDate, withdrawn: Bool) throws -> String {
        let slate = try slate(db, election: election, post: post)
        let listed = Set(try Int64.fetchAll(db, sql: "SELECT nomineeID FROM candidate WHERE electionID = ? AND post = ? AND active",
                                            arguments: [election.id, post.rawValue]))
        var message = withdrawn ? "已退出 Withdrawn" : "已更新 Updated"
        var next: Int64?
        switch slate.state {
        case .ready(let ids): next = ids.first { !listed.contains($0) }
        case .primaryTie(let tied, _):
            let names = try tied.compactMap { id in try Nominee.fetchOne(db, key: id).flatMap { try Resident.fetchOne(db, key: $0.residentID)?.name } }
            message += "；\(names.joined(separator: "、")) are tied for the place: hold a further primary among them to top up the list"
        case .tooFew, .primaryNeeded: next = nil
        }
        if let next, let nominee = try Nominee.fetchOne(db, key: next) {
            if var old = try Candidate.filter(Column("electionID") == election.id! && Column("residentID") == nominee.residentID).fetchOne(db) {
                old.active = true
                old.withdrawnOn = nil
                old.addedBy = "topUp"
                old.addedOn = date
                try old.update(db)
            } else {
                var candidate = Candidate(electionID: election.id!, post: post, position: 0, nomineeID: next, residentID: nominee.residentID,
                                          votes: slate.votes[next] ?? 0, addedOn: date, addedBy: "topUp", active: true)
                try candidate.insert(db)
            }
            let name = try Resident.fetchOne(db, key: nominee.residentID)?.name ?? ""
            message += "；依次递补 Topped up: \(name)"
        }
        try renumber(db, election: election, post: post)
        let count = try Candidate.filter(Column("electionID") == election.id! && Column("post") == post.rawValue && Column("active")).fetchCount(db)
        let seats = election.rules.seats(for: post)
        if count <= seats {
            message += "；\(post.chinese) now has \(count) candidate(s) for \(seats) seat(s): no longer contested (差额), the committee must decide how to proceed"
        }
        return message
    }
}

extension AppDatabase {
    /// A nominee removed from the roll (died, moved out, rights deprived, objection upheld …)
    /// no longer stands: withdrawn, and taken off a published list, which is topped up.
    static func withdrawRemovedNominee(_ db: Database, election: Election, residentID: Int64, reason: RollChangeReason, on date: CivilDate) throws {
        let standing = try Nominee.filter(Column("electionID") == election.id! && Column("residentID") == residentID
                                          && ["awaiting", "accepted"].contains(Column("status"))).fetchAll(db)
        for var nominee in standing {
            nominee.status = .withdrawn
            nominee.withdrawnOn = date
            nominee.withdrawalNote = "不在选民名单 removed from the roll: \(reason.chinese)"
            try nominee.update(db)
            if election.status == .candidatesPublished,
               var candidate = try Candidate.filter(Column("nomineeID") == nominee.id! && Column("active")).fetchOne(db) {
                candidate.active = false
                candidate.withdrawnOn = date
                try candidate.update(db)
                _ = try topUp(db, election: election, post: nominee.post, on: date)
            }
        }
    }
}

/// What the candidate list's digest in the audit log covers.
struct ListedCandidate: Encodable {
    let post: String
    let position: Int
    let name: String
}
