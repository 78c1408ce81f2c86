import Datasets
import Experiments
import Foundation
import Optimizers
import Plan
import ResultStore

/// The libFuzzer targets (`make fuzz`): each feeds the fuzzer's bytes to one of the parsers users
/// hand files to, which must answer with an error, never a trap. Chosen by `ADAMBENCH_FUZZ_TARGET`;
/// built only with `ADAMBENCH_FUZZ=1` (Package.swift) and `-sanitize=fuzzer`.
enum FuzzTarget: String, CaseIterable {
    /// YAML bytes through the spec parser (validation included) and the plan of every scale.
    case spec
    /// An MNIST IDX file, plain or gzip.
    case idx
    /// A CIFAR-10 binary batch, plain or gzip.
    case cifar10
    /// The IMDB CSV layout.
    case imdb
    /// The trace contract's JSON and the trajectories of the cases it accepts.
    case trace
    /// A database file opened and read as `adam-bench runs` and `report` read it.
    case database

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["ADAMBENCH_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("ADAMBENCH_FUZZ_TARGET='\(name)': expected one of \(names)\n".utf8))
            exit(2)
        }
        return target
    }()

    /// A scratch folder of this process for the loaders that read files.
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("adambench-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func run(_ bytes: [UInt8]) {
        switch self {
        case .spec:
            guard let spec = try? SpecParser.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml") else {
                return
            }
            for scale in spec.scales.keys.sorted() + ["paper"] {
                _ = try? RunPlan.training(spec, scale: scale)
            }
        case .idx:
            let plain = bytes.starts(with: [0x1f, 0x8b]) ? (try? FileBytes.gunzip(bytes, file: "fuzz.gz")) : bytes
            guard let plain else { return }
            for dimensions in [1, 3] {
                _ = try? IDXFile(bytes: plain, expectedDimensionCount: dimensions, file: "fuzz")
            }
        case .cifar10:
            let batch = Self.scratch.appendingPathComponent("test_batch.bin")
            try? Data(bytes).write(to: batch)
            _ = try? CIFAR10Loader.load(folder: Self.scratch, split: .test, name: "fuzz")
        case .imdb:
            let csv = Self.scratch.appendingPathComponent("train.csv")
            try? Data(bytes).write(to: csv)
            _ = try? IMDBLoader.readReviews(csv)
        case .trace:
            guard let cases = try? Trace.parse(Data(bytes), file: "fuzz.json") else { return }
            for c in cases.prefix(4) where c.gradients.count * c.initial.count <= 1 << 16 {
                for precision in Trace.Precision.allCases { _ = try? Trace.trajectory(of: c, precision: precision) }
            }
        case .database:
            let path = Self.scratch.appendingPathComponent("fuzz.sqlite").path
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
            guard let store = try? ResultStore(path: path, readOnly: true) else { return }
            _ = try? store.experiments()
            guard let runs = try? store.runs() else { return }
            for run in runs.prefix(8) {
                _ = try? store.metrics(runID: run.id)
                _ = try? store.curveHash(runID: run.id)
                _ = try? RunProvenance(record: run)
            }
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.current.run(bytes)
    return 0
}

/// libFuzzer's driver (compiler-rt's public entry point since LLVM 11).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The executable's entry point as SwiftPM links it (`main` is defined as `<module>_main`):
/// hands the command line to libFuzzer.
@_cdecl("adam_bench_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
