import Community
import Foundation
import GRDB
import Notary

/// A terminal with its station's name, for the clerks' page.
public struct TerminalStatus: Sendable, Equatable {
    public var terminal: VotingTerminal
    public var stationName: String
}

extension AppDatabase {
    // MARK: Polling-station terminals (electronicVoting = station)

    /// A clerk unlocks the device they stand at as a terminal of `stationID`: allowed only when
    /// the rule set says `station`. Returns the terminal and its token (for the device's cookie;
    /// only its SHA-256 is kept).
    public func unlockTerminal(electionID: Int64, stationID: Int64, name: String, accountID: Int64?, now: Date = AppClock.now(),
                               actor: Actor) throws -> (terminal: VotingTerminal, token: String) {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 50, !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw CommunityError.invalid(field: "name", reason: "the terminal's label, 1 to 50 characters")
        }
        let token = try SecureRandom.token()
        let terminal = try writer.write { db in
            let election = try Self.fetchElection(db, electionID)
            guard election.rules.electronicVoting == .station else {
                throw CommunityError.notAllowed("polling-station terminals are for electronicVoting = station; this election's rule set says \(election.rules.electronicVoting.rawValue)")
            }
            guard let station = try PollingStation.fetchOne(db, key: stationID), station.electionID == electionID else {
                throw CommunityError.invalid(field: "station", reason: "not a station of this election")
            }
            if try VotingTerminal.filter(Column("electionID") == electionID && Column("name") == name && !Column("locked")).fetchCount(db) > 0 {
                throw CommunityError.duplicate(field: "name", value: name)
            }
            var terminal = VotingTerminal(electionID: electionID, stationID: stationID, name: name, tokenHash: SHA256.hash(Data(token.utf8)).hex,
                                          unlockedBy: accountID, unlockedOn: CivilDate.today(now: now).description, admitted: false, locked: false)
            try terminal.insert(db)
            try AuditLog.append(db, actor: actor, action: "terminal.unlock", subject: "election:\(electionID)",
                                details: ["terminal": name, "station": station.name])
            return terminal
        }
        return (terminal, token)
    }

    /// A clerk locks a terminal again (its token stops working; a voter admitted and not yet
    /// signed in is no longer admitted).
    public func lockTerminal(terminalID: Int64, electionID: Int64, actor: Actor) throws {
        try writer.write { db in
            guard var terminal = try VotingTerminal.fetchOne(db, key: terminalID), terminal.electionID == electionID else {
                throw CommunityError.notFound("terminal \(terminalID)")
            }
            guard !terminal.locked else { return }
            try Self.endTerminalSession(db, &terminal)
            terminal.locked = true
            terminal.admitted = false
            try terminal.update(db)
            try AuditLog.append(db, actor: actor, action: "terminal.lock", subject: "election:\(electionID)", details: ["terminal": terminal.name])
        }
    }

    /// A clerk at the station, having checked the next voter's identity and voter card at the
    /// desk, admits one voter to the terminal: the terminal then accepts one voter-card sign-in.
    /// Which voter is not recorded. A session still open on the terminal (a voter who walked
    /// away without casting) ends here: the next voter never finds someone else's ballot.
    public func admitVoter(terminalID: Int64, electionID: Int64) throws {
        try writer.write { db in
            guard var terminal = try VotingTerminal.fetchOne(db, key: terminalID), terminal.electionID == electionID, !terminal.locked else {
                throw CommunityError.notFound("unlocked terminal \(terminalID)")
            }
            try Self.endTerminalSession(db, &terminal)
            terminal.admitted = true
            try terminal.update(db)
        }
    }

    /// Ends the voter session signed in on a terminal, if any (the caller saves the terminal).
    static func endTerminalSession(_ db: Database, _ terminal: inout VotingTerminal) throws {
        if let hash = terminal.sessionHash { try db.execute(sql: "DELETE FROM voterSession WHERE tokenHash = ?", arguments: [hash]) }
        terminal.sessionHash = nil
    }

    /// The election's terminals (locked ones too), by station and name.
    public func terminals(electionID: Int64) throws -> [TerminalStatus] {
        try reader.read { db in
            try Row.fetchAll(db, sql: """
                SELECT votingTerminal.*, pollingStation.name AS stationName FROM votingTerminal
                JOIN pollingStation ON pollingStation.id = votingTerminal.stationID
                WHERE votingTerminal.electionID = ? ORDER BY votingTerminal.locked, pollingStation.id, votingTerminal.name
                """, arguments: [electionID]).map { TerminalStatus(terminal: try VotingTerminal(row: $0), stationName: $0["stationName"]) }
        }
    }

    /// Where a request comes from: the unlocked terminal whose token the device presented, or
    /// elsewhere.
    public func castingPlace(electionID: Int64, terminalToken: String?) throws -> CastingPlace {
        guard let terminalToken, !terminalToken.isEmpty else { return .elsewhere }
        let terminal = try reader.read { db in
            try VotingTerminal.filter(Column("tokenHash") == SHA256.hash(Data(terminalToken.utf8)).hex && Column("electionID") == electionID && !Column("locked"))
                .fetchOne(db)
        }
        return terminal.map { .terminal($0) } ?? .elsewhere
    }

    /// Whether an electronic ballot of the election may come from `place` (the rule set's
    /// `electronicVoting`, `RuleSet.checkElectronicVoting`); throws the reason when not.
    public func checkCastingPlace(electionID: Int64, place: CastingPlace) throws {
        try election(id: electionID).rules.checkElectronicVoting(place: place, electionID: electionID)
    }

    /// Signs a voter in with roll number and voter-card code from `place`, as the rule set
    /// allows: refused under `off`; under `station` only on a terminal of the election to which
    /// a clerk has admitted a voter — the admission is used up by this sign-in, and the session
    /// is the terminal's until the cast or the next admission. Nil when the
    /// number or code is wrong (the admission then stays for the voter's next try).
    public func startVoterSession(electionID: Int64, number: Int, code: String, place: CastingPlace, now: Date = AppClock.now()) throws -> String? {
        try checkCastingPlace(electionID: electionID, place: place)
        guard case .terminal(let terminal) = place, try election(id: electionID).rules.electronicVoting == .station else {
            return try startVoterSession(electionID: electionID, number: number, code: code, now: now)
        }
        guard try reader.read({ db in try Bool.fetchOne(db, sql: "SELECT admitted FROM votingTerminal WHERE id = ? AND NOT locked", arguments: [terminal.id]) }) == true else {
            throw CommunityError.notAllowed("a clerk at the station admits each voter to this terminal: ask the clerk at the desk")
        }
        guard let token = try startVoterSession(electionID: electionID, number: number, code: code, now: now) else { return nil }
        let used = try writer.write { db in
            try db.execute(sql: "UPDATE votingTerminal SET admitted = 0, sessionHash = ? WHERE id = ? AND admitted AND NOT locked",
                           arguments: [SHA256.hash(Data(token.utf8)).hex, terminal.id])
            return db.changesCount == 1
        }
        guard used else {
            try endVoterSession(token: token)
            throw CommunityError.notAllowed("a clerk at the station admits each voter to this terminal: ask the clerk at the desk")
        }
        return token
    }
}
