import Foundation
import GRDB

/// A polling-station terminal (投票站终端): a device inside a booth at one of the election's
/// polling stations, unlocked by a clerk of the election for electronic voting under
/// `electronicVoting = station`. The device keeps a random terminal token in a cookie (only its
/// SHA-256 is stored); a voter signs in on it with the voter card only after a clerk at the
/// station has admitted the next voter (`admitted`), one voter per admission. Nothing here
/// records which voter used a terminal, or when: the terminal knows only the session of the
/// voter signed in on it now, which ends with the cast, or when the clerk admits the next voter
/// or locks the terminal.
public struct VotingTerminal: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var electionID: Int64
    public var stationID: Int64
    /// The label on the device (e.g. 1号终端), unique among the election's unlocked terminals.
    public var name: String
    /// SHA-256 (hex) of the terminal token.
    public var tokenHash: String
    /// The clerk (account) who unlocked it.
    public var unlockedBy: Int64?
    /// The day it was unlocked (China time).
    public var unlockedOn: String
    /// A clerk admitted the next voter, who has not signed in yet.
    public var admitted: Bool
    /// Locked again by a clerk: the token no longer works.
    public var locked: Bool
    /// SHA-256 of the session token of the voter signed in on it now (nil when none): ended
    /// when the clerk admits the next voter, so a voter who walks away leaves no ballot open to
    /// the next one.
    public var sessionHash: String? = nil

    public static let databaseTableName = "votingTerminal"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
