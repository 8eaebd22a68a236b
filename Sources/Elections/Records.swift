import Community
import GRDB

// GRDB conformances of Elections' types.

extension Election: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "election"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Reads a row by hand so the rule set's JSON is decoded once per distinct text
    /// (`DecodedCache`): elections are read on almost every request.
    public init(row: Row) throws {
        func date(_ column: String) throws -> CivilDate? {
            guard let text: String = row[column] else { return nil }
            guard let date = CivilDate(text) else { throw CommunityError.invalid(field: "election.\(column)", reason: "not a date: \(text)") }
            return date
        }
        guard let method = ElectionMethod(rawValue: row["method"]), let status = ElectionStatus(rawValue: row["status"]),
              let electionDay = try date("electionDay") else {
            throw CommunityError.invalid(field: "election", reason: "row \(row["id"] as Int64? ?? 0) is damaged")
        }
        self.init(id: row["id"], communityID: row["communityID"], title: row["title"], method: method, electionDay: electionDay,
                  rules: try DecodedCache.rules.value(for: row["rulesJSON"]), rulesDigest: row["rulesDigest"], status: status,
                  keyID: row["keyID"], rollBuilt: row["rollBuilt"], rollPublishedOn: try date("rollPublishedOn"),
                  rollPublishedLate: row["rollPublishedLate"], createdAt: row["createdAt"], announcedOn: try date("announcedOn"),
                  candidateListPublishedOn: try date("candidateListPublishedOn"), candidateListLate: row["candidateListLate"],
                  proxyListPublishedOn: try date("proxyListPublishedOn"))
    }
}

extension RollApplication: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rollApplication"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RollEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rollEntry"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RollChange: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rollChange"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Objection: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "objection"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ResidentsGroup: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "residentsGroup"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension CommitteeMember: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "electionCommitteeMember"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Nominee: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "nominee"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Nomination: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "nomination"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PrimaryRound: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "primaryRound"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Candidate: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "candidate"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PollingRound: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "pollingRound"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PollingStation: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "pollingStation"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension BallotBox: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ballotBox"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension CheckIn: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "checkIn"
}

extension ProxyAuthorisation: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "proxyAuthorisation"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
