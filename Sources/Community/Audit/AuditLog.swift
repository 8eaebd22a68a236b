import Foundation
import GRDB
import Notary

/// The hash-chained audit log: every state change that matters appends one entry in the same
/// transaction as the change, so the log and the data can never disagree.
public enum AuditLog {
    /// Appends an entry inside the caller's write transaction.
    ///
    /// SQLite has one writer at a time, so reading the last entry and inserting the next one
    /// inside the same transaction cannot race.
    @discardableResult
    public static func append<Details: Encodable>(_ db: Database, actor: Actor, action: String, subject: String,
                                                  details: Details, now: Date = AppClock.now()) throws -> AuditEntry {
        let detailBytes = try CanonicalJSON.encode(details)
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM auditEntry ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let prev: String = last?["hash"] ?? SHA256Digest.zero.hex
        var entry = AuditEntry(seq: seq, at: Timestamp.string(from: now), actor: actor.description, action: action,
                               subject: subject, details: String(decoding: detailBytes, as: UTF8.self),
                               digest: SHA256.hash(detailBytes).hex, prev: prev, hash: "")
        entry.hash = try entry.computedHash()
        try entry.insert(db)
        return entry
    }

    /// The newest entries first, for the admin page.
    public static func recent(_ db: Database, limit: Int = 50) throws -> [AuditEntry] {
        try AuditEntry.order(Column("seq").desc).limit(limit).fetchAll(db)
    }
}

/// One problem found in the audit log, naming the entry.
public struct AuditProblem: Sendable, Equatable, Encodable, CustomStringConvertible {
    public enum Kind: String, Sendable, Encodable {
        /// The entry's fields do not hash to its stored hash.
        case edited
        /// The details do not match their digest.
        case detailsEdited
        /// The sequence skips numbers: entries were removed.
        case missing
        /// `prev` is not the previous entry's hash: removed or reordered.
        case brokenLink
        /// A published head names an entry whose hash the log no longer has: re-chained or replaced.
        case headContradicted
        /// A published head covers entries the log no longer has: truncated.
        case truncated
        /// A published head is not signed by the community key (or not this community's).
        case headUnsigned
    }
    public let seq: Int64
    public let kind: Kind
    public let message: String
    public var description: String { "entry \(seq): \(message)" }
}

/// An entry recorded earlier than the one before it by more than `AuditClockStep.tolerance`:
/// the server's clock went back (a wrong system clock, a restored virtual machine). Not a break
/// of the chain — the hashes still link — but times in receipts and records near it deserve a
/// look, so it is reported beside the problems.
public struct AuditClockStep: Sendable, Equatable, Encodable, CustomStringConvertible {
    /// Entries written concurrently may be a moment out of order; more than this is reported.
    public static let tolerance: TimeInterval = 60
    public let seq: Int64
    public let at: String
    public let previousAt: String
    /// How far back, in seconds.
    public let seconds: Int
    public var description: String { "entry \(seq) at \(at) is \(seconds) s earlier than the entry before it (\(previousAt)): the server's clock went back" }
}

/// The outcome of checking the whole audit chain. Its JSON form
/// (`{entries, head, intact, problems: [{kind, message, seq}]}`) is what `xuanyi verify --audit
/// --json` prints and `/api/v1/audit/verification` returns.
public struct AuditVerification: Sendable, Equatable, Encodable {
    /// Entries read.
    public let entries: Int
    /// Hash of the last entry (the chain head).
    public let head: String
    /// Every problem found, in order; empty when the chain is intact.
    public let problems: [AuditProblem]
    /// Where the recorded times go back (the chain can still be intact).
    public let clockSteps: [AuditClockStep]
    /// Published heads the log was checked against (`PublishedAuditHead`).
    public let headsChecked: Int
    public var isIntact: Bool { problems.isEmpty }

    public init(entries: Int, head: String, problems: [AuditProblem], clockSteps: [AuditClockStep] = [], headsChecked: Int = 0) {
        self.entries = entries
        self.head = head
        self.problems = problems
        self.clockSteps = clockSteps
        self.headsChecked = headsChecked
    }

    enum CodingKeys: String, CodingKey { case intact, entries, head, problems, clockSteps, headsChecked }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(isIntact, forKey: .intact)
        try container.encode(entries, forKey: .entries)
        try container.encode(head, forKey: .head)
        try container.encode(problems, forKey: .problems)
        try container.encode(clockSteps, forKey: .clockSteps)
        try container.encode(headsChecked, forKey: .headsChecked)
    }
}

