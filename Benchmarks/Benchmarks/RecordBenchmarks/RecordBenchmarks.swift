import Benchmark
import Community
import Elections
import Foundation

/// Issue 7's benchmark: tally and verify a generated record of 1,000,000 ballots (three posts,
/// a dozen candidates, some write-ins, over-marked posts, unreadable parts and blank papers).
/// `./record-compare.sh` runs the baselines (sha256sum of the same ballot log, votelib's approval
/// tally of the same ballots) in the same run. BALLOTS overrides the size.
let ballotCount = ProcessInfo.processInfo.environment["BALLOTS"].flatMap(Int.init) ?? 1_000_000
let record = URL(fileURLWithPath: ProcessInfo.processInfo.environment["RECORD"]
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("xuanyi-record-bench/record-\(ballotCount)").path)

/// The record, generated once and reused between runs.
func ensureRecord() throws {
    if FileManager.default.fileExists(atPath: record.appendingPathComponent("statement.sig").path) { return }
    try? FileManager.default.removeItem(at: record)
    try SyntheticRecord.write(to: record, ballots: ballotCount)
}

/// The record's ballots parsed into memory once (the tally benchmark counts them, as the votelib
/// baseline counts its parsed ballots).
nonisolated(unsafe) var parsedCache: (paper: BallotPaper, ballots: [MarkedBallot])?

func parsedBallots() throws -> (paper: BallotPaper, ballots: [MarkedBallot]) {
    if let parsedCache { return parsedCache }
    let paper = try JSONDecoder().decode(BallotPaper.self, from: Data(contentsOf: record.appendingPathComponent("papers/round-1.json")))
    var ballots: [MarkedBallot] = []
    ballots.reserveCapacity(ballotCount)
    let decoder = JSONDecoder()
    let text = try String(contentsOf: record.appendingPathComponent("ballots.jsonl"), encoding: .utf8)
    for line in text.split(separator: "\n") { ballots.append(try decoder.decode(BallotLine.self, from: Data(line.utf8)).ballot) }
    parsedCache = (paper, ballots)
    return (paper, ballots)
}

/// §7 on a count of the generated round (roll and issued as `SyntheticRecord` sets them).
func decide(_ count: BallotCount, paper: BallotPaper, rules: RuleSet) -> RoundOutcome {
    RoundTally.decide(count: count, seats: paper.sections.map { ($0.post, $0.seats) }, rules: rules, stage: .main,
                      issued: count.collected + 10, rollSize: count.collected + count.collected / 2)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal], maxDuration: .seconds(120), maxIterations: 5)

    Benchmark("Record: verify \(ballotCount) ballots (xuanyi verify)", configuration: .init(metrics: [.wallClock, .peakMemoryResident],
                                                                                            scalingFactor: .one, maxIterations: 3)) { benchmark in
        try ensureRecord()
        benchmark.startMeasurement()
        let report = RecordVerifier(directory: record).verify()
        benchmark.stopMeasurement()
        precondition(report.passed, "the generated record does not verify: \(report.failures.map(\.en))")
    }

    Benchmark("Tally: count \(ballotCount) ballots packed in memory (§6) and decide (§7)", configuration: .init(metrics: [.wallClock], maxIterations: 5)) { benchmark in
        try ensureRecord()
        let (paper, ballots) = try parsedBallots()
        var packed = PackedBallots()
        for ballot in ballots { packed.append(ballot) }
        let rules = RuleSet()
        benchmark.startMeasurement()
        let outcome = decide(BallotCount.count(packed, paper: paper, rules: rules, isWoman: { $0 % 3 == 0 }), paper: paper, rules: rules)
        benchmark.stopMeasurement()
        blackHole(outcome)
    }

    Benchmark("Tally: count \(ballotCount) ballots as [MarkedBallot] objects (§6) and decide (§7)", configuration: .init(metrics: [.wallClock], maxIterations: 3)) { benchmark in
        try ensureRecord()
        let (paper, ballots) = try parsedBallots()
        let rules = RuleSet()
        benchmark.startMeasurement()
        let outcome = decide(BallotCount.count(ballots, paper: paper, rules: rules, isWoman: { $0 % 3 == 0 }), paper: paper, rules: rules)
        benchmark.stopMeasurement()
        blackHole(outcome)
    }
}
