import GRDB

// GRDB conformances of Elections' types.

extension Election: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "election"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
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
