import Foundation
import GRDB
internal import GRDBSQLite
import Notary

/// Imports households and residents from a CSV file (docs/import-format.md) in one streaming
/// pass inside one write transaction: every row is validated and, while no problem has been
/// found, written. Validation goes on to the end so that every problem is reported; if there
/// is any (or for a dry run) the transaction is rolled back. So an import applies fully or
/// changes nothing, and memory stays small whatever the file's size.
///
/// A household is created by its head's row (与户主关系 = 户主), which carries the address;
/// members refer to it by household number (户号), in the file (before or after them) or
/// already in the database.
public struct ResidentImporter: Sendable {
    /// Which part of the work a progress report is about.
    public enum Phase: String, Sendable { case validating, writing }

    public let database: AppDatabase
    public let communityID: Int64
    /// Dates after this are refused (birth dates, living-since dates).
    public let today: CivilDate

    public init(database: AppDatabase, communityID: Int64, today: CivilDate = .today()) {
        self.database = database
        self.communityID = communityID
        self.today = today
    }

    /// Thrown inside the transaction to roll it back when the file has problems or for a dry run.
    private struct RollBack: Error {}

    struct HouseholdPlan {
        let number: String
        let building: String
        let unit: String
        let room: String
        let hukouAddress: String?
        let basis: HouseholdBasis
    }

    /// Collects problems: all are counted, the first `maximumListedProblems` kept.
    struct Problems {
        var listed: [ImportProblem] = []
        var count = 0
        mutating func add(_ line: Int, _ column: String, _ reason: String) {
            count += 1
            if listed.count < ImportReport.maximumListedProblems { listed.append(ImportProblem(line: line, column: column, reason: reason)) }
        }
    }

    /// Validates `url` and, unless `dryRun` or a problem is found, applies it.
    /// `progress` is called every 10,000 rows.
    public func run(file url: URL, dryRun: Bool, actor: Actor,
                    progress: (@Sendable (Phase, Int) -> Void)? = nil) throws -> ImportReport {
        let reader = try CSVReader(url: url)
        var report = ImportReport(encoding: reader.encoding.rawValue, fileDigest: "", rows: 0, householdsCreated: 0,
                                  residentsCreated: 0, applied: false, dryRun: dryRun, problems: [], problemCount: 0)
        var problems = Problems()
        do {
            try database.writer.write { db in
                // A large import touches every page of four indexes: give SQLite a 64 MiB page
                // cache for it (default 2 MiB) so pages are not spilled and re-read, then restore.
                let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                try db.execute(sql: "PRAGMA cache_size = -65536")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
                try importRows(db, reader: reader, dryRun: dryRun, report: &report, problems: &problems, progress: progress)
                report.fileDigest = reader.digest()?.hex ?? ""
                report.problems = problems.listed.sorted { $0.line < $1.line }
                report.problemCount = problems.count
                guard problems.count == 0, !dryRun else { throw RollBack() }
                try AuditLog.append(db, actor: actor, action: "residents.import", subject: "community:\(communityID)", details: [
                    "file": report.fileDigest, "encoding": report.encoding,
                    "rows": String(report.rows), "households": String(report.householdsCreated),
                ])
            }
            report.applied = true
            report.residentsCreated = report.rows
        } catch is RollBack {
            report.householdsCreated = 0
        }
        return report
    }

