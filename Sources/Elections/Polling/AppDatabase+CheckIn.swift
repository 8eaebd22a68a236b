import Community
import Foundation
import GRDB
import Notary

/// A voter found for check-in, with whether they already received a ballot in the round.
public struct CheckInCandidate: Sendable, Equatable {
    public var line: RollLine
    public var alreadyAt: String?
}

/// What a proxy holder's check-in did for each principal.
public struct ProxyIssue: Sendable, Equatable {
    public var principalNumber: Int
    public var principalName: String
    /// Nil when a ballot was issued; else why not.
    public var refused: String?
}

extension AppDatabase {
    /// Records that the voter with roll number `number` received a ballot for `roundID` in
    /// `boxID` (a fixed or mobile box). Refused when the voter already received one in this
    /// round anywhere — the check and the insert are one transaction, and the table's key
    /// (round, roll entry) stops two stations checking in the same voter at the same moment.
    /// `assistedBy`: who marks the ballot for the voter (代写), never a candidate.
    @discardableResult
    public func checkIn(roundID: Int64, boxID: Int64, number: Int, assistedBy: Int64? = nil, accountID: Int64?, now: Date = AppClock.now(),
                        actor: Actor) throws -> CheckIn {
        try writer.write { db in
            let (round, box) = try Self.openPaperBox(db, roundID: roundID, boxID: boxID)
            guard let entry = try Self.activeEntry(db, round.electionID, number: number) else {
                throw CommunityError.invalid(field: "number", reason: "roll number \(number) is not on the roll")
            }
            if let assistedBy { try Self.refuseCandidateHelper(db, electionID: round.electionID, residentID: assistedBy) }
            var checkIn = CheckIn(roundID: roundID, rollEntryID: entry.id!, boxID: boxID, method: box.kind == .mobile ? .mobile : .inPerson,
                                  proxyID: nil, assistedByID: assistedBy, at: Timestamp.string(from: now), issuedBy: accountID)
            try Self.insertCheckIn(db, &checkIn, number: number)
            try AuditLog.append(db, actor: actor, action: "checkin", subject: "election:\(round.electionID)", details: [
                "round": String(round.number), "box": String(box.number), "number": String(number), "method": checkIn.method.rawValue,
                "assisted": assistedBy == nil ? "no" : "yes",
            ])
            return checkIn
        }
    }

    /// A proxy holder's check-in: one ballot for each principal whose proxy is valid (filed in
    /// time, on the published list, not revoked) and who has not voted; the others are listed
    /// with the reason. The holder's own ballot is a separate, ordinary check-in.
    public func checkInProxies(roundID: Int64, boxID: Int64, holderNumber: Int, accountID: Int64?, now: Date = AppClock.now(), actor: Actor) throws -> [ProxyIssue] {
        try writer.write { db in
            let (round, box) = try Self.openPaperBox(db, roundID: roundID, boxID: boxID)
            let election = try Self.fetchElection(db, round.electionID)
            guard let holder = try Self.activeEntry(db, election.id!, number: holderNumber) else {
                throw CommunityError.invalid(field: "holder", reason: "roll number \(holderNumber) is not on the roll")
            }
            let proxies = try ProxyAuthorisation.filter(Column("electionID") == election.id! && Column("holderEntryID") == holder.id! && !Column("revoked"))
                .order(Column("id")).fetchAll(db)
            guard !proxies.isEmpty else { throw CommunityError.notFound("proxies held by roll number \(holderNumber)") }
            var issues: [ProxyIssue] = []
            for proxy in proxies {
                guard let principal = try RollEntry.fetchOne(db, key: proxy.principalEntryID) else { continue }
                let name = try Resident.fetchOne(db, key: principal.residentID)?.name ?? ""
                var issue = ProxyIssue(principalNumber: principal.number, principalName: name)
                if let void = try Self.proxyVoidReason(db, proxy, election: election, principal: principal, holder: holder) {
                    issue.refused = void
                } else if try CheckIn.filter(Column("roundID") == roundID && Column("rollEntryID") == principal.id!).fetchCount(db) > 0 {
                    issue.refused = "已领票 already received a ballot"
                } else {
                    var checkIn = CheckIn(roundID: roundID, rollEntryID: principal.id!, boxID: boxID, method: .proxy, proxyID: proxy.id,
                                          assistedByID: nil, at: Timestamp.string(from: now), issuedBy: accountID)
                    try Self.insertCheckIn(db, &checkIn, number: principal.number)
                }
                issues.append(issue)
            }
            try AuditLog.append(db, actor: actor, action: "checkin.proxy", subject: "election:\(election.id!)", details: [
                "round": String(round.number), "box": String(box.number), "holder": String(holderNumber),
                "issued": String(issues.filter { $0.refused == nil }.count), "refused": String(issues.filter { $0.refused != nil }.count),
            ])
            return issues
        }
    }

