import Foundation

/// Slows down guessing of passwords and access codes with progressive delays instead of
/// lockouts: the first `freeFailures` failures for one name (username, roll number, household)
/// cost nothing; each further one makes the next attempt wait twice as long as the last
/// (`baseDelay`, 2×, 4× … up to `maxDelay`), counted from the latest failure. The same applies
/// per client address with a larger allowance. Nobody is locked out for a quarter of an hour
/// by someone typing their name wrongly five times, and a guesser still gets only a handful of
/// tries an hour. Failures are forgotten after `memory` without a new one; a success clears the
/// name's count. Kept in memory: a restart forgets it.
public actor LoginThrottle {
    public let freeFailures: Int
    public let freeFailuresPerAddress: Int
    public let baseDelay: TimeInterval
    public let maxDelay: TimeInterval
    public let memory: TimeInterval
    private struct Record { var count: Int; var last: Date }
    private var records: [String: Record] = [:]

    public init(freeFailures: Int = 3, freeFailuresPerAddress: Int = 30, baseDelay: TimeInterval = 2, maxDelay: TimeInterval = 5 * 60,
                memory: TimeInterval = 60 * 60) {
        self.freeFailures = freeFailures
        self.freeFailuresPerAddress = freeFailuresPerAddress
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.memory = memory
    }

    /// The wait after `count` failures with `free` of them free.
    func delay(after count: Int, free: Int) -> TimeInterval {
        guard count >= free else { return 0 }
        return min(maxDelay, baseDelay * pow(2, Double(min(count - free, 30))))
    }

    /// Seconds until another attempt is allowed, or nil when it is allowed now.
    public func retryAfter(username: String, address: String, now: Date = Date()) -> TimeInterval? {
        var wait: TimeInterval?
        for (key, free) in [("user:" + username.lowercased(), freeFailures), ("addr:" + address, freeFailuresPerAddress)] {
            guard let record = current(key, now: now) else { continue }
            let remaining = record.last.addingTimeInterval(delay(after: record.count, free: free)).timeIntervalSince(now)
            if remaining > 0 { wait = max(wait ?? 0, remaining) }
        }
        return wait
    }

    /// Records a failed attempt.
    public func recordFailure(username: String, address: String, now: Date = Date()) {
        for key in ["user:" + username.lowercased(), "addr:" + address] {
            var record = current(key, now: now) ?? Record(count: 0, last: now)
            record.count += 1
            record.last = now
            records[key] = record
        }
        if records.count > 100_000 { records = records.filter { $0.value.last > now.addingTimeInterval(-memory) } }
    }

    /// Clears a username's failures after a successful login.
    public func recordSuccess(username: String) {
        records["user:" + username.lowercased()] = nil
    }

    private func current(_ key: String, now: Date) -> Record? {
        guard let record = records[key] else { return nil }
        if record.last < now.addingTimeInterval(-memory) {
            records[key] = nil
            return nil
        }
        return record
    }
}

extension LoginThrottle {
    /// Throws `WebError.tooManyRequests` (429, with the wait in whole minutes) while `username`
    /// or `address` must still wait; returns when another attempt is allowed.
    func requireAllowed(username: String, address: String) throws {
        if let wait = retryAfter(username: username, address: address) {
            throw WebError.tooManyRequests(minutes: max(1, Int((wait / 60).rounded(.up))))
        }
    }
}
