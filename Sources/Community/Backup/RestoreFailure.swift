import Foundation

/// Why a restore was refused: the file, the part of it (a table, a chain, the manifest, a key
/// file) and what is wrong, as one line. A restore that throws this has created, moved and
/// changed nothing.
public struct RestoreFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file at fault (the backup, its manifest, a key file, or the target database).
    public let file: String
    /// The part of the file: `manifest`, `SQLite integrity`, `audit chain (auditEntry)`,
    /// `ballot log of election 2 (ballotLog)` …
    public let part: String
    /// What is wrong.
    public let problem: String

    public init(file: String, part: String, problem: String) {
        self.file = file
        self.part = part
        self.problem = problem
    }

    public var description: String { "\(file): \(part): \(problem) — restore refused, nothing was changed" }
}
