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
        #expect(adam.number("lr") == 0.001 && adam.number("beta1") == 0.9 && adam.number("beta2") == 0.999)
        #expect(adam.number("epsilon") == 1e-8 && adam.word("epsilon-mode") == "paper" && adam.flag("bias-correction"))
        #expect(OptimizerConfiguration.defaults(.adamax).number("lr") == 0.002)
        #expect(OptimizerConfiguration.defaults(.adadelta).number("rho") == 0.95)
        #expect(OptimizerConfiguration.defaults(.adagrad).number("epsilon") == 1e-10)
        #expect(OptimizerConfiguration.defaults(.nadam).number("momentum-decay") == 0.004)
        #expect(OptimizerConfiguration.defaults(.adamw).number("weight-decay") == 0.01)
        #expect(OptimizerConfiguration.defaults(.nesterov).number("momentum") == 0.9)
    }

    @Test func presetsFillConventionsAndExplicitValuesWin() throws {
        let keras = try OptimizerConfiguration(name: "adam", hyperparameters: [:], preset: "keras")
        #expect(keras.word("epsilon-mode") == "hat" && keras.number("epsilon") == 1e-7)
        let explicit = try OptimizerConfiguration(
            name: "adam", hyperparameters: ["preset": .string("keras"), "epsilon": .number(1e-3)])
        #expect(explicit.number("epsilon") == 1e-3 && explicit.word("epsilon-mode") == "hat")
        let torch = try OptimizerConfiguration(name: "rmsprop", hyperparameters: [:], preset: "pytorch")
        #expect(torch.number("rho") == 0.99)
        let blocks = try OptimizerConfiguration(name: "adam", hyperparameters: [:], preset: "blocks")
        #expect(blocks.number("lr") == 0.002 && blocks.number("beta1-decay") == 1 - 1e-8)
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
