import Foundation

/// Slows down password guessing: after `maxFailures` failed logins for one username, or
/// `maxFailuresPerAddress` from one client address, within `window`, further attempts are
/// refused until the window has passed since the first of them. A success clears the
/// username's count. Kept in memory: a restart forgets it, which costs an attacker a restart.
public actor LoginThrottle {
    public let maxFailures: Int
    public let maxFailuresPerAddress: Int
    public let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    public init(maxFailures: Int = 5, maxFailuresPerAddress: Int = 30, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
    }

    /// Seconds until another attempt is allowed, or nil when it is allowed now.
    public func retryAfter(username: String, address: String, now: Date = Date()) -> TimeInterval? {
        let checks = [("user:" + username.lowercased(), maxFailures), ("addr:" + address, maxFailuresPerAddress)]
        var wait: TimeInterval?
        for (key, limit) in checks {
            let recent = prune(key, now: now)
            if recent.count >= limit, let first = recent.first {
                wait = max(wait ?? 0, first.addingTimeInterval(window).timeIntervalSince(now))
            }
        }
        return wait
    }

    /// Records a failed attempt.
    public func recordFailure(username: String, address: String, now: Date = Date()) {
        for key in ["user:" + username.lowercased(), "addr:" + address] {
            failures[key, default: []].append(now)
        }
        if failures.count > 100_000 { failures = failures.filter { !$0.value.isEmpty && $0.value.last! > now.addingTimeInterval(-window) } }
    }

    /// Clears a username's failures after a successful login.
    public func recordSuccess(username: String) {
        failures["user:" + username.lowercased()] = nil
    }

    private func prune(_ key: String, now: Date) -> [Date] {
        let recent = (failures[key] ?? []).filter { $0 > now.addingTimeInterval(-window) }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}
