import Foundation

/// Values decoded from JSON text that never changes for a given text — a rule set, a ballot
/// paper — kept so that the JSON is decoded once, not on every request that reads them.
final class DecodedCache<Value: Decodable & Sendable>: @unchecked Sendable {
    static var limit: Int { 256 }
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    /// The value decoded from `json`, decoding it only the first time.
    func value(for json: String) throws -> Value {
        if let value = lock.withLock({ values[json] }) { return value }
        let value = try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        lock.withLock {
            if values.count >= Self.limit { values.removeAll() }
            values[json] = value
        }
        return value
    }
}

extension DecodedCache where Value == RuleSet {
    static let rules = DecodedCache<RuleSet>()
}

extension DecodedCache where Value == BallotPaper {
    static let papers = DecodedCache<BallotPaper>()
}
