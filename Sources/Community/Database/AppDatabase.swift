import Foundation
import GRDB
import Notary

/// A module's contribution to the database schema: named migrations (`elections.v1` …)
/// registered in dependency order. Community's own come first, always.
public protocol SchemaModule {
    /// Registers this module's migrations. Names must be unique and never change once shipped.
    static func registerMigrations(in migrator: inout DatabaseMigrator)
    /// Tables whose physical row order would reveal the order rows were written (who voted
    /// when, who rated what): `AppDatabase.protectAtRest` rewrites them in key order.
    static var insertionOrderSensitiveTables: [String] { get }
    /// Audit actions that are public steps (an election announced, a roll published, a box
    /// closed …): after each, a signed audit head is due (`AuditHeadSchedule`).
    static var publicStepActions: Set<String> { get }
}

extension SchemaModule {
    public static var publicStepActions: Set<String> { [] }
}

/// The database: one writer (a WAL `DatabasePool` for files, an in-memory `DatabaseQueue`
/// for tests), its migrations, and intention-named methods — each one transaction that
/// enforces one invariant and appends to the audit log.
///
/// Web and the CLI never write SQL; they call these methods.
public struct AppDatabase: Sendable {
    /// The writer; every state change goes through it.
    public let writer: any DatabaseWriter
    /// How passwords and access codes are hashed.
    public let passwordHasher: PasswordHasher

    /// Reads go through the reader (the same pool: concurrent reads in WAL mode).
    public var reader: any DatabaseReader { writer }

    /// Wraps a writer and migrates it with Community's schema plus `modules`'.
    public init(_ writer: any DatabaseWriter, modules: [any SchemaModule.Type] = [], passwordHasher: PasswordHasher = .standard) throws {
        self.writer = writer
        self.passwordHasher = passwordHasher
        var migrator = DatabaseMigrator()
        CommunitySchema.registerMigrations(in: &migrator)
        for module in modules { module.registerMigrations(in: &migrator) }
        try migrator.migrate(writer)
    }

    /// Opens (creating if needed) a database file in WAL mode with foreign keys on and
    /// `synchronous = FULL`, so a commit that returned survives a crash or power loss. The
    /// process's new files are from then on the owner's only (`AtRest`), the database, its
    /// `-wal` and `-shm` files mode 0600.
    public static func open(path: String, modules: [any SchemaModule.Type] = [], passwordHasher: PasswordHasher = .standard) throws -> AppDatabase {
        AtRest.restrictNewFiles()
        try AtRest.prepareDatabaseFile(path: path)
        let pool = try durablePool(path: path)
        return try AppDatabase(pool, modules: modules, passwordHasher: passwordHasher)
    }

    /// A private in-memory database, for tests.
    public static func inMemory(modules: [any SchemaModule.Type] = [], passwordHasher: PasswordHasher = .fastForTests) throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: configuration()), modules: modules, passwordHasher: passwordHasher)
    }

    /// A WAL pool whose writer syncs every commit. GRDB switches the writer to `synchronous =
    /// NORMAL` when it turns WAL on — after `prepareDatabase` has run — so a commit would not be
    /// fsynced and a power cut could lose receipted ballots (found by the power-loss test,
    /// decision 82); FULL is set again on the writer, which keeps it for its lifetime.
    static func durablePool(path: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration())
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted content is overwritten and temporary tables never reach a file (AtRest).
            // (`journal_size_limit = 0` would cut the write-ahead log at every restart too, but it
            // cost a third of the casting rate; the periodic truncating checkpoint does it instead.)
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return config
    }
}

extension AppDatabase {
    /// Runs a trivial query: throws when the database cannot be read (health checks).
    public func ping() throws {
        _ = try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM community") }
    }
}
