import Foundation

/// Where password and access-code hashing (scrypt) runs: on its own few threads, never on the
/// server's shared executor, with a bound on how many run at once and how many may wait. Each
/// scrypt takes tens of milliseconds of CPU and 16 MiB; sixteen failed logins at once on the
/// shared pool used to delay `/health` and every page. When the queue is full the request is
/// answered at once instead of piling up: 503 with `Retry-After: 1` (`WebError.busy`) — the
/// password was not checked, so it is not a failed attempt and a retry is welcome.
final class PasswordWork: @unchecked Sendable {
    static let shared = PasswordWork(concurrency: max(1, ProcessInfo.processInfo.activeProcessorCount / 2), queueLimit: 32)

    private let queue: OperationQueue
    private let queueLimit: Int
    private let lock = NSLock()
    private var admitted = 0

    init(concurrency: Int, queueLimit: Int) {
        queue = OperationQueue()
        queue.name = "xuanyi.password-work"
        queue.maxConcurrentOperationCount = concurrency
        queue.qualityOfService = .userInitiated
        self.queueLimit = queueLimit
    }

    /// Hashes running or waiting now.
    var inFlight: Int { lock.withLock { admitted } }

    /// Runs `body` (a password or access-code check) on the password threads.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let admittedNow = lock.withLock { () -> Bool in
            guard admitted < queueLimit else { return false }
            admitted += 1
            return true
        }
        guard admittedNow else { throw WebError.busy }
        defer { lock.withLock { admitted -= 1 } }
        return try await withCheckedThrowingContinuation { continuation in
            queue.addOperation { continuation.resume(with: Result { try body() }) }
        }
    }
}
