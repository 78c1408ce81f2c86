import Optimizers
import Testing

@Suite struct OptimizerConfigurationTests {
    func problems(_ name: String, _ h: [String: HyperparameterValue], preset: String? = nil) -> [String] {
        do {
            _ = try OptimizerConfiguration(name: name, hyperparameters: h, preset: preset)
            return []
        } catch let e as OptimizerConfiguration.Errors {
            return e.errors.map(\.description)
        } catch { return ["unexpected \(error)"] }
    }

    @Test func defaultsFollowTheCatalogue() {
        let adam = OptimizerConfiguration.defaults(.adam)
        #expect(
            adam.values["lr"] == .number(0.001) && adam.values["beta1"] == .number(0.9)
                && adam.values["beta2"] == .number(0.999))
        #expect(
            adam.values["epsilon"] == .number(1e-8) && adam.values["epsilon-mode"] == .string("paper")
                && adam.values["bias-correction"] == .bool(true))
        #expect(OptimizerConfiguration.defaults(.adamax).values["lr"] == .number(0.002))
        #expect(OptimizerConfiguration.defaults(.adadelta).values["rho"] == .number(0.95))
        #expect(OptimizerConfiguration.defaults(.adagrad).values["epsilon"] == .number(1e-10))
        #expect(OptimizerConfiguration.defaults(.nadam).values["momentum-decay"] == .number(0.004))
        #expect(OptimizerConfiguration.defaults(.adamw).values["weight-decay"] == .number(0.01))
        #expect(OptimizerConfiguration.defaults(.nesterov).values["momentum"] == .number(0.9))
    }

    @Test func theTypedSettingsCarryTheResolvedValues() throws {
        let keras = try OptimizerConfiguration(name: "adam", hyperparameters: ["lr": .number(0.01)], preset: "keras")
        let settings = try #require(keras.method.rule)
        guard case .adam(let beta1, let beta2, let epsilon, let mode, let corrected, let decay) = settings.rule else {
            Issue.record("adam resolved to \(settings.rule)")
            return
        }
        #expect(beta1 == 0.9 && beta2 == 0.999 && epsilon == 1e-7 && mode == .hat && corrected && decay == 1)
        #expect(settings.learningRate == 0.01 && settings.schedule == .constant && settings.averageDecay == nil)
        let averaged = try OptimizerConfiguration(name: "sgd", hyperparameters: ["average": .bool(true)])
        #expect(averaged.method.rule?.averageDecay == 0.999)
        let adamax = try OptimizerConfiguration(name: "adamax", hyperparameters: ["average": .bool(true)])
        #expect(adamax.method.rule?.averageDecay == adamax.values["beta2"]?.number)
    }

    /// Every kind resolves, with the method of its family; SFO and L-BFGS have no update rule and
    /// an `Optimizer` refuses them instead of reaching a rule.
    @Test(arguments: OptimizerKind.allCases)
    func everyKindResolvesItsMethod(kind: OptimizerKind) throws {
        let configuration = OptimizerConfiguration.defaults(kind)
        switch (kind, configuration.method) {
        case (.sfo, .sfo(let sfo)):
            #expect(sfo.maxHistory == 10 && sfo.selection == "distance-both" && sfo.subfunctions == 0)
        case (.lbfgs, .lbfgs(let lbfgs)):
            #expect(lbfgs.maxIterations == 20 && lbfgs.maxEvaluations == nil && lbfgs.strongWolfe && !lbfgs.fullBatch)
        case (_, .rule(let settings)) where !kind.drivesObjective:
            #expect(settings.learningRate == configuration.values["lr"]?.number)
            _ = try Optimizer<Float>(configuration, parameterCount: 4, tensors: [[2, 2]])
        default: Issue.record("\(kind) resolved to \(configuration.method)")
        }
        if kind.drivesObjective {
            #expect(throws: OptimizerError.self) { try Optimizer<Float>(configuration, parameterCount: 4) }
        }
    }

    @Test func presetsFillConventionsAndExplicitValuesWin() throws {
        let keras = try OptimizerConfiguration(name: "adam", hyperparameters: [:], preset: "keras")
        #expect(keras.values["epsilon-mode"] == .string("hat") && keras.values["epsilon"] == .number(1e-7))
        let explicit = try OptimizerConfiguration(
            name: "adam", hyperparameters: ["preset": .string("keras"), "epsilon": .number(1e-3)])
        #expect(explicit.values["epsilon"] == .number(1e-3) && explicit.values["epsilon-mode"] == .string("hat"))
        let torch = try OptimizerConfiguration(name: "rmsprop", hyperparameters: [:], preset: "pytorch")
        #expect(torch.values["rho"] == .number(0.99))
        let blocks = try OptimizerConfiguration(name: "adam", hyperparameters: [:], preset: "blocks")
        #expect(blocks.values["lr"] == .number(0.002) && blocks.values["beta1-decay"] == .number(1 - 1e-8))
        for preset in Preset.allCases {
            for kind in OptimizerKind.allCases {
                _ = try OptimizerConfiguration(name: kind.rawValue, hyperparameters: [:], preset: preset.rawValue)
            }
        }
    }

    @Test func errorsNameTheOptimizerAndTheField() {
        #expect(
            problems("adma", [:]) == [
                "optimizer 'adma': unknown optimizer; expected one of sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamax, nadam, amsgrad, adamw, radam, adabelief, lion, schedule-free-adamw, adafactor, sfo, lbfgs (did you mean 'adam'?)"
            ])
        #expect(
            problems("adam", ["lr": .number(-1)]) == [
                "optimizer 'adam', field 'lr': expected a number in [0.0, inf), got -1"
            ])
        #expect(
            problems("adam", ["beta1": .number(1)]) == [
                "optimizer 'adam', field 'beta1': expected a number in [0.0, 1.0), got 1"
            ])
        #expect(
            problems("adam", ["epsilon": .number(0)]) == [
                "optimizer 'adam', field 'epsilon': expected a number in (0.0, inf), got 0"
            ])
        #expect(
            problems("adam", ["beta3": .number(0.5)]).first?.contains("field 'beta3': unknown hyperparameter") == true)
        #expect(problems("adam", ["betta1": .number(0.5)]).first?.hasSuffix("(did you mean 'beta1'?)") == true)
        #expect(
            problems("adam", ["epsilon-mode": .string("hatt")]) == [
                "optimizer 'adam', field 'epsilon-mode': expected one of paper, hat, got 'hatt' (did you mean 'hat'?)"
            ])
        #expect(
            problems("adam", ["bias-correction": .number(1)]) == [
                "optimizer 'adam', field 'bias-correction': expected true or false, got a number '1'"
            ])
        #expect(
            problems("sgd", ["lr": .string("fast")]) == [
                "optimizer 'sgd', field 'lr': expected a number in [0.0, inf), got a string 'fast'"
            ])
        #expect(
            problems("adam", [:], preset: "pytroch") == [
                "optimizer 'adam', field 'preset': unknown preset 'pytroch'; expected one of paper, pytorch, keras, tensorflow, blocks, lasagne, caffe, mxnet, torch7 (did you mean 'pytorch'?)"
            ])
        #expect(problems("adam", ["average-decay": .number(0.9)]).count == 1, "Adam averages with beta2")
        // Every problem at once.
        #expect(problems("rmsprop", ["rho": .number(2), "epsilon": .number(-1), "lr": .number(.nan)]).count == 3)
    }

    /// The schedule fields added after runs were recorded identify a run only when set: at their
    /// defaults they are left out of the key's values (the golden key in MalformedSpecTests is the
    /// key from before they existed), and set to anything else they are in it.
    @Test func laterScheduleFieldsAreKeyedOnlyOffTheirDefaults() throws {
        let plain = OptimizerConfiguration.defaults(.adam)
        for name in OptimizerKind.fieldsKeyedOnlyOffDefault.keys {
            #expect(plain.values[name] != nil && plain.keyedValues[name] == nil, "\(name)")
        }
        let warm = try OptimizerConfiguration(name: "adam", hyperparameters: ["schedule-warmup": .number(5)])
        #expect(warm.keyedValues["schedule-warmup"] == .number(5))
        #expect(warm.keyedValues.count == plain.keyedValues.count + 1)
    }
}