extension AppDatabase {
    /// Walks the audit log in sequence order and reports every edited, removed or reordered
    /// entry by number, and checks it against every published head: the database's own
    /// (`auditHead`) and `outsideHeads` (a copy kept outside the server, e.g. the JSON of
    /// `/api/v1/audit/heads` saved on an earlier day), so a log truncated or re-chained together
    /// with its heads table is still caught. Streams rows, so memory stays constant whatever the
    /// log's size (heads are few).
    public func verifyAudit(outsideHeads: [PublishedAuditHead] = []) throws -> AuditVerification {
        try Self.verifyAudit(reader: reader, outsideHeads: outsideHeads)
    }

    /// Checks the audit chain of any database (a backup file, for instance).
    public static func verifyAudit(reader: any DatabaseReader, outsideHeads: [PublishedAuditHead] = []) throws -> AuditVerification {
        try reader.read { db in
            var problems: [AuditProblem] = []
            let heads = try AuditHeadCheck(db, outsideHeads: outsideHeads)
            problems += heads.unsigned
            var contradicted: [(seq: Int64, hash: String, published: AuditHeadCheck.Expected)] = []
            var restores: [(seq: Int64, at: String)] = []
            var expectedSeq: Int64 = 1
            var previousHash = SHA256Digest.zero.hex
            var count = 0
            var clockSteps: [AuditClockStep] = []
            var previousAt: (text: String, date: Date)?
            // A declared span of historical entries (`HistoricalEntries`): their times are
            // neither checked nor compared with, as long as they lie inside the declared range.
            var historical: HistoricalEntries.Span?
            let cursor = try AuditEntry.order(Column("seq")).fetchCursor(db)
            while let entry = try cursor.next() {
                count += 1
                if entry.seq != expectedSeq {
                    let gap = entry.seq > expectedSeq ? "entries \(expectedSeq)–\(entry.seq - 1) are missing" : "sequence goes back from \(expectedSeq - 1)"
                    problems.append(AuditProblem(seq: entry.seq, kind: .missing, message: gap))
                }
                if SHA256.hash(Data(entry.details.utf8)).hex != entry.digest {
                    problems.append(AuditProblem(seq: entry.seq, kind: .detailsEdited, message: "details were changed after they were recorded"))
                }
                if try entry.computedHash() != entry.hash {
                    problems.append(AuditProblem(seq: entry.seq, kind: .edited, message: "fields do not match the entry's hash (edited)"))
                }
                if entry.prev != previousHash {
                    problems.append(AuditProblem(seq: entry.seq, kind: .brokenLink, message: "prev does not match the hash of the entry before it (an entry was removed, replaced or reordered)"))
                }
                if let published = heads.expected[entry.seq], published.head != entry.hash {
                    contradicted.append((entry.seq, entry.hash, published))
                }
                if entry.action == "database.restore" { restores.append((entry.seq, entry.at)) }
                if let at = Timestamp.date(from: entry.at), !(historical?.covers(entry, at: at) ?? false) {
                    if let previous = previousAt, previous.date.timeIntervalSince(at) > AuditClockStep.tolerance {
                        clockSteps.append(AuditClockStep(seq: entry.seq, at: entry.at, previousAt: previous.text,
                                                         seconds: Int(previous.date.timeIntervalSince(at))))
                    }
                    previousAt = (entry.at, at)
                }
                historical = HistoricalEntries.span(after: entry, current: historical)
                previousHash = entry.hash
                expectedSeq = entry.seq + 1
            }
            for (seq, hash, published) in contradicted {
                problems.append(AuditProblem(seq: seq, kind: .headContradicted,
                                             message: "published head \(published.source) says entry \(seq) is \(published.head.prefix(16))…, the log has \(hash.prefix(16))… (the log was re-chained or replaced)" + AuditHeadCheck.restoreNote(for: published, restores: restores)))
            }
            let lastSeq = expectedSeq - 1
            for (seq, published) in heads.expected.sorted(by: { $0.key < $1.key }) where seq > lastSeq {
                problems.append(AuditProblem(seq: seq, kind: .truncated,
                                             message: "published head \(published.source) covers \(seq) entries, the log ends at \(lastSeq) (entries were cut off)" + AuditHeadCheck.restoreNote(for: published, restores: restores)))
            }
            return AuditVerification(entries: count, head: previousHash, problems: problems, clockSteps: clockSteps, headsChecked: heads.count)
        }
    }

    /// The most recent audit entries.
    public func recentAuditEntries(limit: Int = 50) throws -> [AuditEntry] {
        try reader.read { db in try AuditLog.recent(db, limit: limit) }
    }
}
