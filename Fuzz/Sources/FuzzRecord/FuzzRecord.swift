import Elections
import Foundation

/// A copy of the example record whose ballot log is replaced by each input, then verified the
/// way `xuanyi verify` does. The verifier must report, never crash.
nonisolated(unsafe) let record: URL = {
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
