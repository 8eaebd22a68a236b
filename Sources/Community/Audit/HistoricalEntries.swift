import Foundation
import GRDB
import Notary

/// Entries recorded now with the times they describe — the demo's seeded past (an election
/// three years ago, motions filed weeks ago) — declared in the audit log itself: a
/// `audit.history.begin` entry names the range of times the following entries may carry, and
/// `audit.history.end` closes it. Inside the span an entry whose time lies in the range is not
/// a clock step (nor compared with); anything outside the range, or outside a span, still is.
/// The declarations are hash-chained like every entry, so a span cannot be added afterwards to
/// hide a real clock step.
public enum HistoricalEntries {
    static let begin = "audit.history.begin"
    static let end = "audit.history.end"

    struct Details: Codable {
        var from: String
        var to: String
        var reason: String
    }

    /// An open declaration while the log is read.
    struct Span {
        let from: Date
        let to: Date
        let beginSeq: Int64

        func covers(_ entry: AuditEntry, at: Date) -> Bool {
            entry.seq > beginSeq && entry.action != HistoricalEntries.end && at >= from && at <= to
        }
    }

    /// The span in force after `entry`.
    static func span(after entry: AuditEntry, current: Span?) -> Span? {
        switch entry.action {
        case begin:
            guard let details = try? JSONDecoder().decode(Details.self, from: Data(entry.details.utf8)),
                  let from = Timestamp.date(from: details.from), let to = Timestamp.date(from: details.to), from <= to else { return nil }
            return Span(from: from, to: to, beginSeq: entry.seq)
        case end:
            return nil
        default:
            return current
        }
    }
}

extension AppDatabase {
    /// Runs `body`, which records entries dated between `from` and `to` (seeded history), between
    /// two audit entries that declare it, so `verifyAudit` does not report their times as a
    /// clock that went back. Each declaration is its own transaction; the end is recorded even
    /// when `body` throws.
    public func recordingHistory<T>(from: Date, to: Date, reason: String, actor: Actor = .system, _ body: () throws -> T) throws -> T {
        try writer.write { db in
            try AuditLog.append(db, actor: actor, action: HistoricalEntries.begin, subject: "audit",
                                details: HistoricalEntries.Details(from: Timestamp.string(from: from), to: Timestamp.string(from: to), reason: reason))
        }
        let result: T
        do {
            result = try body()
        } catch {
            try? writer.write { db in try AuditLog.append(db, actor: actor, action: HistoricalEntries.end, subject: "audit", details: [String: String]()) }
            throw error
        }
        try writer.write { db in try AuditLog.append(db, actor: actor, action: HistoricalEntries.end, subject: "audit", details: [String: String]()) }
        return result
    }
}
