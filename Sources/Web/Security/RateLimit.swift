import Foundation

/// A cap on how often one client may do something anonymous (filing an objection to the roll):
/// at most `limit` times per `window` per client address; staff sessions are not limited.
/// Without it a script could flood the committee's objection list, which the law makes it
/// answer within days, and the receipts signed for each.
actor RateLimit {
    let limit: Int
    let window: TimeInterval
    private var events: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts one more event for `key`; throws 429 when the key is over its limit.
    func admit(_ key: String, now: Date = Date()) throws {
        let recent = (events[key] ?? []).filter { $0 > now.addingTimeInterval(-window) }
        guard recent.count < limit else {
            events[key] = recent
            let wait = (recent.first ?? now).addingTimeInterval(window).timeIntervalSince(now)
            throw WebError.tooManyRequests(minutes: max(1, Int((wait / 60).rounded(.up))))
        }
        events[key] = recent + [now]
        if events.count > 100_000 { events = events.filter { $0.value.last.map { $0 > now.addingTimeInterval(-window) } ?? false } }
    }
}
