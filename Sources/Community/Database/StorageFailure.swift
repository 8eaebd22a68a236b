import GRDB

/// Why the database could not take a write (or a read): the disk is full, the file is
/// read-only, or storage is failing or busy. The transaction that hit it rolled back, so
/// nothing half-written remains and nothing was acknowledged; the web answers 503 and asks
/// to try again instead of showing an internal error.
public enum StorageFailure: String, Sendable, Equatable {
    case full
    case readOnly
    case unavailable

    /// The storage failure behind `error`, if it is one.
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: self = .full
        case .SQLITE_READONLY: self = .readOnly
        case .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PROTOCOL: self = .unavailable
        default: return nil
        }
    }
}
