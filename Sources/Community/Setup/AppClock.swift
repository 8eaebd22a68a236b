import Foundation
import Synchronization

/// The instant the system treats as "now": every deadline, receipt, audit entry and legal date
/// reads it.
///
/// It is the real time, except in a **rehearsal** (演练): a database made with
/// `xuanyi init --rehearsal` may be served with `xuanyi serve --rehearsal-date D`, which moves
/// the clock so that an election committee can walk through the legal timeline (roll 20 days
/// before, nominations closing 10 days before, the candidate list 5 days before, election day)
/// in one afternoon. The moved day starts at 09:00 China time and the clock runs on from there
/// (about fifteen hours before it reaches the next day); a restart never goes back before the
/// last recorded action. A real community's database refuses the shift (see
/// `AppDatabase.startRehearsalClock`); a rehearsal database resumes its last rehearsal date on
/// every later run (`AppDatabase.resumeRehearsalClock`).
public enum AppClock {
    private static let shiftSeconds = Atomic<Int>(0)

    /// Now, moved by the rehearsal shift (none outside a rehearsal).
    public static func now() -> Date {
        let seconds = shiftSeconds.load(ordering: .relaxed)
        return seconds == 0 ? Date() : Date().addingTimeInterval(TimeInterval(seconds))
    }

    /// Seconds the clock runs ahead of the real time (0 outside a rehearsal).
    public static var shiftedSeconds: Int { shiftSeconds.load(ordering: .relaxed) }

    /// Moves the clock so that it is 09:00 China time on `date` now, or just after `notBefore`
    /// when that is later; returns the shift in seconds.
    @discardableResult
    static func set(today date: CivilDate, notBefore: Date? = nil, realNow: Date = Date()) -> Int {
        let seconds = offset(toToday: date, notBefore: notBefore, realNow: realNow)
        shiftSeconds.store(seconds, ordering: .relaxed)
        return seconds
    }

    /// The shift in seconds that makes `realNow` 09:00 China time on `date`, or one second after
    /// `notBefore` when that is later.
    public static func offset(toToday date: CivilDate, notBefore: Date?, realNow: Date) -> Int {
        var target = date.instant(hour: dayStartsAt)
        if let notBefore, notBefore >= target { target = notBefore.addingTimeInterval(1) }
        return Int(target.timeIntervalSince(realNow).rounded(.up))
    }

    /// The hour (China time) at which a moved rehearsal day starts.
    public static let dayStartsAt = 9
}
