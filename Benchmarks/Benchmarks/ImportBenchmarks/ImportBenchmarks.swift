import Benchmark
import Community
import Elections
import Foundation

/// Issue 4's benchmark: import 500,000 generated residents with full validation, and build the
/// roll, beside sqlite3's own `.import` of the same file (no validation) in the same run.
/// ROWS overrides the row count (e.g. ROWS=50000 for a quick look).
let rowCount = ProcessInfo.processInfo.environment["ROWS"].flatMap(Int.init) ?? 500_000
let workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-import-bench")
let csvFile = workDirectory.appendingPathComponent("residents-v2-\(rowCount).csv")
let electionDay = CivilDate(year: 2026, month: 12, day: 20)!

/// Writes a realistic residents file (UTF-8): households of 1–4, valid unique ID numbers,
/// Chinese names, some 人户分离. Deterministic, and reused between runs.
func generateFile() throws {
    if FileManager.default.fileExists(atPath: csvFile.path) { return }
    try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
    var rng = SeededGenerator(seed: 500_000)
    let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤").map(String.init)
    let given = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华建国红梅玉文辉鑫宇浩然思彤子涵欣怡雨萱梓轩博文佳琪志强海燕春晓晨阳雪丹").map(String.init)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    var out = "姓名,公民身份号码,性别,民族,户号,与户主关系,楼栋,单元,房号,户籍地址,户籍在本社区,居住在本社区,居住起始日期,联系电话\n"
    out.reserveCapacity(rowCount * 130)
    var serial = 0, household = 0, rows = 0
    var used = Set<String>()
    while rows < rowCount {
        household += 1
        let size = min([1, 2, 2, 2, 3, 3, 3, 4].randomElement(using: &rng)!, rowCount - rows)
        let elsewhere = Int.random(in: 0..<10, using: &rng) == 0
        let building = household / 96 + 1, unit = (household / 32) % 3 + 1, room = (household % 32) / 2 + 1
        let surname = surnames.randomElement(using: &rng)!
        for member in 0..<size {
            serial += 1
            let male = member == 0 ? Bool.random(using: &rng) : member % 2 == 1
            var first17 = ""
            repeat {
                let year = member < 2 ? Int.random(in: 1940...1995, using: &rng) : Int.random(in: 1996...2020, using: &rng)
                let month = Int.random(in: 1...12, using: &rng), day = Int.random(in: 1...28, using: &rng)
                let region = String(format: "1101%02d", Int.random(in: 0..<100, using: &rng))
                let sequence = Int.random(in: 0..<500, using: &rng) * 2 + (male ? 1 : 0)
                first17 = region + String(format: "%04d%02d%02d%03d", year, month, day, sequence)
            } while !used.insert(first17).inserted
            let check = Array("10X98765432")[zip(first17.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 } % 11]
            let name = surname + given.randomElement(using: &rng)! + (Bool.random(using: &rng) ? given.randomElement(using: &rng)! : "")
            let relation = member == 0 ? "户主" : (member == 1 ? "配偶" : (male ? "子" : "女"))
            let address = member == 0 ? "\(building)号楼,\(unit)单元,\(room)0\(household % 2 + 1)" : ",,"
            out += "\(name),\(first17)\(check),\(male ? "男" : "女"),汉族,H\(household),\(relation),\(address),\(member == 0 ? (elsewhere ? "河北省保定市" : "本社区") : ""),\(elsewhere ? "否" : "是"),是,\(elsewhere ? "2020-0\(1 + household % 9)-01" : ""),13\(String(format: "%09d", serial))\n"
            rows += 1
        }
    }
    try out.write(to: csvFile, atomically: true, encoding: .utf8)
}

func freshDatabase(_ name: String) throws -> (AppDatabase, Int64) {
    let path = workDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).sqlite").path
    let database = try AppDatabase.open(path: path, modules: [ElectionsSchema.self], passwordHasher: .fastForTests)
    let community = try database.createCommunity(code: nil, name: "基准社区", streetOffice: "", district: "", actor: .system)
    return (database, community.id!)
}

func removeDatabases() {
    for file in (try? FileManager.default.contentsOfDirectory(atPath: workDirectory.path)) ?? [] where file.contains(".sqlite") {
        try? FileManager.default.removeItem(at: workDirectory.appendingPathComponent(file))
    }
}

/// The database the roll benchmark builds on, imported once in its setup.
nonisolated(unsafe) var rollDatabase: (AppDatabase, Int64)?

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .cpuTotal],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        maxDuration: .seconds(600),
        maxIterations: 3
    )
    try! generateFile()
    removeDatabases()

    // Each iteration imports into a fresh database file (creating its schema takes milliseconds).
    Benchmark("Import \(rowCount) residents (validate + write)") { benchmark in
        for _ in benchmark.scaledIterations {
            removeDatabases()
            let (database, communityID) = try! freshDatabase("import")
            let report = try! ResidentImporter(database: database, communityID: communityID, today: CivilDate(year: 2026, month: 11, day: 26)!)
                .run(file: csvFile, dryRun: false, actor: .system)
            precondition(report.applied && report.residentsCreated == rowCount, "import failed: \(report.problems.prefix(3))")
        }
    }

    // The same without writing: reading, decoding and validating every row.
    Benchmark("Check \(rowCount) residents (dry run: validate only)") { benchmark in
        for _ in benchmark.scaledIterations {
            removeDatabases()
            let (database, communityID) = try! freshDatabase("dry")
            let report = try! ResidentImporter(database: database, communityID: communityID, today: CivilDate(year: 2026, month: 11, day: 26)!)
                .run(file: csvFile, dryRun: true, actor: .system)
            precondition(report.isValid && !report.applied, "dry run found problems: \(report.problems.prefix(3))")
        }
    }

    // Imported once in setup; each iteration rebuilds the base roll (allowed until publication).
    Benchmark("Build the roll of \(rowCount) residents", configuration: .init(setup: {
        removeDatabases()
        let (database, communityID) = try freshDatabase("roll")
        _ = try ResidentImporter(database: database, communityID: communityID, today: CivilDate(year: 2026, month: 11, day: 26)!)
            .run(file: csvFile, dryRun: false, actor: .system)
        rollDatabase = (database, communityID)
    })) { benchmark in
        let (database, communityID) = rollDatabase!
        let keys = KeyStore(directory: workDirectory.appendingPathComponent("keys-\(UUID().uuidString)"))
        let election = try! database.createElection(communityID: communityID, title: "基准", method: .direct, electionDay: electionDay, keyStore: keys, actor: .system)
        for _ in benchmark.scaledIterations {
            blackHole(try! database.buildRoll(electionID: election.id!, actor: .system))
        }
        try? FileManager.default.removeItem(at: keys.directory)
    }

    // The same file, no validation: sqlite3 loads it into one table of text columns.
    Benchmark("Baseline: sqlite3 .import of the same file") { benchmark in
        for _ in benchmark.scaledIterations {
            removeDatabases()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [workDirectory.appendingPathComponent("sqlite3-\(UUID().uuidString).sqlite").path, ".import --csv \(csvFile.path) resident"]
            try! process.run()
            process.waitUntilExit()
            precondition(process.terminationStatus == 0, "sqlite3 .import failed")
        }
    }
}
