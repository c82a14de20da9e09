// swift-tools-version: 6.1
import PackageDescription

// Layout, module boundaries and where to add things: docs/architecture.md.
// Nothing imports upward: Tensor <- Datasets <- Training <- Recorder <- ffbench.
// Only RunStore speaks SQL or reads the stored JSON. The command line may
// open the store, never query it.
let package = Package(
    name: "ffbench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ffbench", targets: ["ffbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // System-library shims.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo"),
        .systemLibrary(name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo"),

        // Two threads pinned to two cores passing a cache line: the canary's core-to-core part.
        .target(name: "CCoreLatency", linkerSettings: [.linkedLibrary("pthread")]),
        // The locally connected layer's kernels and the FMA peak probe, chosen at run time by CPU features.
        .target(name: "CLocal", exclude: ["local_kernels.h"]),
        // Persistent worker threads shared by the products (OpenBLAS at one thread each) and elementwise work.
        .target(name: "CPool", linkerSettings: [.linkedLibrary("pthread")]),
        // The one seeded generator every module draws from.
        .target(name: "SplitMix"),
        .target(name: "Tensor", dependencies: ["CBLAS", "CPool", "SplitMix"]),
        .target(name: "Datasets", dependencies: ["Tensor", "CZlib"]),
        .target(name: "Training", dependencies: ["Tensor", "Datasets", "Exports", "CLocal"]),
        .target(name: "RunStore", dependencies: ["SplitMix", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Charts", dependencies: ["CCairo", "CPangoCairo"]),
        .target(name: "Exports"),
        .target(name: "Analysis", dependencies: ["RunStore", "SplitMix"]),
        .target(name: "Reports", dependencies: ["Analysis", "Charts", "RunStore", "Exports", "CCairo", "CPangoCairo",
                                                .product(name: "Mustache", package: "swift-mustache")]),
        .target(name: "Recorder", dependencies: ["Tensor", "Training", "CCoreLatency", "Datasets", "RunStore", "Exports",
                                                 .product(name: "Yams", package: "Yams")]),
        .target(name: "Benchmarks", dependencies: ["Tensor", "Datasets", "Training", "RunStore", "Recorder", "Analysis", "Reports", "Exports", "CLocal"]),
        .executableTarget(
            name: "ffbench",
            dependencies: [
                "Tensor", "Datasets", "Training", "RunStore", "Recorder", "Benchmarks", "Analysis", "Reports", "Exports", "Charts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"], exclude: ["xoshiro_reference.py"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensor"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "Tensor"]),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "RunStore", "SplitMix"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "RunStore", "Analysis", "CCairo"]),
        .testTarget(name: "RecorderTests", dependencies: ["Recorder", "RunStore", "Training"]),
        .testTarget(name: "ExportsTests", dependencies: ["Exports"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "Training"]),
        .testTarget(name: "CLITests", dependencies: ["ffbench", "RunStore", "Recorder", "Tensor"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