    func importRows(_ db: Database, reader: CSVReader, dryRun: Bool, report: inout ImportReport, problems: inout Problems,
                    progress: (@Sendable (Phase, Int) -> Void)?) throws {
        guard let header = try reader.next() else {
            problems.add(1, "file", "the file is empty: it needs a header row and at least one resident")
            return
        }
        let (positions, headerErrors) = ResidentColumn.map(header: header.fields)
        for error in headerErrors { problems.add(header.line, "header", error) }
        guard headerErrors.isEmpty else { return }

        var existingIDs = Set<UInt64>()
        let idCursor = try String.fetchCursor(db, sql: "SELECT idNumber FROM resident WHERE communityID = ?", arguments: [communityID])
        while let id = try idCursor.next() { if let key = Self.key(id) { existingIDs.insert(key) } }
        var householdIDs: [String: Int64] = [:]
        let existingRows = try Row.fetchCursor(db, sql: "SELECT id, number FROM household WHERE communityID = ?", arguments: [communityID])
        while let row = try existingRows.next() { householdIDs[row["number"]] = row["id"] }
        let existingHouseholds = Set(householdIDs.keys)

        let writer = dryRun ? nil : try RowWriter(db, communityID: communityID)
        var headLines: [String: Int] = [:]
        var referencedBy: [String: Int] = [:]
        var idLines: [UInt64: Int] = [:]
        /// Residents written before their household's head row: fixed up at the end.
        var waiting: [String: [Int64]] = [:]
        let relationColumn = positions[.relation], householdColumn = positions[.household]
        while let record = try reader.next() {
            report.rows += 1
            if report.rows % 10_000 == 0 { progress?(problems.count == 0 && !dryRun ? .writing : .validating, report.rows) }
            // Household structure is checked from the raw fields, so a row with another problem
            // still counts as its household's head and duplicates are all reported.
            let number = householdColumn.flatMap { $0 < record.fields.count ? record.fields[$0].trimmedSpaces : nil } ?? ""
            let relation = relationColumn.flatMap { $0 < record.fields.count ? record.fields[$0].trimmedSpaces : nil } ?? ""
            if !number.isEmpty {
                if Self.isHead(relation) {
                    if let first = headLines[number] {
                        problems.add(record.line, ResidentColumn.relation.headers[0], "household \(number) already has its head on line \(first)")
                    } else if existingHouseholds.contains(number) {
                        problems.add(record.line, ResidentColumn.household.headers[0], "household \(number) already exists; add members without a 户主 row")
                    } else {
                        headLines[number] = record.line
                    }
                } else if !existingHouseholds.contains(number), referencedBy[number] == nil {
                    referencedBy[number] = record.line
                }
            }
            guard let row = parse(record, positions: positions, problems: &problems) else { continue }
            if let key = Self.key(row.resident.idNumber.value) {
                if let first = idLines[key] {
                    problems.add(record.line, ResidentColumn.idNumber.headers[0], "\(row.resident.idNumber.masked) is already on line \(first)")
                } else {
                    idLines[key] = record.line
                    if existingIDs.contains(key) {
                        problems.add(record.line, ResidentColumn.idNumber.headers[0], "\(row.resident.idNumber.masked) is already registered in this community")
                    }
                }
            }
            // Write while the file is clean so far; after the first problem only validate.
            guard let writer, problems.count == 0 else { continue }
            if let plan = row.household, headLines[plan.number] == record.line {
                householdIDs[plan.number] = try writer.household(plan)
                report.householdsCreated += 1
            }
            let residentID = try writer.resident(row.resident, householdID: householdIDs[row.householdNumber])
            if householdIDs[row.householdNumber] == nil { waiting[row.householdNumber, default: []].append(residentID) }
        }
        for (number, line) in referencedBy.sorted(by: { $0.value < $1.value }) where headLines[number] == nil {
            problems.add(line, ResidentColumn.household.headers[0], "unknown household \(number): no 户主 row for it in the file or the database")
        }
        if report.rows == 0 { problems.add(header.line, "file", "no resident rows after the header") }
        if let writer, problems.count == 0 {
            for (number, residents) in waiting {
                guard let householdID = householdIDs[number] else { continue }
                for residentID in residents { try writer.attach(residentID: residentID, householdID: householdID) }
            }
        }
    }

    /// Prepared statements for writing rows, bound once per import.
    final class RowWriter {
        let db: Database
        let communityID: Int64
        let insertResident: Statement
        let insertHousehold: Statement
        let findAddress: Statement
        let insertAddress: Statement
        let attachResident: Statement
        var addresses: [String: Int64] = [:]
        /// Each created household's address, so residents get it without a lookup.
        var householdAddress: [Int64: Int64] = [:]
        /// The creation time, converted to the database's text form once.
        let now: String

