import GRDB

// GRDB conformances of Community's domain types, kept apart so the types stay plain.

extension Community: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "community"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Address: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "address"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Household: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "household"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Resident: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "resident"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Account: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "account"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AuditEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "auditEntry"
}

extension SigningKeyRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signingKey"
}

extension SessionRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "session"
}
