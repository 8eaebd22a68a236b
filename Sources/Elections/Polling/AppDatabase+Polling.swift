import Community
import Foundation
import GRDB
import Notary

/// A round's paper accounting at one station (or for the whole round): papers received,
/// ballots issued to voters, spoiled papers replaced, unused papers returned.
public struct PaperAccount: Sendable, Equatable {
    public var received = 0
    /// Ballots issued to voters (check-ins on paper, proxies and mobile boxes included).
    public var issued = 0
    /// Spoiled papers handed back; each was replaced by a new paper.
    public var spoiled = 0
    public var returned = 0
    /// Papers that should still be at the station: received − issued − spoiled − returned.
    public var unaccounted: Int { received - issued - spoiled - returned }
}

/// A box with what it holds so far.
public struct BoxStatus: Sendable, Equatable {
    public var box: BallotBox
    public var stationName: String
    /// Ballots issued into this box (check-ins).
    public var issued: Int
    /// Ballots entered and agreed (paper), or opened from the sealed electronic box: in the ballot log.
    public var logged: Int
    /// Electronic ballots cast and still sealed (the box is opened at the count).
    public var sealed: Int = 0
    public var scrutineers: [String]
}

extension AppDatabase {
    // MARK: Rounds

    /// Opens the main round(s) from the published candidate list: one round with the one paper,
    /// or (`roundPerPost`) one round per post. Electronic casting is allowed when `electronic`;
    /// the round then gets its electronic box. The election definition — the committee's own
    /// keys among it — is signed with the election key first (`signElectionDefinition`): refused,
    /// naming them, while too few members have keys.
    @discardableResult
    public func openMainRounds(electionID: Int64, communityName: String, electronic: Bool, signingKey: Ed25519PrivateKey,
                               now: Date = AppClock.now(), actor: Actor) throws -> [PollingRound] {
        try writer.write { db in
            let election = try Self.fetchElection(db, electionID)
            guard election.status == .candidatesPublished else { throw CommunityError.notAllowed("publish the candidate list before opening polling") }
            guard try PollingRound.filter(Column("electionID") == electionID).fetchCount(db) == 0 else {
                throw CommunityError.notAllowed("the main round is already open")
            }
            try Self.signElectionDefinition(db, election: election, signingKey: signingKey, now: now, actor: actor)
            let papers = BallotPaper.mainRound(election: election, communityName: communityName,
                                               candidates: try Self.candidateLines(db, election: election, includeWithdrawn: false))
            let rounds = try papers.enumerated().map { index, paper in
                var paper = paper
                paper.round = index + 1
                return try Self.insertRound(db, election: election, number: index + 1, kind: .main, paper: paper, electronic: electronic, actor: actor)
            }
            try issueNotices(db, electionID: electionID, .polling(roundIDs: rounds.compactMap(\.id)), on: CivilDate.today(now: now))
            return rounds
        }
    }

    /// Opens a later round (tie-break, second round, women-only) with its own paper.
    @discardableResult
    public func openRound(electionID: Int64, kind: RoundKind, paper: BallotPaper, electronic: Bool, actor: Actor) throws -> PollingRound {
        try writer.write { db in
            let election = try Self.fetchElection(db, electionID)
            if let open = try PollingRound.filter(Column("electionID") == electionID && Column("status") == "open").fetchOne(db) {
                throw CommunityError.notAllowed("round \(open.number) is still open; close it before the next round")
            }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM pollingRound WHERE electionID = ?", arguments: [electionID]) ?? 0) + 1
            var paper = paper
            paper.round = number
            let round = try Self.insertRound(db, election: election, number: number, kind: kind, paper: paper, electronic: electronic, actor: actor)
            try issueNotices(db, electionID: electionID, kind == .main ? .polling(roundIDs: [round.id!]) : .nextRound(roundID: round.id!))
            return round
        }
    }

    static func insertRound(_ db: Database, election: Election, number: Int, kind: RoundKind, paper: BallotPaper, electronic: Bool,
                            actor: Actor) throws -> PollingRound {
        if electronic { try election.rules.checkElectronicVoting(electionID: election.id!) }
        let json = try CanonicalJSON.encode(paper)
        var round = PollingRound(electionID: election.id!, number: number, kind: kind, paperJSON: String(decoding: json, as: UTF8.self),
                                 paperDigest: SHA256.hash(json).hex, status: .open, electronic: electronic, openedAt: AppClock.now(),
                                 rollSize: try Int.fetchOne(db, sql: "SELECT count(*) FROM rollEntry WHERE electionID = ? AND active", arguments: [election.id!]) ?? 0)
        try round.insert(db)
        if electronic {
            var box = BallotBox(roundID: round.id!, stationID: nil, number: 0, name: "电子投票", kind: .electronic, status: .open)
            try box.insert(db)
            try makeBoxKey(db, election: election, round: &round)
        }
        try AuditLog.append(db, actor: actor, action: "round.open", subject: "election:\(election.id!)", details: [
            "round": String(number), "kind": kind.rawValue, "paper": round.paperDigest, "electronic": electronic ? "yes" : "no",
            "rollSize": String(round.rollSize ?? 0), "boxKey": round.boxPublicKey ?? "none", "boxThreshold": round.boxThreshold.map(String.init) ?? "none",
        ])
        return round
    }

