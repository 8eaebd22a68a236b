import Community
import Foundation

/// The result of a certified election, counted once per process (issue 22 #15).
///
/// A certified election's ballot log and rounds are frozen (decision 79), so its result cannot
/// change; counting it again decoded every ballot on every view of the result page (about a
/// second of CPU at 30,000 households). The cache key names the database handle and the
/// certified statement's digest, so another database, a restore or a new statement is a miss.
final class CertifiedResultCache: @unchecked Sendable {
    static let shared = CertifiedResultCache()
    static let limit = 64
    private let lock = NSLock()
    private var results: [String: ElectionResult] = [:]

    func result(key: String, compute: () throws -> ElectionResult) rethrows -> ElectionResult {
        if let hit = lock.withLock({ results[key] }) { return hit }
        let result = try compute()
        lock.withLock {
            if results.count >= Self.limit { results.removeAll() }
            results[key] = result
        }
        return result
    }
}

extension AppDatabase {
    /// `electionResult`, counted once for a certified election (`certified` is its certified
    /// result as read by the caller); counted afresh for any other.
    public func electionResult(electionID: Int64, certified: CertifiedResult?) throws -> ElectionResult {
        guard let certified else { return try electionResult(electionID: electionID) }
        let key = "\(ObjectIdentifier(writer as AnyObject).hashValue)|\(electionID)|\(certified.statementDigest)"
        return try CertifiedResultCache.shared.result(key: key) { try electionResult(electionID: electionID) }
    }
}
