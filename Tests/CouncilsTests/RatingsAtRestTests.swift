import Community
import Foundation
import GRDB
import Testing
@testable import Councils

/// Whoever holds a copy of the database must not pair a household with its rating by the order
/// the rows lie on disk (the marks of who rated and the ratings are separate tables with random
/// keys, but SQLite lays cells out in a page in the order they were inserted).
@Suite("ratings at rest: no pairing by physical order")
struct RatingsAtRestTests {
    /// The leaf cells of a WITHOUT ROWID table read straight from a database file: page, offset
    /// and the record's values (integers and texts; blobs as hex).
    static func cells(file: URL, rootPage: Int) throws -> [(page: Int, offset: Int, values: [String])] {
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
            guard length > 0 else { return 0 }
            var value: Int64 = bytes[at] & 0x80 != 0 ? -1 : 0
            for index in 0..<length { value = value << 8 | Int64(bytes[at + index]) }
            return value
        }
        func record(_ start: Int) -> [String] {
            var at = start
            let headerSize = Int(varint(&at))
            var types: [Int64] = []
            while at < start + headerSize { types.append(varint(&at)) }
            var body = start + headerSize
            let sizes: [Int64: Int] = [0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0]
            return types.map { type in
                if let size = sizes[type] {
                    defer { body += size }
                    return type == 8 ? "0" : type == 9 ? "1" : String(integer(body, size))
                }
                let length = Int((type - (type % 2 == 0 ? 12 : 13)) / 2)
                defer { body += length }
                let slice = Array(bytes[body..<(body + length)])
                return type % 2 == 1 ? String(decoding: slice, as: UTF8.self) : slice.map { String(format: "%02x", $0) }.joined()
            }
        }
        func read(_ page: Int) -> [(page: Int, offset: Int, values: [String])] {
            let base = (page - 1) * pageSize
            let header = base + (page == 1 ? 100 : 0)
            let type = bytes[header]
            let count = Int(bytes[header + 3]) << 8 | Int(bytes[header + 4])
            let pointers = header + (type == 0x02 ? 12 : 8)
            var found: [(page: Int, offset: Int, values: [String])] = []
            for index in 0..<count {
                let offset = Int(bytes[pointers + 2 * index]) << 8 | Int(bytes[pointers + 2 * index + 1])
                var at = base + offset
                if type == 0x02 {
                    found += read(Int(integer(at, 4)) & 0xffff_ffff)
                    at += 4
                }
                _ = varint(&at)
                if type == 0x0a { found.append((page, offset, record(at))) }
            }
            if type == 0x02 { found += read(Int(integer(header + 8, 4)) & 0xffff_ffff) }
            return found
        }
        return read(rootPage)
    }

    /// Households an attacker pairs correctly with their ratings by lining up both tables in
    /// the same physical order (best of first-written-first and last-written-first).
    static func pairing(database: AppDatabase, truth: [String: String]) throws -> Int {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ratings-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: file) }
        let copy = try DatabaseQueue(path: file.path)
        try database.writer.backup(to: copy)   // page for page, as a backup or a copied file holds them
        try copy.close()
        let roots = try database.reader.read { db in
            (try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'motionRatingMark'")!,
             try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'motionRating'")!)
        }
        func ordered(_ cells: [(page: Int, offset: Int, values: [String])], descending: Bool) -> [[String]] {
            cells.sorted { descending ? ($0.page, -$0.offset) < ($1.page, -$1.offset) : ($0.page, $0.offset) < ($1.page, $1.offset) }.map(\.values)
        }
        let marks = try cells(file: file, rootPage: roots.0), ratings = try cells(file: file, rootPage: roots.1)
        return [true, false].map { descending in
            zip(ordered(marks, descending: descending).map { $0[1] }, ordered(ratings, descending: descending).map { $0.last ?? "" })
                .filter { truth[$0.0] == $0.1 }.count
        }.max() ?? 0
    }

    @Test("attack: copy the database after thirty households rated and pair each household with its rating by cell order — no better than chance once protected")
    func ratingsNotPairable() throws {
        let fixture = try CouncilFixture()
        let motion = try ImplementationEvaluationTests().completedMotion(fixture)
        var generator = SeededGenerator(seed: 18)
        var truth: [String: String] = [:]
        for household in Array(2...33).shuffled(using: &generator).prefix(30) {
            let identity = try fixture.household(household)
            let comment = "评价\(household)"
            try fixture.database.rateMotion(id: motion.id!, identity: identity, rating: .satisfied, comment: comment)
            truth["household:\(identity.householdID)"] = comment
        }
        #expect(try Self.pairing(database: fixture.database, truth: truth) >= 25, "the attack should work on an unprotected layout")
        try fixture.database.protectAtRest(modules: [CouncilsSchema.self])
        let paired = try Self.pairing(database: fixture.database, truth: truth)
        #expect(paired <= 5, "paired \(paired) of 30 households with their ratings")
    }
}
