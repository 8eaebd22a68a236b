import Foundation
import GRDB
import Testing
@testable import Community
import Notary

/// Valid ID numbers for test input, computed here independently of ResidentIDNumber.
func testID(region: String = "110101", birth: String, sequence: Int) -> String {
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let first17 = region + birth + String(format: "%03d", sequence % 1000)
    let sum = zip(first17.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
    return first17 + String(Array("10X98765432")[sum % 11])
}

let sampleFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/samples/residents.csv")

let header = "姓名,公民身份号码,性别,户号,与户主关系,楼栋,单元,房号"

@Suite("residents import", .serialized)
struct ImportTests {
    let today = CivilDate(year: 2026, month: 11, day: 26)!

    func run(_ csv: String, encoding: String.Encoding = .utf8, bom: Bool = false, dryRun: Bool = false,
             database existing: (AppDatabase, Community)? = nil) throws -> (ImportReport, AppDatabase, Community) {
        let (database, community) = try existing ?? makeDatabaseWithCommunity()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var data = bom ? Data([0xEF, 0xBB, 0xBF]) : Data()
        data.append(csv.data(using: encoding)!)
        try data.write(to: url)
        let report = try ResidentImporter(database: database, communityID: community.id!, today: today)
            .run(file: url, dryRun: dryRun, actor: .commandLine)
        return (report, database, community)
    }

    func residentCount(_ database: AppDatabase) throws -> Int {
        try database.reader.read { db in try Resident.fetchCount(db) }
    }

    @Test("the documented sample imports: households from head rows, rare characters kept, audit pins the file digest")
    func sample() throws {
        let (database, community) = try makeDatabaseWithCommunity()
        let report = try ResidentImporter(database: database, communityID: community.id!, today: today)
            .run(file: sampleFile, dryRun: false, actor: .commandLine)
        #expect(report.problems == [])
        #expect(report.applied && report.rows == 6 && report.householdsCreated == 4 && report.residentsCreated == 6)
        #expect(report.encoding == "UTF-8")
        let residents = try database.reader.read { db in try Resident.fetchAll(db) }
        let rare = try #require(residents.first { $0.name == "王𠮷" })
        #expect(rare.birthDate == CivilDate(year: 2008, month: 2, day: 29))
        let away = try #require(residents.first { $0.name == "张伟" })
        #expect(away.hukouHere && !away.livesHere)
        let elsewhere = try #require(residents.first { $0.name == "欧阳娜" })
        #expect(!elsewhere.hukouHere && elsewhere.livingSince == CivilDate(year: 2023, month: 6, day: 15))
        let basis = try database.reader.read { db in try String.fetchOne(db, sql: "SELECT basis FROM household WHERE number = 'H0002'") }
        #expect(basis == "residence")
        // A member lives at the head's address.
        let member = try #require(residents.first { $0.name == "李秀英" })
        #expect(member.residenceAddressID != nil && member.residenceAddressID == residents.first { $0.name == "王建国" }?.residenceAddressID)
        // The audit entry carries the file's SHA-256, as sha256sum computes it.
        let digest = try OpenSSLDigest.sha256(of: sampleFile)
        #expect(report.fileDigest == digest)
        let entry = try #require(try database.recentAuditEntries(limit: 1).first)
        #expect(entry.action == "residents.import" && entry.details.contains(digest))
        #expect(try database.verifyAudit().isIntact)
    }

    @Test("a GB18030 file (as Excel writes it) and a UTF-8 file with BOM import the same")
    func encodings() throws {
        let text = try String(contentsOf: sampleFile, encoding: .utf8)
        let gbURL = FileManager.default.temporaryDirectory.appendingPathComponent("gb-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: gbURL) }
        // Converted by the system's iconv tool, independently of the importer.
        let converted = try Process.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030", sampleFile.path])
        try converted.write(to: gbURL)
        #expect(converted != Data(text.utf8))
        let (database, community) = try makeDatabaseWithCommunity()
        let report = try ResidentImporter(database: database, communityID: community.id!, today: today).run(file: gbURL, dryRun: false, actor: .commandLine)
        #expect(report.encoding == "GB18030")
        #expect(report.applied && report.residentsCreated == 6)
        let names = Set(try database.reader.read { db in try String.fetchAll(db, sql: "SELECT name FROM resident") })
        #expect(names == ["王建国", "李秀英", "王𠮷", "欧阳娜", "张伟", "赵敏"])

        let (bomReport, _, _) = try run(text, bom: true)
        #expect(bomReport.encoding == "UTF-8" && bomReport.applied && bomReport.residentsCreated == 6)
    }

    @Test("a GB18030 file larger than one read chunk: characters split across chunks are joined")
    func largeGB18030() throws {
        var lines = [header]
        for index in 0..<20_000 {
            let id = testID(birth: "19\(50 + index % 40)0\(1 + index % 9)1\(index % 9)", sequence: index % 999)
            lines.append("欧阳𠮷娜\(index),\(id),,H\(index),户主,\(index % 30)号楼东区,一单元,第\(index)室")
        }
        let csv = lines.joined(separator: "\n") + "\n"
        let gb = try Process.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030"], input: Data(csv.utf8))
        #expect(gb.count > 1 << 20)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try gb.write(to: url)
        let (database, community) = try makeDatabaseWithCommunity()
        let report = try ResidentImporter(database: database, communityID: community.id!, today: today).run(file: url, dryRun: true, actor: .commandLine)
        // Duplicate IDs are possible in this synthetic data; the point is that every name decoded.
        #expect(report.rows == 20_000)
        #expect(!report.problems.contains { $0.column == "file" || $0.reason.contains("UTF-8") || $0.column.hasPrefix("line") })
        #expect(report.encoding == "GB18030")
    }

    @Test("one bad row: nothing is imported, and the report names line, column and reason")
    func allOrNothing() throws {
        // GB 11643's own example 11010519491231002X with its check character mistyped.
        let bad = testID(region: "110105", birth: "19491231", sequence: 2).dropLast() + "1"
        let csv = """
        \(header)
        王建国,\(testID(birth: "19650312", sequence: 21)),男,H1,户主,1号楼,1单元,101
        李秀英,\(bad),女,H1,配偶,,,
        """
        let (report, database, _) = try run(csv)
        #expect(!report.applied)
        #expect(report.problems == [ImportProblem(line: 3, column: "公民身份号码", reason: "check character is 1 but should be X: a digit was mistyped")])
        #expect(try residentCount(database) == 0)
        #expect(try database.reader.read { db in try Household.fetchCount(db) } == 0)
    }

    @Test("a member listed before the head of household is attached to the household and its address")
    func memberBeforeHead() throws {
        let csv = """
        \(header)
        李秀英,\(testID(birth: "19670824", sequence: 42)),女,H1,配偶,,,
        王建国,\(testID(birth: "19650312", sequence: 21)),男,H1,户主,1号楼,1单元,101
        """
        let (report, database, _) = try run(csv)
        #expect(report.applied && report.householdsCreated == 1 && report.residentsCreated == 2)
        let rows = try database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT name, householdID, residenceAddressID FROM resident ORDER BY id")
        }
        #expect(rows.count == 2)
        #expect(rows[0]["householdID"] as Int64? != nil && rows[0]["householdID"] as Int64? == rows[1]["householdID"] as Int64?)
        #expect(rows[0]["residenceAddressID"] as Int64? != nil && rows[0]["residenceAddressID"] as Int64? == rows[1]["residenceAddressID"] as Int64?)
    }

    @Test("duplicate ID in the file names the first line; against the database, says so")
    func duplicates() throws {
        let id = testID(birth: "19800101", sequence: 35)
        let csv = """
        \(header)
        张伟,\(id),男,H1,户主,3号楼,2单元,301
        张伟,\(id),男,H1,子,,,
        """
        let (report, _, _) = try run(csv)
        #expect(report.problems.map(\.line) == [3])
        #expect(report.problems.first?.reason.contains("already on line 2") == true)

        let (database, community) = try makeDatabaseWithCommunity()
        try database.addResident(Resident(communityID: community.id!, name: "张伟", gender: .male, idNumber: ResidentIDNumber(id)), actor: .commandLine)
        let (second, _, _) = try run("\(header)\n张伟,\(id),男,H9,户主,1号楼,1单元,1\n", database: (database, community))
        #expect(second.problems.first?.reason.contains("already registered") == true)
        #expect(try residentCount(database) == 1)
    }

    @Test("unknown household, two heads, gender against the ID, bad dates and flags are each reported")
    func rowRules() throws {
        let csv = """
        姓名,公民身份号码,性别,户号,与户主关系,楼栋,单元,房号,居住起始日期,户籍在本社区
        甲,\(testID(birth: "19700101", sequence: 11)),女,H1,户主,1号楼,1单元,1,2020-02-30,是
        乙,\(testID(birth: "19700102", sequence: 13)),男,H2,子,,,,,
        丙,\(testID(birth: "19700103", sequence: 15)),男,H3,户主,1号楼,1单元,2,,也许
        丁,\(testID(birth: "19700104", sequence: 17)),男,H3,户主,1号楼,1单元,3,,
        戊,\(testID(birth: "19700105", sequence: 19)),男,H4,户主,,,,,
        """
        let (report, database, _) = try run(csv)
        let byLine = Dictionary(grouping: report.problems, by: \.line)
        #expect(byLine[2]?.map(\.column).sorted() == ["居住起始日期", "性别"])
        #expect(byLine[3]?.first?.reason.contains("unknown household H2") == true)
        #expect(byLine[4]?.first?.column == "户籍在本社区")
        #expect(byLine[5]?.first?.reason.contains("already has its head on line 4") == true)
        #expect(byLine[6]?.first?.column == "楼栋")
        #expect(try residentCount(database) == 0)
    }

    @Test("headers: English names work; unknown and missing columns are refused")
    func headers() throws {
        let ok = try run("name,idNumber,household,relation,building,room\nAmy,\(testID(birth: "19900101", sequence: 2)),H1,head,B1,101\n")
        #expect(ok.0.applied && ok.0.residentsCreated == 1)
        let (report, _, _) = try run("姓名,身份证,户号\n甲,1,H1\n")
        let reasons = report.problems.map(\.reason)
        #expect(reasons.contains { $0.contains("unknown column \"身份证\"") })
        #expect(reasons.contains { $0.contains("missing column 公民身份号码") })
        #expect(reasons.contains { $0.contains("missing column 与户主关系") })
    }

    @Test("quoted fields may hold commas, quotes and line breaks; line numbers stay right")
    func quoting() throws {
        let csv = "姓名,公民身份号码,户号,与户主关系,楼栋,房号,户籍地址\r\n" +
            "甲,\(testID(birth: "19700101", sequence: 11)),H1,户主,1号楼,1,\"北京市,和平区\r\n\"\"安和\"\"街道\"\r\n" +
            "乙,bad-id,H1,子,,,\r\n"
        let (report, _, _) = try run(csv)
        #expect(report.problems.map(\.line) == [4])
        let (good, database, _) = try run(String(csv.split(separator: "\r\n", omittingEmptySubsequences: false).prefix(3).joined(separator: "\r\n")) + "\r\n")
        #expect(good.applied)
        let address = try database.reader.read { db in try String.fetchOne(db, sql: "SELECT hukouAddress FROM household") }
        #expect(address == "北京市,和平区\r\n\"安和\"街道")
    }

    @Test("more than 200 problems: 200 listed in full and all counted")
    func manyProblems() throws {
        let rows = (0..<450).map { "人\($0),not-an-id,H\($0),户主,1号楼,1单元,\($0)" }
        let (report, _, _) = try run(([header.replacingOccurrences(of: ",性别", with: "")] + rows).joined(separator: "\n"))
        #expect(report.problems.count == 200)
        #expect(report.problemCount == 450)
        #expect(report.problems.first?.line == 2)
    }

    @Test("dry run checks everything and writes nothing")
    func dryRun() throws {
        let text = try String(contentsOf: sampleFile, encoding: .utf8)
        let (report, database, _) = try run(text, dryRun: true)
        #expect(report.isValid && !report.applied && report.dryRun)
        #expect(try residentCount(database) == 0)
    }

    @Test("UTF-16 and undecodable bytes are refused with a reason")
    func badEncodings() throws {
        #expect(throws: CommunityError.self) { try run(header + "\n", encoding: .utf16LittleEndian, bom: false) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var data = Data((header + "\n甲,1,H1,户主,1,1,1\n").utf8)
        data.append(contentsOf: [0xFF, 0xFF, 0xFF, 0x0A])
        try data.write(to: url)
        let (database, community) = try makeDatabaseWithCommunity()
        do {
            _ = try ResidentImporter(database: database, communityID: community.id!, today: today).run(file: url, dryRun: false, actor: .commandLine)
            Issue.record("undecodable file accepted")
        } catch let error as CommunityError {
            #expect(error.description.contains("line 3"))
        }
    }
}

enum OpenSSLDigest {
    /// SHA-256 of a file as `sha256sum` prints it.
    static func sha256(of url: URL) throws -> String {
        String(String(decoding: try Process.run("/usr/bin/sha256sum", [url.path]), as: UTF8.self).prefix(64))
    }
}

extension Process {
    /// Runs a program to completion and returns its standard output.
    static func run(_ path: String, _ arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardInput = inPipe
        try process.run()
        let writer = Thread {
            if let input { inPipe.fileHandleForWriting.write(input) }
            try? inPipe.fileHandleForWriting.close()
        }
        writer.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
