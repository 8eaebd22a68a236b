import Foundation
import Synchronization

/// The instant the system treats as "now": every deadline, receipt, audit entry and legal date
/// reads it.
///
/// It is the real time, except in a **rehearsal** (演练): a database made with
/// `xuanyi init --rehearsal` may be served with `xuanyi serve --rehearsal-date D`, which moves
/// the clock so that an election committee can walk through the legal timeline (roll 20 days
/// before, nominations closing 10 days before, the candidate list 5 days before, election day)
/// in one afternoon. Time of day still runs normally (a restart on the same rehearsal day never
/// goes back before the last recorded action). A real community's database refuses the shift
/// (see `AppDatabase.startRehearsalClock`).
public enum AppClock {
    private static let shiftSeconds = Atomic<Int>(0)

    /// Now, moved by the rehearsal shift (none outside a rehearsal).
    public static func now() -> Date {
        let seconds = shiftSeconds.load(ordering: .relaxed)
        return seconds == 0 ? Date() : Date().addingTimeInterval(TimeInterval(seconds))
    }

    /// Seconds the clock runs ahead of the real time (0 outside a rehearsal).
    public static var shiftedSeconds: Int { shiftSeconds.load(ordering: .relaxed) }

    /// Moves the clock so that today (China Standard Time) is `date` at the real time of day, or
    /// just after `notBefore` when that is later; returns the shift in seconds.
    @discardableResult
    static func set(today date: CivilDate, notBefore: Date? = nil, realNow: Date = Date()) -> Int {
        let seconds = offset(toToday: date, notBefore: notBefore, realNow: realNow)
        shiftSeconds.store(seconds, ordering: .relaxed)
        return seconds
    }

    /// The shift in seconds that makes `realNow` fall on `date` (China Standard Time) at the same
    /// time of day, or one second after `notBefore` when that is later.
    public static func offset(toToday date: CivilDate, notBefore: Date?, realNow: Date) -> Int {
        var seconds = days(from: CivilDate.today(now: realNow), to: date) * 86_400
        if let notBefore, realNow.addingTimeInterval(TimeInterval(seconds)) <= notBefore {
            seconds = Int(notBefore.timeIntervalSince(realNow).rounded(.up)) + 1
        }
        return seconds
    }

    /// Days from `start` to `end` (negative when `end` is earlier).
    static func days(from start: CivilDate, to end: CivilDate) -> Int {
        Int(((end.instant(hour: 12).timeIntervalSince(start.instant(hour: 12))) / 86_400).rounded())
    }
}
