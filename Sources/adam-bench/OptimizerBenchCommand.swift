import ArgumentParser
import Foundation
import Optimizers

struct OptimizerBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizers",
        abstract: "Single-thread throughput of every optimizer's step on a flat Float32 buffer.")

    @Option(help: "Number of Float32 parameters.")
    var parameters: Int = 10_000_000

    @Option(help: "Timed steps per optimizer (the median is reported).")
    var steps: Int = 15

    @Option(help: "Only these optimizers (comma-separated names).")
    var only: String?

    func run() throws {
        guard parameters > 0, steps > 0 else { throw CommandFailure("--parameters and --steps must be positive") }
        var kinds = OptimizerKind.gradientKinds
        if let only {
            let names = only.split(separator: ",").map(String.init)
            for name in names where !OptimizerKind.gradientKinds.contains(where: { $0.rawValue == name }) {
                throw CommandFailure(
                    "--only: unknown optimizer '\(name)'"
                        + Suggestion.hint(for: name, among: OptimizerKind.gradientKinds.map(\.rawValue)))
            }
            kinds = kinds.filter { names.contains($0.rawValue) }
        }
        // Parameters and gradients in huge-page buffers, as the optimizer's own state (and PyTorch's tensors).
        let parameterBuffer = StateBuffer<Float>(name: "parameters", count: parameters)
        let gradientBuffer = StateBuffer<Float>(name: "gradients", count: parameters)
        for i in 0..<parameters {
            parameterBuffer.pointer[i] = Float(i % 1000) * 1e-3 - 0.5
            gradientBuffer.pointer[i] = Float((i * 7919) % 1000) * 1e-4 - 0.05
        }
        let p = UnsafeMutableBufferPointer(start: parameterBuffer.pointer, count: parameters)
        let g = UnsafeBufferPointer(start: gradientBuffer.pointer, count: parameters)
        print("optimizer\tparameters\tmedian_ms_per_step\telements_per_second")
        for kind in kinds {
            let optimizer = try Optimizer<Float>(.defaults(kind), parameterCount: parameters)
            var times: [Double] = []
            optimizer.step(parameters: p, gradients: g)  // warm-up: touches every state page
            for _ in 0..<steps {
                let start = DispatchTime.now().uptimeNanoseconds
                optimizer.step(parameters: p, gradients: g)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            let median = times.sorted()[times.count / 2]
            print(
                "\(kind.rawValue)\t\(parameters)\t\(String(format: "%.3f", median * 1e3))\t\(String(format: "%.3e", Double(parameters) / median))"
            )
        }
    }
}
