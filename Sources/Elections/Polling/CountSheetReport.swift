import Community
import Foundation
import GRDB
import Notary

/// A box's signed count sheet as the printed 计票结果报告单 reads it (issue 22 #3): the sheet's
/// own figures, the names behind its person ids, and who signed it. Only for a box of a closed
/// round — nothing of an open round is shown, even a closed box's (decision 70) — so the report
/// is public exactly when the round's result is.
public struct CountSheetReport: Sendable {
    public var sheet: CountSheet
    /// The signed bytes, as stored and as the record carries them.
    public var sheetJSON: String
    /// SHA-256 of `sheetJSON`, printed small at the foot so the paper names the file.
    public var digest: String
    public var roundKind: RoundKind
    /// The box's polling station ("" for the electronic box).
    public var station: String
    /// Every person the sheet names: candidates and written-in persons.
    public var names: [Int64: String]
    /// The election committee's scrutineers who signed it with their own keys.
    public var signatures: [CountSheetSignature]

    public func name(_ person: Int64) -> String { names[person] ?? "#\(person)" }
}

extension AppDatabase {
    /// The report of box `boxID`'s count sheet; refused while its round is open or before the box closed.
    public func countSheetReport(boxID: Int64, electionID: Int64) throws -> CountSheetReport {
        let (box, round) = try box(id: boxID, electionID: electionID)
        guard round.status == .closed else { throw Self.roundStillOpen(round) }
        guard let json = box.countSheetJSON else { throw CommunityError.notFound("count sheet of box \(box.number)") }
        let sheet = try JSONDecoder().decode(CountSheet.self, from: Data(json.utf8))
        let persons = Set(sheet.candidates.map(\.person) + sheet.writeIns.map(\.person))
        return try reader.read { db in
            var names: [Int64: String] = [:]
            for resident in try Resident.fetchAll(db, keys: Array(persons)) { names[resident.id!] = resident.name }
            let station = try String.fetchOne(db, sql: "SELECT name FROM pollingStation WHERE id = ?", arguments: [box.stationID]) ?? ""
            return CountSheetReport(sheet: sheet, sheetJSON: json, digest: SHA256.hash(Data(json.utf8)).hex, roundKind: round.kind,
                                    station: station, names: names, signatures: try Self.countSheetSignatures(db, boxID: boxID))
        }
    }
}
