import Foundation
import Optimizers
import Testing

@Suite struct OptimizerStateTests {
    static let count = 37

    static func gradients(step: Int) -> [Float] {
        (0..<count).map { i in Float(sin(Double(i * 31 + step * 7)) * (i % 5 == 0 ? 0 : 1)) }
    }

    /// 20 steps + save + restore into a fresh optimizer + 20 steps == 40 uninterrupted steps, bit for bit,
    /// for every optimizer, with temporal averaging and a schedule switched on, through the binary form.
    @Test(arguments: OptimizerKind.gradientKinds)
    func saveAndRestoreContinuesBitForBit(kind: OptimizerKind) throws {
        // Schedule-Free has no `average` (it evaluates at its own x_t, compared below).
        let averages = OptimizerConfiguration.fieldNames(kind).contains("average")
        let configuration = try OptimizerConfiguration(
            name: kind.rawValue,
            hyperparameters: ["schedule": .string("inverse-sqrt")].merging(averages ? ["average": .bool(true)] : [:]) {
                $1
            })
        let initial = (0..<Self.count).map { Float($0) * 0.01 - 0.2 }

        let straight = try Optimizer<Float>(configuration, parameterCount: Self.count)
        var p = initial
        for t in 1...40 { straight.step(parameters: &p, gradients: Self.gradients(step: t)) }

        let first = try Optimizer<Float>(configuration, parameterCount: Self.count)
        var q = initial
        for t in 1...20 { first.step(parameters: &q, gradients: Self.gradients(step: t)) }
        let bytes = first.state().serialized()
        let second = try Optimizer<Float>(configuration, parameterCount: Self.count)
        try second.restore(OptimizerState<Float>(serialized: bytes))
        for t in 21...40 { second.step(parameters: &q, gradients: Self.gradients(step: t)) }

        #expect(p.map(\.bitPattern) == q.map(\.bitPattern))
        #expect(straight.state() == second.state())
        var a = [Float](repeating: 0, count: Self.count), b = a
        p.withUnsafeBufferPointer { p in
            a.withUnsafeMutableBufferPointer { straight.writeEvaluationParameters(from: p, into: $0) }
        }
        q.withUnsafeBufferPointer { q in
            b.withUnsafeMutableBufferPointer { second.writeEvaluationParameters(from: q, into: $0) }
        }
        #expect(straight.evaluatesElsewhere && a.map(\.bitPattern) == b.map(\.bitPattern))
    }

    @Test func restoreRefusesAMismatchedState() throws {
        let adam = try Optimizer<Float>(.defaults(.adam), parameterCount: 4)
        let sgdState = try Optimizer<Float>(.defaults(.momentum), parameterCount: 4).state()
        #expect(throws: StateFormatError.self) { try adam.restore(sgdState) }
        let bigger = try Optimizer<Float>(.defaults(.adam), parameterCount: 5).state()
        #expect(throws: StateFormatError.self) { try adam.restore(bigger) }
        let bytes = adam.state().serialized()
        #expect(throws: StateFormatError.self) { try OptimizerState<Float>(serialized: bytes.dropLast(3)) }
        #expect(throws: StateFormatError.self) { try OptimizerState<Double>(serialized: bytes) }
    }

    /// The averaged parameters equal the bias-corrected EMA computed directly.
    @Test func temporalAveragingIsTheBiasCorrectedMovingAverage() throws {
        let configuration = try OptimizerConfiguration(
            name: "sgd", hyperparameters: ["average": .bool(true), "average-decay": .number(0.9), "lr": .number(0.1)])
        let optimizer = try Optimizer<Double>(configuration, parameterCount: 1)
        var p = [1.0], ema = 0.0
        for t in 1...5 {
            optimizer.step(parameters: &p, gradients: [Double(t)])
            ema = 0.9 * ema + 0.1 * p[0]
            var averaged = [0.0]
            averaged.withUnsafeMutableBufferPointer { _ = optimizer.writeAveragedParameters(into: $0) }
            #expect(abs(averaged[0] - ema / (1 - pow(0.9, Double(t)))) < 1e-14)
        }
    }
}
