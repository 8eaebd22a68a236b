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
