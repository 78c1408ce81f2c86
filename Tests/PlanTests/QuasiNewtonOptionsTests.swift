import Optimizers
import Plan
import QuasiNewton
import Testing

/// SFO's and L-BFGS's typed fields map onto the settings their optimizers step by.
@Suite struct QuasiNewtonOptionsTests {
    static func sfo(_ hyperparameters: [String: HyperparameterValue]) throws -> SFOOptions {
        let configuration = try OptimizerConfiguration(name: "sfo", hyperparameters: hyperparameters)
        guard case .sfo(let options) = configuration.method else {
            throw OptimizerError(optimizer: "sfo", field: nil, message: "not SFO")
        }
        return options
    }

    /// Every selection rule is a choice of the `selection` field and maps back onto itself; a word
    /// the rules do not have is refused when the configuration is resolved.
    @Test(arguments: SFOSettings.Selection.allCases)
    func sfoSelectionChoicesAreTheRules(selection: SFOSettings.Selection) throws {
        #expect(try Self.sfo(["selection": .string(selection.rawValue)]).settings.selection == selection)
        #expect(throws: OptimizerConfiguration.Errors.self) { try Self.sfo(["selection": .string("nearest")]) }
    }

    @Test func sfoZeroMeansAutomatic() throws {
        let automatic = try Self.sfo([:])
        #expect(automatic.settings.maxSubspaceDimension == nil)
        #expect(automatic.subfunctionCount(examples: 1000, batchSize: 128) == 8)
        let fixed = try Self.sfo(["subfunctions": .number(5), "max-subspace-dimension": .number(40)])
        #expect(
            fixed.settings.maxSubspaceDimension == 40 && fixed.subfunctionCount(examples: 1000, batchSize: 128) == 5)
        // Never more subfunctions than examples.
        #expect(fixed.subfunctionCount(examples: 3, batchSize: 1) == 3)
    }

    @Test func lbfgsMapsEveryField() throws {
        let configuration = try OptimizerConfiguration(
            name: "lbfgs",
            hyperparameters: [
                "lr": .number(0.5), "max-iter": .number(7), "max-eval": .number(9), "history-size": .number(4),
                "line-search": .string("none"), "batch": .string("full"), "curvature-threshold": .number(1e-6),
            ])
        guard case .lbfgs(let options) = configuration.method else {
            Issue.record("lbfgs resolved to \(configuration.method)")
            return
        }
        let s = options.settings
        #expect(s.learningRate == 0.5 && s.maxIterations == 7 && s.maxEvaluations == 9 && s.historySize == 4)
        #expect(!s.strongWolfe && s.curvatureThreshold == 1e-6 && options.fullBatch)
    }
}
