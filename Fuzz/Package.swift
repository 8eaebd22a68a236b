// swift-tools-version:6.2
// libFuzzer targets for Xuanyi's parsers of untrusted input: the residents CSV import, the ballot
// entry payload (a MarkedBallot checked against its paper) and the public election record read
// by `xuanyi verify`, as its ballot log, as a whole .zip and as a directory (files, folders, links). Build and run with ./run.sh (bounded time; crashes go to crashes/).
import PackageDescription

let library: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "XuanyiFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "xuanyi", path: "..")],
    targets: [
        // No Swift `main`: libFuzzer's (linked by -sanitize=fuzzer) drives LLVMFuzzerTestOneInput.
        .executableTarget(name: "FuzzResidentsCSV", dependencies: [.product(name: "Community", package: "xuanyi")], swiftSettings: library),
        .executableTarget(name: "FuzzBallotEntry", dependencies: [.product(name: "Elections", package: "xuanyi"), .product(name: "Notary", package: "xuanyi")], swiftSettings: library),
        .executableTarget(name: "FuzzRecord", dependencies: [.product(name: "Elections", package: "xuanyi")], swiftSettings: library),
        .executableTarget(name: "FuzzRecordArchive", dependencies: [.product(name: "Elections", package: "xuanyi")], swiftSettings: library),
        .executableTarget(name: "FuzzRecordDirectory", dependencies: [.product(name: "Elections", package: "xuanyi")], swiftSettings: library),
    ],
    swiftLanguageModes: [.v6]
)
