// swift-tools-version:6.2
// Xuanyi's benchmarks (ordo-one/benchmark), a package of their own so the main build and
// `swift test` do not compile the benchmark harness. Run from this folder:
//   swift package --disable-sandbox benchmark
// or ./compare-openssl.sh for the ratios against `openssl speed` reported in ../BENCHMARKS.md.
import Foundation
import PackageDescription

/// The parent package is referenced by path; its identity is its folder's name, which differs
/// between checkouts (main, a CI clone …), so derive it.
let xuanyi = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "xuanyi-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "NotaryBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Notary", package: xuanyi),
            ],
            path: "Benchmarks/NotaryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ImportBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Community", package: xuanyi),
                .product(name: "Elections", package: xuanyi),
            ],
            path: "Benchmarks/ImportBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RecordBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Community", package: xuanyi),
                .product(name: "Elections", package: xuanyi),
            ],
            path: "Benchmarks/RecordBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
