// swift-tools-version:6.2
// Xuanyi (选议): residents' committee elections and community deliberation.
// Layout and dependency rule: docs/architecture.md.
//   Notary ← Community ← {Elections, Councils} ← Web ← xuanyi
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "xuanyi",
    platforms: [.macOS(.v15)],   // Synchronization's Atomic (AppClock)
    products: [
        .executable(name: "xuanyi", targets: ["xuanyi"]),
        .library(name: "Notary", targets: ["Notary"]),
        .library(name: "Community", targets: ["Community"]),
        .library(name: "Elections", targets: ["Elections"]),
        .library(name: "Councils", targets: ["Councils"]),
        .library(name: "Web", targets: ["Web"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // OpenSSL's libcrypto, reached only from Notary.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(
            name: "Notary",
            dependencies: ["COpenSSL"],
            swiftSettings: strict
        ),
        .target(
            name: "Community",
            dependencies: [
                "Notary",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Chinese/Resources/strokes.bin")],
            swiftSettings: strict
        ),
        .target(
            name: "Elections",
            dependencies: ["Notary", "Community", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            // Provincial rule presets as data (RulePreset).
            resources: [.copy("Rules/Presets")],
            swiftSettings: strict
        ),
        .target(
            name: "Councils",
            dependencies: ["Notary", "Community", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "Web",
            dependencies: [
                "Notary", "Community", "Elections", "Councils",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            resources: [.copy("Templates"), .copy("Public"), .copy("openapi.json")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "xuanyi",
            dependencies: [
                "Notary", "Community", "Elections", "Councils", "Web",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "NotaryTests", dependencies: ["Notary"], swiftSettings: strict),
        .testTarget(name: "CommunityTests", dependencies: ["Community", "Notary", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        // GRDBSQLite: the power-loss test registers an SQLite VFS (CrashSimulatingVFS).
        .testTarget(name: "ElectionsTests", dependencies: ["Elections", "Community", "Notary", .product(name: "GRDB", package: "GRDB.swift"),
                                                      .product(name: "GRDBSQLite", package: "GRDB.swift"),
                                                      .product(name: "ZIPFoundation", package: "ZIPFoundation")], swiftSettings: strict),
        .testTarget(name: "CouncilsTests", dependencies: ["Councils", "Community", "Notary", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Community", "Notary", "Elections", "Councils",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "CLITests", dependencies: ["xuanyi", "Community", "Notary", "Elections", "Web"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
