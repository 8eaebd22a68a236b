/// One problem in an import file: where and why.
public struct ImportProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// File line (the header is line 1).
    public let line: Int
    /// The column's header, or `file` for problems of the whole file.
    public let column: String
    public let reason: String

    public init(line: Int, column: String, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String { "line \(line), \(column): \(reason)" }
}

/// What an import did, or would do (dry run), or why it did nothing.
public struct ImportReport: Sendable, Equatable, Codable {
    /// Most problems listed in full; the rest are only counted.
    public static let maximumListedProblems = 200

    /// The encoding the file was read in.
    public var encoding: String
    /// SHA-256 of the file's bytes, recorded in the audit log when applied.
    public var fileDigest: String
    /// Data rows read (header and blank lines excluded).
    public var rows: Int
    public var householdsCreated: Int
    public var residentsCreated: Int
    /// True when the data is now in the database.
    public var applied: Bool
    public var dryRun: Bool
    /// The first problems, in file order.
    public var problems: [ImportProblem]
    /// All problems, listed or not.
    public var problemCount: Int

    /// True when the file has no problem.
    public var isValid: Bool { problemCount == 0 }
}
