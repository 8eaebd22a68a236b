import ArgumentParser
import Community
import Elections
import Foundation
import Web

/// `--database PATH`, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite database file.")
    var database: String = "xuanyi-data/xuanyi.sqlite"

    /// Opens (creating if needed) the database.
    func open() throws -> AppDatabase {
        let opened = try AppDatabase.open(path: database, modules: XuanyiSchema.modules)
        // The steps sign their election notices with the election key from the store beside the database.
        opened.electionKeyring.use(keyStore)
        return opened
    }

    /// Opens a database that must already exist; a rehearsal database resumes its rehearsal date.
    func openExisting() throws -> AppDatabase {
        guard FileManager.default.fileExists(atPath: database) else {
            throw CommandError("no database at \(database): run `xuanyi init --community NAME --database \(database)` first")
        }
        let opened = try open()
        // A rehearsal database goes on from its last rehearsal date, never back to the real one.
        try opened.resumeRehearsalClock()
        return opened
    }

    /// The key store beside the database.
    var keyStore: KeyStore { KeyStore.beside(databasePath: database) }
}

/// Reads a passphrase from the first line of a file (never from the command line, where other
/// users could see it in the process list).
func readPassphrase(file: String?) throws -> String? {
    guard let file else { return nil }
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw CommandError("cannot read passphrase file \(file)")
    }
    let passphrase = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    guard !passphrase.isEmpty else { throw CommandError("passphrase file \(file) is empty") }
    return passphrase
}

/// A failure while running a command: printed as one line, exit status 1, no usage text.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to standard output at once (unbuffered), so a person or a test reading the
/// output sees it while the server keeps running.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
