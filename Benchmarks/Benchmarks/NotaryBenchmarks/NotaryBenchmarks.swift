import Benchmark
import Foundation
import Notary

/// A ballot-log line of realistic size: three posts, a dozen candidates, write-ins.
struct BallotLine: Encodable {
    let round: Int
    let box: String
    let seq: Int
    let method: String
    let marks: [String: [String: String]]
    let writeIns: [String: [String]]
    let prev: String
}

let ballot = BallotLine(
    round: 1, box: "central-1", seq: 123_456, method: "paper-double-entry",
    marks: [
        "director": ["c01": "approve", "c02": "disapprove"],
        "deputyDirector": ["c03": "approve", "c04": "abstain", "c05": "disapprove"],
        "member": ["c06": "approve", "c07": "approve", "c08": "disapprove", "c09": "abstain", "c10": "approve", "c11": "disapprove", "c12": "abstain"],
    ],
    writeIns: ["member": ["p-7f3a9c"]],
    prev: String(repeating: "ab", count: 32))

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
        // 1,000 operations per sample: per-operation times are then reported in nanoseconds
        // with four significant digits instead of whole microseconds.
        scalingFactor: .kilo,
        maxDuration: .seconds(4),
        maxIterations: 10_000
    )

    // `openssl speed ed25519` signs and verifies a 20-byte message; so do these.
    let key = try! Ed25519PrivateKey.generate()
    let message = Data(repeating: 0x5a, count: 20)
    let signature = try! key.sign(message)

    Benchmark("Ed25519 sign (20-byte message)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try key.sign(message))
        }
    }

    Benchmark("Ed25519 verify (20-byte message)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(key.publicKey.isValidSignature(signature, for: message))
        }
    }

    // `openssl speed -evp sha256 -bytes 16384`
    let block = Data((0..<16_384).map { UInt8(truncatingIfNeeded: $0) })
    Benchmark("SHA-256 of a 16 KiB block") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(block))
        }
    }

    Benchmark("Canonical JSON of a ballot line") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try CanonicalJSON.encode(ballot))
        }
    }

    // Same-run baseline for the line above: Foundation's JSONEncoder with sorted keys
    // (not canonical: no NFC, no float refusal), the cost of plain JSON.
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    Benchmark("Baseline: JSONEncoder(.sortedKeys) of a ballot line") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try encoder.encode(ballot))
        }
    }

    Benchmark("Canonical JSON + SHA-256 tracking code of a ballot line") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SHA256.hash(try CanonicalJSON.encode(ballot)))
        }
    }
}