        init(_ db: Database, communityID: Int64) throws {
            self.db = db
            self.communityID = communityID
            insertResident = try db.makeStatement(sql: """
                INSERT INTO resident (communityID, name, gender, idNumber, birthDate, ethnicity, phone, householdID, relationToHead,
                    residenceAddressID, livingSince, politicalRights, hukouHere, livesHere, workingSince, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            insertHousehold = try db.makeStatement(sql: "INSERT INTO household (communityID, number, addressID, basis, hukouAddress) VALUES (?, ?, ?, ?, ?)")
            findAddress = try db.makeStatement(sql: "SELECT id FROM address WHERE communityID = ? AND building = ? AND unit = ? AND room = ?")
            insertAddress = try db.makeStatement(sql: "INSERT INTO address (communityID, building, unit, room) VALUES (?, ?, ?, ?)")
            attachResident = try db.makeStatement(sql: "UPDATE resident SET householdID = ?1, residenceAddressID = (SELECT addressID FROM household WHERE id = ?1) WHERE id = ?2")
            now = String.fromDatabaseValue(AppClock.now().databaseValue) ?? ""
        }

        func household(_ plan: HouseholdPlan) throws -> Int64 {
            let key = "\(plan.building)\u{1F}\(plan.unit)\u{1F}\(plan.room)"
            let addressID: Int64
            if let known = addresses[key] {
                addressID = known
            } else if let found = try Int64.fetchOne(findAddress, arguments: [communityID, plan.building, plan.unit, plan.room]) {
                addressID = found
                addresses[key] = found
            } else {
                try insertAddress.execute(arguments: [communityID, plan.building, plan.unit, plan.room])
                addressID = db.lastInsertedRowID
                addresses[key] = addressID
            }
            try insertHousehold.execute(arguments: [communityID, plan.number, addressID, plan.basis.rawValue, plan.hukouAddress])
            let householdID = db.lastInsertedRowID
            householdAddress[householdID] = addressID
            return householdID
        }

        /// Inserts one resident, binding the values straight to the prepared statement: this
        /// runs once per row, and GRDB's general argument handling costs more than the insert.
        func resident(_ resident: Resident, householdID: Int64?) throws -> Int64 {
            let statement = insertResident.sqliteStatement
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            let addressID = householdID.flatMap { householdAddress[$0] }
            var index: Int32 = 0
            func bind(_ value: Int64?) {
                index += 1
                if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
            }
            func bind(_ value: String?) {
                index += 1
                guard let value else { sqlite3_bind_null(statement, index); return }
                _ = value.utf8CString.withUnsafeBufferPointer { buffer in
                    sqlite3_bind_text(statement, index, buffer.baseAddress, Int32(buffer.count - 1), Self.transient)
                }
            }
            bind(communityID)
            bind(resident.name)
            bind(resident.gender.rawValue)
            bind(resident.idNumber.value)
            bind(resident.birthDate.description)
            bind(resident.ethnicity)
            bind(resident.phone)
            bind(householdID)
            bind(resident.relationToHead)
            bind(addressID)
            bind(resident.livingSince?.description)
            bind(resident.politicalRights.rawValue)
            bind(resident.hukouHere ? 1 : 0)
            bind(resident.livesHere ? 1 : 0)
            bind(resident.workingSince?.description)
            bind(now)
            let code = sqlite3_step(statement)
            sqlite3_reset(statement)
            guard code == SQLITE_DONE else {
                throw CommunityError.notAllowed("could not store \(resident.idNumber.masked): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
            }
            return db.lastInsertedRowID
        }

        /// SQLite copies the bound text (SQLITE_TRANSIENT).
        static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        func attach(residentID: Int64, householdID: Int64) throws {
            try attachResident.execute(arguments: [householdID, residentID])
        }
    }

    struct ParsedRow {
        var resident: Resident
        var householdNumber: String
        var household: HouseholdPlan?
    }

    /// Parses and checks one record; adds every problem it has and returns nil if any.
    func parse(_ record: CSVRecord, positions: [ResidentColumn: Int], problems: inout Problems) -> ParsedRow? {
        let before = problems.count
        func value(_ column: ResidentColumn) -> String {
            guard let index = positions[column], index < record.fields.count else { return "" }
            return record.fields[index].trimmedSpaces
        }
        func fail(_ column: ResidentColumn, _ reason: String) { problems.add(record.line, column.headers[0], reason) }
        let expected = (positions.values.max() ?? 0) + 1
        if record.fields.count < expected {
            problems.add(record.line, "row", "has \(record.fields.count) fields, the header has \(expected)")
            return nil
        }

        let name = value(.name)
        if name.isEmpty { fail(.name, "must not be empty") } else if name.count > 50 { fail(.name, "longer than 50 characters") }
        var idNumber: ResidentIDNumber?
        do {
            idNumber = try ResidentIDNumber(value(.idNumber))
            if let id = idNumber, id.birthDate > today { fail(.idNumber, "birth date \(id.birthDate) is in the future"); idNumber = nil }
        } catch let error as CommunityError {
            if case .invalid(_, let reason) = error { fail(.idNumber, reason) } else { fail(.idNumber, error.description) }
        } catch { fail(.idNumber, "\(error)") }
        var gender = idNumber?.gender ?? .male
        let genderText = value(.gender)
        if !genderText.isEmpty {
            if let parsed = Gender(text: genderText) {
                if let id = idNumber, parsed != id.gender { fail(.gender, "is \(parsed.chinese) but the ID number says \(id.gender.chinese)") }
                gender = parsed
            } else { fail(.gender, "\"\(genderText)\" is not 男 or 女") }
        }
        let householdNumber = value(.household)
        if householdNumber.isEmpty { fail(.household, "must not be empty") }
        let relation = value(.relation)
        if relation.isEmpty { fail(.relation, "must not be empty (户主 for the head of household)") }
        let hukouHere = parseYesNo(value(.hukouHere), default: true) ?? { fail(.hukouHere, "must be 是 or 否"); return true }()
        let livesHere = parseYesNo(value(.livesHere), default: true) ?? { fail(.livesHere, "must be 是 or 否"); return true }()
        let livingSince = parseDate(value(.livingSince), column: .livingSince, fail: fail)
        let workingSince = parseDate(value(.workingSince), column: .workingSince, fail: fail)
        var rights = PoliticalRights.held
        switch value(.politicalRights).lowercased() {
        case "", "有", "享有", "是", "held", "yes": rights = .held
        case "无", "被剥夺", "剥夺", "否", "deprived", "no": rights = .deprived
        default: fail(.politicalRights, "\"\(value(.politicalRights))\" is not 有 or 被剥夺")
        }
        let phone = value(.phone)
        if !phone.isEmpty {
            let digits = phone.filter(\.isNumber)
            if digits.count < 7 || digits.count > 15 || !phone.allSatisfy({ $0.isNumber || "-+ ()".contains($0) }) {
                fail(.phone, "\"\(phone)\" is not a phone number")
            }
        }
        let isHead = Self.isHead(relation)
        if isHead, value(.building).isEmpty, value(.room).isEmpty {
            fail(.building, "the head of household's row needs the address (楼栋, 单元, 房号)")
        }
        guard problems.count == before, let idNumber else { return nil }
        let ethnicity = value(.ethnicity).isEmpty ? "汉族" : value(.ethnicity)
        let resident = Resident(communityID: communityID, name: name, gender: gender, idNumber: idNumber, ethnicity: ethnicity,
                                phone: phone.nilIfEmpty, relationToHead: relation, livingSince: livingSince, politicalRights: rights,
                                hukouHere: hukouHere, livesHere: livesHere, workingSince: workingSince)
        let plan = isHead ? HouseholdPlan(number: householdNumber, building: value(.building), unit: value(.unit), room: value(.room),
                                          hukouAddress: value(.hukouAddress).nilIfEmpty, basis: hukouHere ? .hukou : .residence) : nil
        return ParsedRow(resident: resident, householdNumber: householdNumber, household: plan)
    }

    /// 户主 (or `head`) marks the head of household.
    static func isHead(_ relation: String) -> Bool { relation == "户主" || relation.lowercased() == "head" }

    func parseYesNo(_ text: String, default value: Bool) -> Bool? {
        switch text.lowercased() {
        case "": return value
        case "是", "y", "yes", "true", "1": return true
        case "否", "n", "no", "false", "0": return false
        default: return nil
        }
    }

    func parseDate(_ text: String, column: ResidentColumn, fail: (ResidentColumn, String) -> Void) -> CivilDate? {
        guard !text.isEmpty else { return nil }
        guard let date = CivilDate(text) else { fail(column, "\"\(text)\" is not a date (YYYY-MM-DD)"); return nil }
        if date > today { fail(column, "\(date) is in the future"); return nil }
        return date
    }

    /// A compact numeric key for an ID number (17 digits and the check value), for duplicate checks.
    static func key(_ id: String) -> UInt64? {
        let chars = Array(id.utf8)
        guard chars.count == 18 else { return nil }
        var value: UInt64 = 0
        for char in chars.prefix(17) {
            guard char >= 48, char <= 57 else { return nil }
            value = value * 10 + UInt64(char - 48)
        }
        let last = chars[17]
        let check: UInt64 = last == UInt8(ascii: "X") ? 10 : UInt64(last &- 48)
        guard check <= 10 else { return nil }
        return value * 11 + check
    }
}
