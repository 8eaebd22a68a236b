import Community
import Foundation
import GRDB
import Notary

/// What a restore checks, reports and resets for elections: every election's ballot log —
/// open elections included — against its stored head, every certified election's record
/// (exported from the copy and run through the verifier), the ballots and check-ins the
/// restored copy lacks compared with the database it replaces, and the voter sessions that
/// must not survive it.
extension ElectionsSchema: RestoreModule {
    public static func checkRestored(_ copy: AppDatabase, file: String, keys: [String: Ed25519PrivateKey]) throws -> [String] {
        var checked: [String] = []
        let elections = try copy.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT id, title, keyID FROM election ORDER BY id").map { row -> (id: Int64, title: String, keyID: String) in
                (Int64.fromDatabaseValue(row[0]) ?? 0, String.fromDatabaseValue(row[1]) ?? "", String.fromDatabaseValue(row[2]) ?? "")
            }
        }
        for election in elections {
            let part = "ballot log of election \(election.id) (ballotLog)"
            let log: (lines: Int, head: String)
            do {
                log = try copy.reader.read { db in try BallotLogCheck.verify(db, electionID: election.id) }
            } catch let problem as BallotLogCheck.Problem {
                throw RestoreFailure(file: file, part: part, problem: problem.description)
            }
            checked.append("election \(election.id) \(election.title): ballot log \(log.lines) line(s), every tracking code and link intact, head \(log.head.prefix(16))… as stored")
            // The election notices: numbered 1…N without a gap, each signed with the election key.
            let notices = try copy.notices(electionID: election.id)
            if let bad = notices.enumerated().first(where: { $0.element.notice.number != $0.offset + 1 || !$0.element.verify() }) {
                throw RestoreFailure(file: file, part: "election notices of election \(election.id) (electionNotice)",
                                     problem: bad.element.notice.number != bad.offset + 1
                                         ? "notice No. \(bad.offset + 1) is missing" : "notice No. \(bad.element.notice.number) does not match its signature")
            }
            if !notices.isEmpty { checked.append("election \(election.id): \(notices.count) notice(s), numbered without a gap, each signature valid") }
            guard try copy.certifiedResult(electionID: election.id) != nil else { continue }
            let recordPart = "certified record of election \(election.id)"
            guard let key = keys[election.keyID] else {
                throw RestoreFailure(file: file, part: recordPart,
                                     problem: "its key \(election.keyID) is neither sealed in the backup nor in the key store, so the record cannot be checked")
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-restore-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            do {
                _ = try copy.exportRecord(electionID: election.id, to: directory, signingKey: key)
            } catch {
                throw RestoreFailure(file: file, part: recordPart, problem: "cannot be exported: \(error)")
            }
            // A record frozen in an older format is kept byte for byte: it must be intact
            // (signed statement, manifest, every file), though this version cannot read its meaning.
            if let format = RecordIntegrity.format(of: directory), format != ElectionRecordFormat.version {
                do {
                    let files = try RecordIntegrity.check(directory, key: key.publicKey)
                    checked.append("election \(election.id) \(election.title): certified record in format \(format) intact (statement signed by the election key, manifest and its \(files) files as signed; its meaning is checked by a verifier of that format)")
                    continue
                } catch {
                    throw RestoreFailure(file: file, part: recordPart, problem: "record in format \(format) is not intact: \(error)")
                }
            }
            let report = RecordVerifier(directory: directory).verify()
            guard report.passed else {
                throw RestoreFailure(file: file, part: recordPart,
                                     problem: "does not verify: " + report.failures.prefix(3).map { "\($0.location) \($0.en)" }.joined(separator: "; "))
            }
            checked.append("election \(election.id) \(election.title): certified record verifies (\(report.ballots) ballots)")
        }
        return checked
    }

    public static func forgotten(copy: AppDatabase, replaced: AppDatabase?) throws -> [String] {
        let restored = try copy.reader.read { db in try PollingExtent.all(db) }
        guard let replaced else {
            return restored.values.sorted { $0.electionID < $1.electionID }.filter { $0.lines > 0 || !$0.checkIns.isEmpty }.map {
                "election \($0.electionID): no database was replaced to compare with; the restored ballot log ends at line \($0.lines) — a receipt with a higher line number, or whose tracking code is not in the log, is a ballot cast after the backup, and its voter's check-in is gone too"
            }
        }
        let before: [Int64: PollingExtent]
        do {
            before = try replaced.reader.read { db in try PollingExtent.all(db) }
        } catch {
            return ["the replaced database's ballot logs cannot be read (\(error)): compare voters' receipts with the restored ballot logs"]
        }
        var lines: [String] = []
        for id in Set(restored.keys).union(before.keys).sorted() {
            let now = restored[id] ?? PollingExtent(electionID: id)
            guard let old = before[id] else { continue }
            let lostCheckIns = old.checkIns.subtracting(now.checkIns)
            // Sealed electronic ballots have receipts too, and no line until their box is opened.
            let lostSealed = max(0, old.sealed - now.sealed)
            if old.lines > now.lines || lostSealed > 0 || !lostCheckIns.isEmpty {
                var parts: [String] = []
                if old.lines > now.lines {
                    parts.append("\(old.lines - now.lines) ballot(s) after line \(now.lines) (lines \(now.lines + 1)–\(old.lines), receipts issued)")
                }
                if lostSealed > 0 { parts.append("\(lostSealed) sealed electronic ballot(s) (receipts issued)") }
                parts.append("\(lostCheckIns.count) check-in(s)")
                var text = "election \(id): the replaced database had \(parts.dropLast().joined(separator: ", "))\(parts.count > 1 ? " and " : "")\(parts.last!) that the backup lacks"
                if !lostCheckIns.isEmpty {
                    let numbers = lostCheckIns.map(\.number).sorted().prefix(50).map(String.init).joined(separator: ", ")
                    text += "; roll numbers checked in since the backup: \(numbers)\(lostCheckIns.count > 50 ? " …" : "") — the committee must keep them from receiving a second ballot"
                }
                lines.append(text)
            }
            let oldTracking = try replaced.reader.read { db in
                try String.fetchOne(db, sql: "SELECT tracking FROM ballotLog WHERE electionID = ? AND seq = ?", arguments: [id, now.lines])
            }
            if now.lines > 0, old.lines >= now.lines, oldTracking != now.head {
                lines.append("election \(id): the replaced database's ballot log differs from the backup's at or before line \(now.lines): the backup is not an earlier state of it")
            }
        }
        return lines
    }

    public static func prepareRestored(_ db: Database, forgotten: [String]) throws {
        // A voter logged in before the restore must log in again; their session may date from
        // before a check-in the restore forgets.
        try db.execute(sql: "DELETE FROM voterSession")
    }
}

