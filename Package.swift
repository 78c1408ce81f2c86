// swift-tools-version: 6.0
// AdamBench: reproduces and extends the experiments of Kingma & Ba, "Adam" (ICLR 2015).
// Module map and dependency direction: ARCHITECTURE.md.
import PackageDescription

/// Lets square roots in hot loops compile to vector instructions: without it, clang's errno-setting
/// `sqrtf` (which Swift's `squareRoot()` inlines on Linux) keeps every update loop scalar. Nothing in
/// AdamBench reads errno. Measured: Adam's step 4.1e8 -> 1.4e9 elements/s (make bench).
let vectorMath: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-fno-math-errno"])]

let package = Package(
    name: "AdamBench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "adam-bench", targets: ["adam-bench"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, zlib1g-dev; `make deps` installs them).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Child processes started with posix_spawn and waited for with waitpid, every wait bounded.
        .target(name: "ChildProcess"),
        // The shared vocabulary: metric names (with their sense), dataset names, initialization schemes.
        .target(name: "Vocabulary"),
        // Seeded xoshiro256** streams: the only source of randomness (init, shuffling, dropout, noise).
        .target(name: "DeterministicRandom"),
        // Adam's Float32 step in C, compiled for AVX-512, AVX2 and baseline x86-64 and chosen at load
        // time (the way PyTorch dispatches its fused kernels); no FMA contraction, so all variants
        // give the bits of the Swift loop.
        .target(name: "COptimizerKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off"])]),
        // The engine's smooth element-wise Float32 nonlinearities (softplus, sigmoid, cross-entropy
        // with logits) with vectorizable exp/log1p approximations, multiversioned the same way.
        .target(name: "CNeuralKernels", cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off"])]),
        // Every update rule, its conventions, presets, schedules and averaging.
        .target(name: "Optimizers", dependencies: ["COptimizerKernels"], swiftSettings: vectorMath),
        // SFO (sum-of-functions quasi-Newton) and L-BFGS with PyTorch's strong-Wolfe line search:
        // methods that evaluate the objective themselves, over BLAS and LAPACK.
        .target(name: "QuasiNewton", dependencies: ["COpenBLAS", "DeterministicRandom"]),
        // Layers, losses and the paper's models over OpenBLAS.
        .target(
            name: "NeuralNetworks", dependencies: ["COpenBLAS", "CNeuralKernels", "DeterministicRandom", "Vocabulary"],
            swiftSettings: vectorMath),
        // Locating, verifying (SHA-256) and decoding the paper's datasets.
        .target(
            name: "Datasets",
            dependencies: [
                "CZlib", "COpenBLAS", "Vocabulary",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
            ]),
        // The spec format (YAML), validation with file:line:column messages, scales, run plans and keys.
        .target(
            name: "Experiments",
            dependencies: [
                "Optimizers", "Vocabulary", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The SQLite results store (GRDB on the system libsqlite3).
        .target(
            name: "ResultStore",
            dependencies: [
                "Vocabulary", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Training loop, evaluation, divergence, checkpoints/resume, parallel execution, progress.
        .target(
            name: "Plan",
            dependencies: [
                "Experiments", "ResultStore", "Optimizers", "QuasiNewton", "Vocabulary",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "Runner",
            dependencies: [
                "Experiments", "Plan", "ResultStore", "NeuralNetworks", "Optimizers", "QuasiNewton", "Datasets",
                "DeterministicRandom", "ChildProcess", "Vocabulary",
            ]),
        // Aggregation across seeds, best-setting selection, tables, SVG plots, claim verdicts.
        .target(
            name: "Reports", dependencies: ["ResultStore", "Experiments", "Plan", "DeterministicRandom", "Vocabulary"]),
        .executableTarget(
            name: "adam-bench",
            dependencies: [
                "Optimizers", "NeuralNetworks", "Datasets", "DeterministicRandom", "Experiments", "Plan", "ResultStore",
                "Runner", "Reports", "ChildProcess", "Vocabulary",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Folders for the tests' files (removed when the test process exits) and SQLite fixtures.
        .target(
            name: "TestSupport", dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "OptimizersTests",
            dependencies: [
                "Optimizers", .product(name: "PropertyBased", package: "swift-property-based"),
            ], exclude: ["Fixtures"]),
        .testTarget(
            name: "QuasiNewtonTests", dependencies: ["QuasiNewton", "Optimizers", "DeterministicRandom"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "NeuralNetworksTests",
            dependencies: ["NeuralNetworks", "CNeuralKernels", "DeterministicRandom", "Vocabulary"]),
        .testTarget(
            name: "DatasetsTests",
            dependencies: ["Datasets", "DeterministicRandom", "ChildProcess", "TestSupport", "Vocabulary"]),
        .testTarget(
            name: "ExperimentsTests", dependencies: ["Experiments", "Plan"], exclude: ["Malformed", "valid.yaml"]),
        .testTarget(
            name: "PlanTests", dependencies: ["Plan", "Experiments", "Optimizers", "QuasiNewton", "ResultStore"]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "adam-bench", "ResultStore", "ChildProcess", "DeterministicRandom", "TestSupport", "Vocabulary",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "RunnerTests",
            dependencies: [
                "Runner", "Plan", "Experiments", "ResultStore", "Datasets", "DeterministicRandom", "TestSupport",
                "Vocabulary",
            ]),
        .testTarget(name: "ResultStoreTests", dependencies: ["ResultStore", "TestSupport"]),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "ResultStore", "Experiments", "Plan", "TestSupport", "Vocabulary"],
            exclude: ["Golden"]),
    ]
)

// The libFuzzer targets (`make fuzz`), declared only for that build: `-parse-as-library` leaves
// `main` to libFuzzer, so the target cannot link in an ordinary build.
if Context.environment["ADAMBENCH_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "adam-bench-fuzz", dependencies: ["Datasets", "Experiments", "Plan", "Optimizers", "ResultStore"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    package.products.append(.executable(name: "adam-bench-fuzz", targets: ["adam-bench-fuzz"]))
}