    /// Closes a round once every box (the electronic one included) is closed with its count
    /// sheet: no more ballots are issued or cast in it.
    public func closeRound(roundID: Int64, electionID: Int64, actor: Actor) throws {
        try writer.write { db in
            guard var round = try PollingRound.fetchOne(db, key: roundID), round.electionID == electionID else { throw CommunityError.notFound("round \(roundID)") }
            guard round.status == .open else { throw CommunityError.notAllowed("round \(round.number) is already closed") }
            let open = try String.fetchAll(db, sql: "SELECT name FROM ballotBox WHERE roundID = ? AND status != 'closed' ORDER BY number", arguments: [roundID])
            guard open.isEmpty else { throw CommunityError.notAllowed("close every box first: \(open.joined(separator: "、"))") }
            round.status = .closed
            try round.update(db)
            try AuditLog.append(db, actor: actor, action: "round.close", subject: "election:\(electionID)", details: ["round": String(round.number)])
            // Each box's count is published once its round is closed (nothing of an open round's ballots before).
            // Dated the day the round's last box closed (the count), not whenever the round is closed.
            let counted = try Date.fetchOne(db, sql: "SELECT MAX(closedAt) FROM ballotBox WHERE roundID = ?", arguments: [roundID])
            try issueNotices(db, electionID: electionID, .boxCounts(roundID: roundID), on: CivilDate.today(now: counted ?? AppClock.now()))
        }
    }

    /// The election's rounds in order.
    public func rounds(electionID: Int64) throws -> [PollingRound] {
        try reader.read { db in try PollingRound.filter(Column("electionID") == electionID).order(Column("number")).fetchAll(db) }
    }

    /// A round by id, checked to belong to `electionID`.
    public func round(id: Int64, electionID: Int64) throws -> PollingRound {
        guard let round = try reader.read({ db in try PollingRound.fetchOne(db, key: id) }), round.electionID == electionID else {
            throw CommunityError.notFound("round \(id)")
        }
        return round
    }

    // MARK: Stations and boxes

