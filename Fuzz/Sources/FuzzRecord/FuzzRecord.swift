import Elections
import Foundation

/// A copy of the example record whose ballot log is replaced by each input, then verified the
/// way `xuanyi verify` does. The verifier must report, never crash.
let record: URL = {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../ballots/examples/electronic").standardized
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-record-\(getpid())")
    try? FileManager.default.removeItem(at: copy)
    try! FileManager.default.copyItem(at: source, to: copy)
    return copy
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecord(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard FileManager.default.createFile(atPath: record.appendingPathComponent("ballots.jsonl").path, contents: data) else { return 0 }
    let report = RecordVerifier(directory: record).verify()
    _ = report.text(language: "en")
    return 0
}

/// SwiftPM links an executable's entry as `FuzzRecord_main`; it hands over to libFuzzer's driver.
@_cdecl("FuzzRecord_main")
public func fuzzRecordMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzRecord(UnsafeRawPointer(data), size)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
