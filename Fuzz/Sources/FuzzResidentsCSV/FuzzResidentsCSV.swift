import Community
import Foundation

/// One database for the whole run: every input is imported as a dry run, which checks every
/// row and changes nothing.
nonisolated(unsafe) let fixture: (AppDatabase, Int64, URL) = {
    let database = try! AppDatabase.inMemory()
    let community = try! database.createCommunity(code: "110101001001", name: "桃园社区", streetOffice: "安和街道", district: "和平区", actor: .commandLine)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-residents-\(getpid()).csv")
    return (database, community.id!, file)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResidentsCSV(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let (database, communityID, file) = fixture
    let data = Data(bytes: start, count: count)
    guard FileManager.default.createFile(atPath: file.path, contents: data) else { return 0 }
    // Any input may be refused with a report or an error; it must never crash or apply.
    if let report = try? ResidentImporter(database: database, communityID: communityID).run(file: file, dryRun: true, actor: .commandLine) {
        precondition(!report.applied, "a dry run applied changes")
    }
    return 0
}
