import Elections
import Foundation

/// Each input is a `.zip` handed to `xuanyi verify`: unzipped defensively (a small byte budget
/// here, so an input that inflates a lot is refused rather than slowing the run) and, when it
/// unzips, verified. Unzipping must refuse or succeed, and the verifier report, never crash.
let archive = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-record-\(getpid()).zip")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordArchive(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard FileManager.default.createFile(atPath: archive.path, contents: Data(bytes: start, count: count)) else { return 0 }
    guard let (record, scratch) = try? RecordArchive.unzip(archive, maxBytes: 16 << 20) else { return 0 }
    defer { try? FileManager.default.removeItem(at: scratch) }
    _ = RecordVerifier(directory: record).verify().text(language: "en")
    return 0
}

/// SwiftPM links an executable's entry as `FuzzRecordArchive_main`; it hands over to libFuzzer's driver.
@_cdecl("FuzzRecordArchive_main")
public func fuzzRecordArchiveMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzRecordArchive(UnsafeRawPointer(data), size)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
