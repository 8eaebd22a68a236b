import Community
import Foundation

/// One database for the whole run: every input is imported as a dry run, which checks every
/// row and changes nothing.
let fixture: (AppDatabase, Int64, URL) = {
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

/// SwiftPM links an executable's entry as `FuzzResidentsCSV_main`; it hands over to libFuzzer's driver.
@_cdecl("FuzzResidentsCSV_main")
public func fuzzResidentsCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzResidentsCSV(UnsafeRawPointer(data), size)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
