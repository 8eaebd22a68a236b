import Foundation
import Testing
@testable import Community

@Suite("citizen ID numbers (GB 11643)")
struct ResidentIDNumberTests {
    // The two examples printed in GB 11643-1999 itself; check characters computed by hand.
    @Test("the standard's example with check character X is valid; birth date and gender come from it")
    func exampleWithX() throws {
        let id = try ResidentIDNumber("11010519491231002X")
        #expect(id.birthDate == CivilDate(year: 1949, month: 12, day: 31))
        #expect(id.gender == .female)
        #expect(id.regionCode == "110105")
        #expect(id.masked == "110105********002X")
    }

    @Test("lower-case x and full-width digits are normalised")
    func normalisation() throws {
        #expect(try ResidentIDNumber(" 11010519491231002x ").value == "11010519491231002X")
        #expect(try ResidentIDNumber("４４０５２４１８８００１０１００１４").value == "440524188001010014")
        #expect(try ResidentIDNumber("440524188001010014").gender == .male)
    }

    @Test("every single-digit typo is caught by the check character")
    func typos() {
        let valid = Array("440524188001010014")
        for position in 0..<17 {
            let original = valid[position].wholeNumberValue!
            let replacement = (original + 1) % 10
            var typo = valid
            typo[position] = Character(String(replacement))
            // Some typos also break the date; either way the number is refused.
            #expect(throws: CommunityError.self) { try ResidentIDNumber(String(typo)) }
        }
    }

    @Test("wrong length, letters, bad dates and a wrong check character each say why", arguments: [
        ("1101051949123100", "18 characters"),
        ("11010519491231A02X", "character 15"),
        ("110105194902300027", "not a valid birth date"),
        ("110105194912310021", "should be X"),
        ("01010519491231002X", "region code"),
    ])
    func refusals(text: String, reason: String) {
        do {
            _ = try ResidentIDNumber(text)
            Issue.record("accepted \(text)")
        } catch let error as CommunityError {
            #expect(error.description.contains(reason), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite("civil dates and age")
struct CivilDateTests {
    @Test("age counts a full year on the anniversary itself")
    func anniversary() {
        let birth = CivilDate(year: 2008, month: 11, day: 26)!
        #expect(birth.age(on: CivilDate(year: 2026, month: 11, day: 25)!) == 17)
        #expect(birth.age(on: CivilDate(year: 2026, month: 11, day: 26)!) == 18)
    }

    @Test("born on 29 February: 18 on 1 March of a common year, not on 28 February")
    func leapDayBirthday() {
        let birth = CivilDate(year: 2008, month: 2, day: 29)!
        #expect(birth.age(on: CivilDate(year: 2026, month: 2, day: 28)!) == 17)
        #expect(birth.age(on: CivilDate(year: 2026, month: 3, day: 1)!) == 18)
        // In a leap year the birthday exists.
        let leapBirth = CivilDate(year: 2010, month: 2, day: 29)
        #expect(leapBirth == nil)
        let born2012 = CivilDate(year: 2012, month: 2, day: 29)!
        #expect(born2012.age(on: CivilDate(year: 2030, month: 2, day: 28)!) == 17)
        #expect(born2012.age(on: CivilDate(year: 2030, month: 3, day: 1)!) == 18)
        #expect(CivilDate(year: 2000, month: 2, day: 29)!.age(on: CivilDate(year: 2028, month: 2, day: 29)!) == 28)
    }

    @Test("parsing accepts the spreadsheet forms and refuses impossible days")
    func parsing() {
        #expect(CivilDate("2026-11-26") == CivilDate(year: 2026, month: 11, day: 26))
        #expect(CivilDate("2026/1/5") == CivilDate(year: 2026, month: 1, day: 5))
        #expect(CivilDate("20260105") == CivilDate(year: 2026, month: 1, day: 5))
        #expect(CivilDate("2026-02-29") == nil)
        #expect(CivilDate("2026-13-01") == nil)
        #expect(CivilDate("yesterday") == nil)
    }

    @Test("adding days crosses months, years and leap days")
    func arithmetic() {
        let date = CivilDate(year: 2028, month: 2, day: 28)!
        #expect(date.adding(days: 1) == CivilDate(year: 2028, month: 2, day: 29))
        #expect(date.adding(days: 2) == CivilDate(year: 2028, month: 3, day: 1))
        #expect(CivilDate(year: 2026, month: 12, day: 31)!.adding(days: 1) == CivilDate(year: 2027, month: 1, day: 1))
        #expect(CivilDate(year: 2026, month: 1, day: 1)!.days(until: CivilDate(year: 2027, month: 1, day: 1)!) == 365)
        #expect(CivilDate(year: 2026, month: 11, day: 26)!.adding(days: -20) == CivilDate(year: 2026, month: 11, day: 6))
    }

    @Test("today is computed in China Standard Time")
    func todayInChina() {
        // 2026-11-26T17:00:00Z is already 27 November in Beijing.
        let instant = Date(timeIntervalSince1970: 1_795_712_400)
        #expect(CivilDate.today(now: instant) == CivilDate(year: 2026, month: 11, day: 27))
    }
}

@Suite("text trimming")
struct TrimmingTests {
    @Test("spaces, tabs, no-break and ideographic spaces are trimmed; inner ones and rare characters kept")
    func trimmed() throws {
        #expect("\u{3000}张 三\u{00A0}\t".trimmedSpaces == "张 三")
        #expect("  ".trimmedSpaces == "")
        #expect("王𠮷".trimmedSpaces == "王𠮷")
        #expect("".trimmedSpaces == "")
        #expect(try ResidentIDNumber("\u{3000}11010519491231002X").value == "11010519491231002X")
    }
}
