import Foundation
import Optimizers
import PropertyBased
import Testing

/// Properties the paper states or implies, checked on random gradient sequences.
@Suite struct OptimizerPropertyTests {
    static let dimension = 5
    static let gradientSequence = Gen.double(in: -10...10).array(of: dimension).array(of: 1...12)
    static let start = [0.3, -1.2, 2.5, 0.0, 7.0]

    static func run(_ configuration: OptimizerConfiguration, _ gradients: [[Double]]) -> (Optimizer<Double>, [Double]) {
        let optimizer = try! Optimizer<Double>(configuration, parameterCount: dimension)
        var p = start
        for g in gradients { optimizer.step(parameters: &p, gradients: g) }
        return (optimizer, p)
    }

    @Test(arguments: OptimizerKind.gradientKinds)
    func zeroLearningRateChangesNothing(kind: OptimizerKind) async throws {
        // AdamW's decoupled decay is multiplied by lr in the default (lr-scaled) convention.
        let configuration = try OptimizerConfiguration(name: kind.rawValue, hyperparameters: ["lr": .number(0)])
        await propertyCheck(input: Self.gradientSequence) { gradients in
            #expect(Self.run(configuration, gradients).1 == Self.start)
        }
    }

    @Test func adamIsInvariantToGradientScaleWithoutEpsilon() async {
        await propertyCheck(input: Self.gradientSequence, Gen.double(in: 1e-3...1e3)) { gradients, c in
            let plain = AdamRule<Double>(count: Self.dimension, beta1: 0.9, beta2: 0.999, epsilon: 0)
            let scaled = AdamRule<Double>(count: Self.dimension, beta1: 0.9, beta2: 0.999, epsilon: 0)
            var p = Self.start, q = Self.start
            for (t, g) in gradients.enumerated() {
                let cg = g.map { $0 * c }
                p.withUnsafeMutableBufferPointer { pp in
                    g.withUnsafeBufferPointer {
                        plain.update(
                            parameters: pp.baseAddress!, gradients: $0.baseAddress!, learningRate: 0.01, step: t + 1,
                            count: Self.dimension)
                    }
                }
                q.withUnsafeMutableBufferPointer { qq in
                    cg.withUnsafeBufferPointer {
                        scaled.update(
                            parameters: qq.baseAddress!, gradients: $0.baseAddress!, learningRate: 0.01, step: t + 1,
                            count: Self.dimension)
                    }
                }
            }
            for (x, y) in zip(p, q) where x.isFinite {
                #expect(abs(x - y) <= 1e-12 * (1 + abs(x)), "scale \(c): \(x) vs \(y)")
            }
        }
    }

