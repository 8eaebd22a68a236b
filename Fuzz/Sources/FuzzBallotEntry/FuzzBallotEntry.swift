import Elections
import Foundation
import Notary

/// The ballot paper of the example record's first round: entries are checked against it.
let paper: (BallotPaper, String) = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../ballots/examples/electronic/papers/round-1.json")
    let bytes = try! Data(contentsOf: url)
    return (try! JSONDecoder().decode(BallotPaper.self, from: bytes), SHA256.hash(bytes).hex)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBallotEntry(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    // A ballot entry payload as clerks and voters send it: decoded, then checked against the paper.
    guard let ballot = try? JSONDecoder().decode(MarkedBallot.self, from: data) else { return 0 }
    _ = try? ballot.validate(against: paper.0, digest: paper.1, isOnRoll: { $0 > 0 && $0 < 1_000 })
    _ = try? CanonicalJSON.encode(ballot)
    return 0
}

/// SwiftPM links an executable's entry as `FuzzBallotEntry_main`; it hands over to libFuzzer's driver.
@_cdecl("FuzzBallotEntry_main")
public func fuzzBallotEntryMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzBallotEntry(UnsafeRawPointer(data), size)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
