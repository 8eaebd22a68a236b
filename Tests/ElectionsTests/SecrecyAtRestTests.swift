import Community
import Foundation
import GRDB
import Notary
import Testing
@testable import Elections

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Attacks by someone who can read the files (a server administrator, a stolen backup): pair
/// voters with electronic ballots from what is on disk — the physical order of the check-in
/// table's cells, its key order, the write-ahead log, a backup, times — or read files they
/// should not be able to. Each attack must do no better than chance.
@Suite("secrecy at rest: files, physical order, times")
struct SecrecyAtRestTests {
    /// Reads the cells of a WITHOUT ROWID table's b-tree straight from a database file: for
    /// each leaf cell, its page, its offset in the page and its first two columns.
    struct RawCell { let page: Int; let offset: Int; let first: Int64; let second: Int64 }

    static func rawCells(file: URL, rootPage: Int) throws -> [RawCell] {
        let bytes = [UInt8](try Data(contentsOf: file))
        let sizeField = Int(bytes[16]) << 8 | Int(bytes[17])
        let pageSize = sizeField == 1 ? 65_536 : sizeField
        func varint(_ at: inout Int) -> Int64 {
            var value: Int64 = 0
            for index in 0..<9 {
                let byte = bytes[at]; at += 1
                if index == 8 { return value << 8 | Int64(byte) }
                value = value << 7 | Int64(byte & 0x7f)
                if byte & 0x80 == 0 { break }
            }
            return value
        }
        func integer(_ at: Int, _ length: Int) -> Int64 {
            var value: Int64 = bytes[at] & 0x80 != 0 ? -1 : 0
            for index in 0..<length { value = value << 8 | Int64(bytes[at + index]) }
            return value
        }
        func read(_ page: Int) -> [RawCell] {
            let base = (page - 1) * pageSize
            let header = base + (page == 1 ? 100 : 0)
            let type = bytes[header]
            let count = Int(bytes[header + 3]) << 8 | Int(bytes[header + 4])
            let pointers = header + (type == 0x02 ? 12 : 8)
            var cells: [RawCell] = []
            for index in 0..<count {
                let offset = Int(bytes[pointers + 2 * index]) << 8 | Int(bytes[pointers + 2 * index + 1])
                var at = base + offset
                if type == 0x02 {
                    let child = Int(integer(at, 4)) & 0xffff_ffff
                    cells += read(child)
                    at += 4
                }
                _ = varint(&at)                        // payload size
                let recordStart = at
                let headerSize = Int(varint(&at))
                let first = varint(&at), second = varint(&at)
                let sizes: [Int64: Int] = [1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 8: 0, 9: 0]
                var body = recordStart + headerSize
                let a = first == 8 ? 0 : first == 9 ? 1 : integer(body, sizes[first] ?? 0)
                body += sizes[first] ?? 0
                let b = second == 8 ? 0 : second == 9 ? 1 : integer(body, sizes[second] ?? 0)
                if type == 0x0a { cells.append(RawCell(page: page, offset: offset, first: a, second: b)) }
            }
            if type == 0x02 { cells += read(Int(integer(header + 8, 4)) & 0xffff_ffff) }
            return cells
        }
        return read(rootPage)
    }

    /// How many voters an attacker pairs correctly with their ballots when guessing that the
    /// voters in `guess` order cast the ballots in log order — the best of several guesses.
    static func bestPairing(cells: [RawCell], castOrder: [Int64]) -> Int {
        let inRound = cells.filter { castOrder.contains($0.second) }
        let guesses: [[Int64]] = [
            inRound.sorted { ($0.page, -$0.offset) < ($1.page, -$1.offset) }.map(\.second),   // newest cell lowest in the page
            inRound.sorted { ($0.page, $0.offset) < ($1.page, $1.offset) }.map(\.second),
            inRound.sorted { ($0.page, -$0.offset) > ($1.page, -$1.offset) }.map(\.second),
            inRound.sorted { ($0.page, $0.offset) > ($1.page, $1.offset) }.map(\.second),
            inRound.map(\.second),                                                           // key order
        ]
        return guesses.map { guess in zip(guess, castOrder).filter { $0 == $1 }.count }.max() ?? 0
    }

    @Test("attack: copy the database, its log and a backup after forty electronic casts and pair voters with ballots by cell order, key order or time — no better than chance once protected; files are the owner's only")
    func pairingFromFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("at-rest-\(UUID().uuidString)").appendingPathComponent("data")
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        umask(0o022)   // the usual umask: files would be world-readable without AtRest
        let path = directory.appendingPathComponent("x.sqlite").path
        let p = try PollingFixture(database: try AppDatabase.open(path: path, modules: [ElectionsSchema.self]))
        let database = p.database
        var generator = SeededGenerator(seed: 18)
        let numbers = Array((1...60).shuffled(using: &generator).prefix(40))
        var castOrder: [Int64] = []
        for number in numbers {
            let entry = try #require(try database.rollEntryID(electionID: p.id, rollNumber: number))
            _ = try database.castElectronicBallot(roundID: p.round.id!, rollEntryID: entry, ballot: try p.ballot(approving: number),
                                                  formToken: try AppDatabase.newFormToken(), signingKey: try p.key)
            castOrder.append(entry)
        }
        // Files: the owner's only, whatever the umask was.
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
        let folderMode = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)

        let root = try #require(try database.reader.read { db in try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'checkIn'") })
        // The attack works on an unprotected layout: the test can fail.
        try database.truncateLog()
        let exposed = Self.bestPairing(cells: try Self.rawCells(file: URL(fileURLWithPath: path), rootPage: root), castOrder: castOrder)
        #expect(exposed >= 30, "the raw-page reader should see insertion order before protection (paired \(exposed) of 40)")

        // Protected: check-ins rewritten in key order, the log truncated.
        try database.protectAtRest(modules: [ElectionsSchema.self])
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(wal == 0, "the write-ahead log still holds \(wal) bytes")
        let paired = Self.bestPairing(cells: try Self.rawCells(file: URL(fileURLWithPath: path), rootPage: root), castOrder: castOrder)
        #expect(paired <= 6, "paired \(paired) of 40 voters with their ballots from the database file")

        // A backup (SQLite's backup API copies pages as they are) shows no more.
        let backupPath = directory.appendingPathComponent("backup.sqlite").path
        let copy = try DatabaseQueue(path: backupPath)
        try database.writer.backup(to: copy)
        try copy.close()
        let backupMode = try FileManager.default.attributesOfItem(atPath: backupPath)[.posixPermissions] as? Int
        #expect(backupMode == 0o600)
        #expect(Self.bestPairing(cells: try Self.rawCells(file: URL(fileURLWithPath: backupPath), rootPage: root), castOrder: castOrder) <= 6)

        // Times: every electronic ballot (once the box is opened) and check-in carries the same
        // time, the round's or the day's.
        try p.openElectronicBox()
        let (logTimes, checkInTimes) = try database.reader.read { db in
            (Set(try String.fetchAll(db, sql: "SELECT recordedAt FROM ballotLog")), Set(try String.fetchAll(db, sql: "SELECT at FROM checkIn")))
        }
        #expect(logTimes == [Timestamp.string(from: p.round.openedAt)] && checkInTimes.count == 1)
        // Deleted rows are zeroed, not left in free pages.
        #expect(try database.reader.read { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") } == 1)
    }
}