    @Test func adamFirstStepHasMagnitudeLearningRate() async {
        await propertyCheck(input: Gen.double(in: -100...100).array(of: Self.dimension), Gen.double(in: 1e-4...1)) {
            g, lr in
            let rule = AdamRule<Double>(count: Self.dimension, beta1: 0.9, beta2: 0.999, epsilon: 0)
            var p = Self.start
            p.withUnsafeMutableBufferPointer { pp in
                g.withUnsafeBufferPointer {
                    rule.update(
                        parameters: pp.baseAddress!, gradients: $0.baseAddress!, learningRate: lr, step: 1,
                        count: Self.dimension)
                }
            }
            for i in 0..<Self.dimension where g[i] != 0 {
                #expect(
                    abs(abs(p[i] - Self.start[i]) - lr) <= 1e-12,
                    "coordinate \(i): step \(p[i] - Self.start[i]), lr \(lr)")
            }
        }
    }

    @Test(arguments: OptimizerKind.gradientKinds)
    func stateStaysFiniteForFiniteGradients(kind: OptimizerKind) async {
        await propertyCheck(input: Self.gradientSequence) { gradients in
            let (optimizer, p) = Self.run(.defaults(kind), gradients)
            #expect(p.allSatisfy { $0.isFinite })
            for buffer in optimizer.state().buffers {
                #expect(buffer.values.allSatisfy { $0.isFinite }, "\(kind) \(buffer.name)")
            }
        }
    }

    @Test func adaMaxStepIsBoundedByLearningRateOverBiasCorrection() async {
        await propertyCheck(input: Self.gradientSequence, Gen.double(in: 1e-4...1)) { gradients, lr in
            let configuration = try! OptimizerConfiguration(name: "adamax", hyperparameters: ["lr": .number(lr)])
            let optimizer = try! Optimizer<Double>(configuration, parameterCount: Self.dimension)
            var p = Self.start
            for (t, g) in gradients.enumerated() {
                let before = p
                optimizer.step(parameters: &p, gradients: g)
                let bound = lr / (1 - pow(0.9, Double(t + 1)))
                for i in 0..<Self.dimension {
                    #expect(abs(p[i] - before[i]) <= bound * (1 + 1e-12), "step \(t + 1), coordinate \(i)")
                }
            }
        }
    }

    /// Lion moves every coordinate whose interpolated momentum is non-zero by exactly lr, whatever
    /// the gradients' scale, and a coordinate that has seen only zero gradients not at all.
    @Test func lionStepsHaveMagnitudeLearningRate() async {
        await propertyCheck(input: Self.gradientSequence, Gen.double(in: 1e-4...1)) { gradients, lr in
            let configuration = try! OptimizerConfiguration(name: "lion", hyperparameters: ["lr": .number(lr)])
            let optimizer = try! Optimizer<Double>(configuration, parameterCount: Self.dimension)
            var p = Self.start
            for (t, g) in gradients.enumerated() {
                let before = p
                optimizer.step(parameters: &p, gradients: g)
                for i in 0..<Self.dimension {
                    let moved = abs(p[i] - before[i])
                    #expect(moved == 0 || abs(moved - lr) <= 1e-12 * (1 + abs(before[i])), "step \(t + 1), \(i)")
                    if t == 0 && g[i] != 0 {
                        #expect(moved > 0, "the first step moves every coordinate with a gradient")
                    }
                }
            }
        }
    }

    /// Lion's trajectory depends on the gradients' signs only through sign(momentum): scaling every
    /// gradient by c > 0 leaves it unchanged, and negating every gradient mirrors it.
    @Test func lionIsInvariantToGradientScaleAndMirroredBySign() async {
        await propertyCheck(input: Self.gradientSequence, Gen.double(in: 1e-3...1e3)) { gradients, c in
            let configuration = try! OptimizerConfiguration(name: "lion", hyperparameters: ["lr": .number(0.01)])
            let plain = Self.run(configuration, gradients).1
            let scaled = Self.run(configuration, gradients.map { $0.map { $0 * c } }).1
            let mirrored = Self.run(configuration, gradients.map { $0.map { -$0 } }).1
            for i in 0..<Self.dimension {
                #expect(abs(plain[i] - scaled[i]) <= 1e-12 * (1 + abs(plain[i])), "scale \(c), coordinate \(i)")
                let step = plain[i] - Self.start[i], mirror = mirrored[i] - Self.start[i]
                #expect(abs(step + mirror) <= 1e-12 * (1 + abs(Self.start[i])), "coordinate \(i)")
            }
        }
    }

    /// RAdam takes momentum steps while the variance estimate is short (rho_t <= 5: the first five
    /// steps with b2 = 0.999): lr m_t / (1 - b1^t), Adam's first moment without a denominator.
    @Test func radamStartsWithMomentumSteps() async {
        await propertyCheck(input: Gen.double(in: -10...10).array(of: Self.dimension).array(of: 5)) { gradients in
            let configuration = try! OptimizerConfiguration(name: "radam", hyperparameters: ["lr": .number(0.01)])
            let optimizer = try! Optimizer<Double>(configuration, parameterCount: Self.dimension)
            var p = Self.start, m = [Double](repeating: 0, count: Self.dimension)
            for (t, g) in gradients.enumerated() {
                let before = p
                optimizer.step(parameters: &p, gradients: g)
                for i in 0..<Self.dimension {
                    m[i] = 0.9 * m[i] + 0.1 * g[i]
                    let expected = before[i] - 0.01 * m[i] / (1 - pow(0.9, Double(t + 1)))
                    #expect(abs(p[i] - expected) <= 1e-12 * (1 + abs(expected)), "step \(t + 1), \(i)")
                }
            }
        }
    }
}