    /// Voters matching a name, a roll number or a roll number written on a voter card, with
    /// whether they already have a ballot in the round (for the clerk's check-in screen).
    public func findVoters(electionID: Int64, roundID: Int64, query: String) throws -> [CheckInCandidate] {
        let text = query.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        return try reader.read { db in
            let lines: [RollLine]
            if let number = Int(text) {
                lines = try Self.rollLines(db, electionID: electionID, includeRemoved: false, extra: " AND rollEntry.number = ?", arguments: [number])
            } else {
                lines = try Self.rollLines(db, electionID: electionID, includeRemoved: false, extra: " AND resident.name LIKE ?", arguments: ["%\(text)%"])
            }
            return try lines.prefix(50).map { line in
                let at = try String.fetchOne(db, sql: """
                    SELECT ballotBox.name FROM checkIn JOIN rollEntry ON rollEntry.id = checkIn.rollEntryID JOIN ballotBox ON ballotBox.id = checkIn.boxID
                    WHERE checkIn.roundID = ? AND rollEntry.electionID = ? AND rollEntry.number = ?
                    """, arguments: [roundID, electionID, line.number])
                return CheckInCandidate(line: line, alreadyAt: at)
            }
        }
    }

    /// How many voters received a ballot in a round, by method.
    public func checkInCounts(roundID: Int64) throws -> [CheckInMethod: Int] {
        try reader.read { db in
            var counts: [CheckInMethod: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT method, count(*) AS n FROM checkIn WHERE roundID = ? GROUP BY method", arguments: [roundID]) {
                if let method = CheckInMethod(rawValue: row["method"]) { counts[method] = row["n"] }
            }
            return counts
        }
    }

    /// The roll entry behind an active roll number, or nil.
    public func rollEntryID(electionID: Int64, rollNumber: Int) throws -> Int64? {
        try reader.read { db in try Self.activeEntry(db, electionID, number: rollNumber)?.id }
    }

    /// The resident behind an active roll number (to resolve a write-in), or nil.
    public func residentID(electionID: Int64, rollNumber: Int) throws -> Int64? {
        try reader.read { db in try Self.activeEntry(db, electionID, number: rollNumber)?.residentID }
    }

    /// Active roll numbers of voters with exactly this name (to resolve a write-in by name).
    public func residentIDs(electionID: Int64, name: String) throws -> [Int64] {
        try reader.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT resident.id FROM rollEntry JOIN resident ON resident.id = rollEntry.residentID
                WHERE rollEntry.electionID = ? AND rollEntry.active AND resident.name = ?
                """, arguments: [electionID, name.trimmingCharacters(in: .whitespaces)])
        }
    }

    // MARK: Internals

    static func openPaperBox(_ db: Database, roundID: Int64, boxID: Int64) throws -> (PollingRound, BallotBox) {
        guard let round = try PollingRound.fetchOne(db, key: roundID) else { throw CommunityError.notFound("round \(roundID)") }
        guard round.status == .open else { throw CommunityError.notAllowed("round \(round.number) is closed") }
        guard let box = try BallotBox.fetchOne(db, key: boxID), box.roundID == roundID else {
            throw CommunityError.invalid(field: "box", reason: "not a box of round \(round.number)")
        }
        guard box.kind != .electronic else { throw CommunityError.invalid(field: "box", reason: "electronic ballots are cast by the voter") }
        guard box.status == .open else { throw CommunityError.notAllowed("box \(box.name) is closed for counting") }
        return (round, box)
    }

    /// Inserts a check-in; a voter already checked in this round (here, elsewhere, or by
    /// another station a moment ago) is refused with where.
    static func insertCheckIn(_ db: Database, _ checkIn: inout CheckIn, number: Int) throws {
        if let existing = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT checkIn.method, ballotBox.name FROM checkIn JOIN ballotBox ON ballotBox.id = checkIn.boxID
            WHERE checkIn.roundID = ? AND checkIn.rollEntryID = ?
            """), arguments: [checkIn.roundID, checkIn.rollEntryID]) {
            let method = CheckInMethod(rawValue: existing["method"])?.chinese ?? ""
            throw CommunityError.notAllowed("roll number \(number) already received a ballot in this round (\(existing["name"] as String), \(method))")
        }
        do {
            try db.cachedStatement(sql: """
                INSERT INTO checkIn (roundID, rollEntryID, boxID, method, proxyID, assistedByID, at, issuedBy) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [checkIn.roundID, checkIn.rollEntryID, checkIn.boxID, checkIn.method.rawValue, checkIn.proxyID,
                                         checkIn.assistedByID, checkIn.at, checkIn.issuedBy])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw CommunityError.notAllowed("roll number \(number) already received a ballot in this round")
        }
    }

    /// A candidate may not mark a ballot for someone else (代写).
    static func refuseCandidateHelper(_ db: Database, electionID: Int64, residentID: Int64) throws {
        guard let helper = try Resident.fetchOne(db, key: residentID) else { throw CommunityError.invalid(field: "assistedBy", reason: "no such resident") }
        let isCandidate = try Int.fetchOne(db, sql: "SELECT count(*) FROM candidate WHERE electionID = ? AND residentID = ? AND active",
                                           arguments: [electionID, residentID]) ?? 0
        if isCandidate > 0 { throw CommunityError.notAllowed("\(helper.name) is a candidate and may not mark a ballot for a voter (代写)") }
    }
}
