import Foundation

/// A lock a process holds on a database for as long as it must have it to itself: `xuanyi
/// serve` for its whole lifetime, `xuanyi restore` while it replaces the file. An exclusive
/// `flock` on `<database>.lock` (mode 0600): the kernel drops it when the process ends, even on
/// SIGKILL, so a crashed server never leaves a stale lock. The file names the holder.
public final class DatabaseLock: @unchecked Sendable {
    private var descriptor: Int32
    /// The lock file.
    public let path: String

    /// The lock file of a database.
    public static func path(forDatabase database: String) -> String { database + ".lock" }

    /// Takes the lock for `purpose` (`xuanyi serve`, `xuanyi restore`), or throws naming the
    /// process that holds it. Never waits.
    public static func acquire(database: String, purpose: String) throws -> DatabaseLock {
        try acquire(database: database, purpose: purpose, createFile: true)!
    }

    /// Takes the lock; without `createFile`, only when the lock file exists (nil otherwise: no
    /// process can hold it).
    public static func acquire(database: String, purpose: String, createFile: Bool) throws -> DatabaseLock? {
        let path = Self.path(forDatabase: database)
        let fd = open(path, O_RDWR | O_CLOEXEC | (createFile ? O_CREAT : 0), 0o600)
        if fd < 0 && errno == ENOENT && !createFile { return nil }
        guard fd >= 0 else { throw CommunityError.notAllowed("\(path): cannot open the lock file: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(fd)
            close(fd)
            throw CommunityError.notAllowed("\(database) is in use by \(holder.isEmpty ? "another process" : holder) (it holds \(path)): stop it first")
        }
        // Name the holder in the file, for the message another process shows.
        let text = "\(purpose) (pid \(getpid()))"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return DatabaseLock(descriptor: fd, path: path)
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return "" }
        return String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Gives the lock up (also done when the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