    /// Adds a polling station (the central venue or a branch station).
    @discardableResult
    public func addStation(electionID: Int64, name: String, kind: PollingStation.Kind, actor: Actor) throws -> PollingStation {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw CommunityError.invalid(field: "name", reason: "1 to 100 characters") }
        return try writer.write { db in
            if try PollingStation.filter(Column("electionID") == electionID && Column("name") == name).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "name", value: name)
            }
            if kind == .central, try PollingStation.filter(Column("electionID") == electionID && Column("kind") == "central").fetchCount(db) > 0 {
                throw CommunityError.invalid(field: "kind", reason: "the election already has its central venue")
            }
            var station = PollingStation(electionID: electionID, name: name, kind: kind)
            try station.insert(db)
            try AuditLog.append(db, actor: actor, action: "station.add", subject: "election:\(electionID)", details: ["name": name, "kind": kind.rawValue])
            return station
        }
    }

    /// The election's stations, the central venue first.
    public func stations(electionID: Int64) throws -> [PollingStation] {
        try reader.read { db in
            try PollingStation.filter(Column("electionID") == electionID).order(sql: "kind = 'central' DESC, id").fetchAll(db)
        }
    }

    /// Adds a box to a round at a station. A mobile box needs at least `mobileBoxScrutineers`
    /// named scrutineers, none of them a candidate or a candidate's spouse or lineal relative.
    @discardableResult
    public func addBox(roundID: Int64, stationID: Int64, name: String, kind: BallotBox.Kind, scrutineers: [Int64] = [], actor: Actor) throws -> BallotBox {
        guard kind != .electronic else { throw CommunityError.invalid(field: "kind", reason: "the electronic box comes with the round") }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw CommunityError.invalid(field: "name", reason: "1 to 100 characters") }
        return try writer.write { db in
            guard let round = try PollingRound.fetchOne(db, key: roundID), round.status == .open else { throw CommunityError.notAllowed("the round is not open") }
            let election = try Self.fetchElection(db, round.electionID)
            guard let station = try PollingStation.fetchOne(db, key: stationID), station.electionID == election.id else {
                throw CommunityError.invalid(field: "station", reason: "not a station of this election")
            }
            let people = Array(Set(scrutineers))
            if kind == .mobile && people.count < election.rules.mobileBoxScrutineers {
                throw CommunityError.invalid(field: "scrutineers", reason: "a mobile box is carried by at least \(election.rules.mobileBoxScrutineers) named scrutineers (\(people.count) given)")
            }
            for id in people {
                guard let person = try Resident.fetchOne(db, key: id), person.communityID == election.communityID else {
                    throw CommunityError.invalid(field: "scrutineers", reason: "resident \(id) not found")
                }
                try Self.refusePollingConflict(db, electionID: election.id!, resident: person)
            }
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM ballotBox WHERE roundID = ?", arguments: [roundID]) ?? 0) + 1
            var box = BallotBox(roundID: roundID, stationID: stationID, number: number, name: name, kind: kind, status: .open)
            try box.insert(db)
            for id in people { try db.execute(sql: "INSERT INTO boxScrutineer (boxID, residentID) VALUES (?, ?)", arguments: [box.id, id]) }
            try AuditLog.append(db, actor: actor, action: "box.add", subject: "election:\(election.id!)", details: [
                "round": String(round.number), "box": String(number), "kind": kind.rawValue, "station": station.name,
                "scrutineers": String(people.count),
            ])
            return box
        }
    }

    /// A round's boxes with their counts.
    public func boxes(roundID: Int64) throws -> [BoxStatus] {
        try reader.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT ballotBox.*, COALESCE(pollingStation.name, '') AS stationName,
                       (SELECT count(*) FROM checkIn WHERE checkIn.roundID = ballotBox.roundID AND checkIn.boxID = ballotBox.id) AS issued,
                       (SELECT count(*) FROM ballotLog WHERE ballotLog.boxID = ballotBox.id) AS logged,
                       (SELECT count(*) FROM sealedBallot WHERE sealedBallot.boxID = ballotBox.id) AS sealed
                FROM ballotBox LEFT JOIN pollingStation ON pollingStation.id = ballotBox.stationID
                WHERE ballotBox.roundID = ? ORDER BY ballotBox.number
                """, arguments: [roundID])
            return try rows.map { row in
                let box = try BallotBox(row: row)
                let names = try String.fetchAll(db, sql: "SELECT resident.name FROM boxScrutineer JOIN resident ON resident.id = boxScrutineer.residentID WHERE boxID = ? ORDER BY resident.id",
                                                arguments: [box.id])
                return BoxStatus(box: box, stationName: row["stationName"], issued: row["issued"], logged: row["logged"], sealed: row["sealed"], scrutineers: names)
            }
        }
    }

    /// A box by id, checked to belong to `electionID`.
    public func box(id: Int64, electionID: Int64) throws -> (box: BallotBox, round: PollingRound) {
        try reader.read { db in try Self.boxAndRound(db, boxID: id, electionID: electionID) }
    }

    static func boxAndRound(_ db: Database, boxID: Int64, electionID: Int64) throws -> (box: BallotBox, round: PollingRound) {
        guard let box = try BallotBox.fetchOne(db, key: boxID), let round = try PollingRound.fetchOne(db, key: box.roundID),
              round.electionID == electionID else { throw CommunityError.notFound("box \(boxID)") }
        return (box, round)
    }

    // MARK: Paper accounting

    /// Records papers a station received, spoiled papers replaced, or unused papers returned.
    public func recordPapers(roundID: Int64, stationID: Int64, _ movement: PaperMovement, count: Int, note: String? = nil, actor: Actor) throws {
        guard (1...100_000).contains(count) else { throw CommunityError.invalid(field: "count", reason: "between 1 and 100,000") }
        try writer.write { db in
            guard let round = try PollingRound.fetchOne(db, key: roundID) else { throw CommunityError.notFound("round \(roundID)") }
            guard let station = try PollingStation.fetchOne(db, key: stationID), station.electionID == round.electionID else {
                throw CommunityError.invalid(field: "station", reason: "not a station of this election")
            }
            try db.execute(sql: "INSERT INTO paperMovement (roundID, stationID, kind, count, note, recordedAt) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [roundID, stationID, movement.rawValue, count, note?.nilIfEmpty, AppClock.now()])
            try AuditLog.append(db, actor: actor, action: "papers.\(movement.rawValue)", subject: "election:\(round.electionID)", details: [
                "round": String(round.number), "station": station.name, "count": String(count),
            ])
        }
    }

    /// Paper accounting of a round per station (electronic ballots are not papers).
    public func paperAccounts(roundID: Int64) throws -> [(station: PollingStation, account: PaperAccount)] {
        try reader.read { db in
            guard let round = try PollingRound.fetchOne(db, key: roundID) else { throw CommunityError.notFound("round \(roundID)") }
            return try PollingStation.filter(Column("electionID") == round.electionID).order(sql: "kind = 'central' DESC, id").fetchAll(db).map { station in
                var account = PaperAccount()
                for row in try Row.fetchAll(db, sql: "SELECT kind, SUM(count) AS n FROM paperMovement WHERE roundID = ? AND stationID = ? GROUP BY kind",
                                            arguments: [roundID, station.id]) {
                    switch PaperMovement(rawValue: row["kind"]) {
                    case .received: account.received = row["n"]
                    case .spoiled: account.spoiled = row["n"]
                    case .returned: account.returned = row["n"]
                    case nil: break
                    }
                }
                account.issued = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM checkIn JOIN ballotBox ON ballotBox.id = checkIn.boxID
                    WHERE checkIn.roundID = ? AND ballotBox.stationID = ? AND ballotBox.kind != 'electronic'
                    """, arguments: [roundID, station.id]) ?? 0
                return (station, account)
            }
        }
    }
}
