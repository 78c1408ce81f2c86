/// Named bundles of defaults and conventions: how a framework (or the paper) configures an optimizer.
///
/// A preset fills every default at once; any value written explicitly next to it wins. Presets that
/// name a framework of the Adam seed article (TensorFlow, Blocks, Lasagne, Caffe, MXNet, Torch7)
/// describe that framework's *Adam* family; for other optimizers they keep the catalogue defaults.
///
/// | preset | Adam | other conventions |
/// |---|---|---|
/// | `paper` | Algorithm 1, lr 1e-3, eps 1e-8 | AdaMax lr 2e-3, eps inside the max; RMSProp rho 0.9; AdamW decay unscaled |
/// | `pytorch` | Algorithm 1 (`epsilon-mode: paper`), eps 1e-8 | SGD lr 1e-3; RMSProp lr 1e-2, rho 0.99; AdaDelta rho 0.9; AdaGrad eps 1e-10 outside |
/// | `keras` (Keras 3) | efficient form (`hat`), eps-hat 1e-7 | RMSProp and AdaGrad eps 1e-7 inside the sqrt, AdaGrad s0 0.1, lr 1e-3 everywhere; AdaMax eps added to u; NAdam psi 1; AdamW wd 0.004 |
/// | `tensorflow` | `tf.train.AdamOptimizer`: `hat`, eps-hat 1e-8 | |
/// | `blocks` | `hat`, lr 2e-3, eps 1e-8, b1 decay lambda = 1 - 1e-8 | |
/// | `lasagne`, `caffe`, `mxnet`, `torch7` | `hat`, lr 1e-3, eps 1e-8 | |
public enum Preset: String, Sendable, CaseIterable, Codable {
    case paper, pytorch, keras, tensorflow, blocks, lasagne, caffe, mxnet, torch7

    /// The values this preset sets for `kind`, before explicit values are applied.
    func overrides(for kind: OptimizerKind) -> [String: HyperparameterValue] {
        let hatAdam: [String: HyperparameterValue] = [
            "lr": .number(0.001), "epsilon": .number(1e-8), "epsilon-mode": .string("hat"),
        ]
        switch (self, kind) {
        case (.paper, .adam):
            return [
                "lr": .number(0.001), "epsilon": .number(1e-8), "epsilon-mode": .string("paper"),
                "bias-correction": .bool(true),
            ]
        case (.paper, .adamax): return ["lr": .number(0.002), "epsilon-placement": .string("inside")]
        case (.paper, .rmsprop): return ["rho": .number(0.9)]
        case (.paper, .adamw): return ["weight-decay-mode": .string("unscaled")]

        case (.pytorch, .sgd), (.pytorch, .momentum), (.pytorch, .nesterov): return ["lr": .number(0.001)]
        case (.pytorch, .adagrad):
            return [
                "lr": .number(0.01), "epsilon": .number(1e-10), "epsilon-placement": .string("outside"),
                "initial-accumulator": .number(0),
            ]
        case (.pytorch, .rmsprop):
            return [
                "lr": .number(0.01), "rho": .number(0.99), "epsilon": .number(1e-8),
                "epsilon-placement": .string("outside"),
            ]
        case (.pytorch, .adadelta): return ["lr": .number(1.0), "rho": .number(0.9), "epsilon": .number(1e-6)]
        case (.pytorch, .adam):
            return ["lr": .number(0.001), "epsilon": .number(1e-8), "epsilon-mode": .string("paper")]
        case (.pytorch, .adamax): return ["lr": .number(0.002), "epsilon-placement": .string("inside")]
        case (.pytorch, .nadam): return ["lr": .number(0.002), "momentum-decay": .number(0.004)]
        case (.pytorch, .adamw):
            return [
                "weight-decay": .number(0.01), "weight-decay-mode": .string("lr-scaled"),
                "epsilon-mode": .string("paper"),
            ]

        case (.keras, .adagrad):
            return [
                "lr": .number(0.001), "epsilon": .number(1e-7), "epsilon-placement": .string("inside"),
                "initial-accumulator": .number(0.1),
            ]
        case (.keras, .rmsprop):
            return [
                "lr": .number(0.001), "rho": .number(0.9), "epsilon": .number(1e-7),
                "epsilon-placement": .string("inside"),
            ]
        case (.keras, .adadelta): return ["lr": .number(0.001), "rho": .number(0.95), "epsilon": .number(1e-7)]
        case (.keras, .adam): return ["lr": .number(0.001), "epsilon": .number(1e-7), "epsilon-mode": .string("hat")]
        case (.keras, .adamax):
            return ["lr": .number(0.001), "epsilon": .number(1e-7), "epsilon-placement": .string("outside")]
        case (.keras, .nadam): return ["lr": .number(0.001), "epsilon": .number(1e-7), "momentum-decay": .number(1)]
        case (.keras, .amsgrad): return ["epsilon": .number(1e-7)]
        case (.keras, .adamw):
            return [
                "lr": .number(0.001), "epsilon": .number(1e-7), "epsilon-mode": .string("hat"),
                "weight-decay": .number(0.004),
            ]

        case (.tensorflow, .adam), (.lasagne, .adam), (.caffe, .adam), (.mxnet, .adam), (.torch7, .adam): return hatAdam
        case (.blocks, .adam):
            return hatAdam.merging(["lr": .number(0.002), "beta1-decay": .number(1 - 1e-8)]) { $1 }
        default: return [:]
        }
    }
}