/// How far each election's polling had come: log lines, the head, and who was checked in.
struct PollingExtent {
    struct CheckInKey: Hashable { var roundID: Int64; var rollEntryID: Int64; var number: Int }
    var electionID: Int64
    var lines = 0
    var head = SHA256Digest.zero.hex
    var checkIns: Set<CheckInKey> = []
    /// Electronic ballots cast and still sealed in their boxes.
    var sealed = 0

    static func all(_ db: Database) throws -> [Int64: PollingExtent] {
        var extents: [Int64: PollingExtent] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id FROM election") {
            let id = Int64.fromDatabaseValue(row[0]) ?? 0
            extents[id] = PollingExtent(electionID: id)
        }
        // SQLite takes the bare column (tracking) from the row holding the maximum.
        for row in try Row.fetchAll(db, sql: "SELECT electionID, max(seq), tracking FROM ballotLog GROUP BY electionID") {
            let id = Int64.fromDatabaseValue(row[0]) ?? 0
            extents[id, default: PollingExtent(electionID: id)].lines = Int.fromDatabaseValue(row[1]) ?? 0
            extents[id, default: PollingExtent(electionID: id)].head = String.fromDatabaseValue(row[2]) ?? ""
        }
        if try db.tableExists("sealedBallot") {
            for row in try Row.fetchAll(db, sql: """
                SELECT pollingRound.electionID, count(*) FROM sealedBallot JOIN ballotBox ON ballotBox.id = sealedBallot.boxID
                JOIN pollingRound ON pollingRound.id = ballotBox.roundID GROUP BY pollingRound.electionID
                """) {
                let id = Int64.fromDatabaseValue(row[0]) ?? 0
                extents[id, default: PollingExtent(electionID: id)].sealed = Int.fromDatabaseValue(row[1]) ?? 0
            }
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT pollingRound.electionID, checkIn.roundID, checkIn.rollEntryID, rollEntry.number FROM checkIn
            JOIN pollingRound ON pollingRound.id = checkIn.roundID JOIN rollEntry ON rollEntry.id = checkIn.rollEntryID
            """) {
            let id = Int64.fromDatabaseValue(row[0]) ?? 0
            extents[id, default: PollingExtent(electionID: id)].checkIns.insert(
                CheckInKey(roundID: Int64.fromDatabaseValue(row[1]) ?? 0, rollEntryID: Int64.fromDatabaseValue(row[2]) ?? 0, number: Int.fromDatabaseValue(row[3]) ?? 0))
        }
        return extents
    }
}
