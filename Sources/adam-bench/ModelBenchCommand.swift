import ArgumentParser
import DeterministicRandom
import Foundation
import NeuralNetworks
import Optimizers

struct ModelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Forward + backward + Adam step of each model on one thread: ms/step, samples/s, GFLOP/s, % of sgemm."
    )

    @Option(help: "Models to measure (comma-separated); default: all.")
    var only: String?

    @Option(help: "Seconds to spend measuring each model (after warm-up).")
    var seconds: Double = 3

    func run() throws {
        BLASThreads.set(1)
        let roof = SgemmRoof.measure(seconds: min(seconds, 2))
        print(
            "sgemm 128x1000x1000: \(String(format: "%.1f", roof)) GFLOP/s (one thread, OpenBLAS core \(BLASKernel.inUse))"
        )
        print("model\tbatch\tmedian_ms_per_step\tsamples_per_second\tgflops\tpercent_of_sgemm\tpeak_rss_mb")
        let names = only.map { $0.split(separator: ",").map(String.init) } ?? ModelBenchmark.all.map(\.name)
        for name in names {
            guard let benchmark = ModelBenchmark.all.first(where: { $0.name == name }) else {
                throw CommandFailure(
                    "--only: unknown model '\(name)'; expected \(ModelBenchmark.all.map(\.name).joined(separator: ", "))"
                )
            }
            let result = try benchmark.run(seconds: seconds)
            print(
                "\(name)\t\(result.batch)\t\(String(format: "%.3f", result.medianSeconds * 1e3))\t\(String(format: "%.0f", Double(result.batch) / result.medianSeconds))\t\(String(format: "%.1f", result.flops / result.medianSeconds / 1e9))\t\(String(format: "%.0f", 100 * result.flops / result.medianSeconds / 1e9 / roof))\t\(String(format: "%.0f", PeakMemory.residentMegabytes()))"
            )
        }
    }
}

/// Achieved single-thread sgemm GFLOP/s on the MLP's largest product, measured in the same run.
enum SgemmRoof {
    static func measure(seconds: Double) -> Double {
        let m = 128, n = 1000, k = 1000
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        var times: [Double] = []
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let start = DispatchTime.now().uptimeNanoseconds
            Float.gemm(
                transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, beta: 0,
                c: &c, ldc: n)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        } while Date() < deadline || times.count < 5
        return 2 * Double(m * n * k) / times.sorted()[times.count / 2] / 1e9
    }
}

/// The resident-set high-water mark of this process (Linux /proc/self/status VmHWM).
enum PeakMemory {
    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return .nan }
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
        return kb / 1024
    }
}
