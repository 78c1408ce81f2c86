/// One hyperparameter of one optimizer: its name in specs, what it may be, and its default.
struct FieldSpec: Sendable {
    let name: String
    let domain: FieldDomain
    let defaultValue: HyperparameterValue

    static func real(_ name: String, _ domain: FieldDomain, _ value: Double) -> FieldSpec {
        FieldSpec(name: name, domain: domain, defaultValue: .number(value))
    }

    static func choice(_ name: String, _ options: [String], _ value: String) -> FieldSpec {
        FieldSpec(name: name, domain: .choice(options), defaultValue: .string(value))
    }

    static func integer(_ name: String, minimum: Int, _ value: Int) -> FieldSpec {
        FieldSpec(name: name, domain: .integer(minimum: minimum), defaultValue: .number(Double(value)))
    }

    static func flag(_ name: String, _ value: Bool) -> FieldSpec {
        FieldSpec(name: name, domain: .bool, defaultValue: .bool(value))
    }
}

extension OptimizerKind {
    /// The learning-rate schedule's fields (`ScheduledLearningRate`), taken by every gradient
    /// optimizer: `schedule`, then the warm-up and the parameters of `cosine` and `step`.
    static let scheduleFields: [FieldSpec] = [
        .choice("schedule", LearningRateSchedule.allCases.map(\.rawValue), "constant"),
        .integer("schedule-warmup", minimum: 0, 0), .real("schedule-floor", .nonNegative, 0),
        .real("step-factor", .unitLeftOpen, 0.1), .integer("step-epochs", minimum: 1, 30),
    ]

    /// Fields added after runs were first recorded, left out of run keys while at these defaults so
    /// that the recorded runs keep their keys (a run that sets one gets a key of its own).
    public static let fieldsKeyedOnlyOffDefault: [String: HyperparameterValue] = [
        "schedule-warmup": .number(0), "schedule-floor": .number(0), "step-factor": .number(0.1),
        "step-epochs": .number(30),
    ]

    /// Every hyperparameter this optimizer takes, with the catalogue's defaults (issue #3's table).
    var fields: [FieldSpec] {
        let lr = { (value: Double) in FieldSpec.real("lr", .nonNegative, value) }
        let beta1 = FieldSpec.real("beta1", .unitHalfOpen, 0.9)
        let beta2 = FieldSpec.real("beta2", .unitHalfOpen, 0.999)
        let epsilon = { (value: Double) in FieldSpec.real("epsilon", .positive, value) }
        let placement = FieldSpec.choice("epsilon-placement", ["outside", "inside"], "outside")
        let epsilonMode = FieldSpec.choice(
            "epsilon-mode", AdamRule<Double>.EpsilonMode.allCases.map(\.rawValue), "paper")
        var specific: [FieldSpec]
        switch self {
        case .sgd: specific = [lr(0.01)]
        case .momentum, .nesterov: specific = [lr(0.01), .real("momentum", .unitHalfOpen, 0.9)]
        case .adagrad:
            specific = [lr(0.01), epsilon(1e-10), .real("initial-accumulator", .nonNegative, 0), placement]
        case .rmsprop: specific = [lr(0.001), .real("rho", .unitHalfOpen, 0.9), epsilon(1e-8), placement]
        case .adadelta: specific = [lr(1.0), .real("rho", .unitHalfOpen, 0.95), epsilon(1e-6)]
        case .adam:
            specific = [
                lr(0.001), beta1, beta2, epsilon(1e-8), epsilonMode, .flag("bias-correction", true),
                .real("beta1-decay", .unitLeftOpen, 1),
            ]
        case .adamax:
            specific = [
                lr(0.002), beta1, beta2, epsilon(1e-8),
                .choice("epsilon-placement", ["inside", "outside"], "inside"),
            ]
        case .nadam: specific = [lr(0.002), beta1, beta2, epsilon(1e-8), .real("momentum-decay", .nonNegative, 0.004)]
        case .amsgrad: specific = [lr(0.001), beta1, beta2, epsilon(1e-8)]
        case .adamw:
            specific = [
                lr(0.001), beta1, beta2, epsilon(1e-8), epsilonMode, .real("weight-decay", .nonNegative, 0.01),
                .choice("weight-decay-mode", ["lr-scaled", "unscaled"], "lr-scaled"),
            ]
        case .radam:
            specific = [
                lr(0.001), beta1, beta2, epsilon(1e-8), .real("weight-decay", .nonNegative, 0),
                .flag("decoupled-weight-decay", false),
            ]
        case .adabelief:
            specific = [
                lr(0.001), beta1, beta2, epsilon(1e-16), .real("weight-decay", .nonNegative, 0),
                .flag("decoupled-weight-decay", true), .flag("rectify", true), .flag("amsgrad", false),
            ]
        case .lion:
            specific = [
                lr(0.0001), beta1, .real("beta2", .unitHalfOpen, 0.99), .real("weight-decay", .nonNegative, 0),
            ]
        case .adafactor:
            // epsilon1 0 = the reference's rule: the machine epsilon of the arithmetic. PyTorch refuses a
            // clip threshold below 1.
            specific = [
                lr(0.01), .real("beta2-decay", .nonPositive, -0.8),
                .real("epsilon1", .nonNegative, 0), .real("epsilon2", .positive, 1e-3),
                .real("clip-threshold", .atLeastOne, 1), .real("weight-decay", .nonNegative, 0),
            ]
        case .scheduleFreeAdamW:
            // No `average`: the rule evaluates at its own average x_t.
            return [
                lr(0.0025), beta1, beta2, epsilon(1e-8), .real("weight-decay", .nonNegative, 0),
                .integer("warmup-steps", minimum: 0, 0), .real("r", .nonNegative, 0),
                .real("weight-lr-power", .nonNegative, 2),
            ] + Self.scheduleFields
        case .sfo:
            // QuasiNewton.SFOSettings; 0 = automatic for `subfunctions` (one per minibatch of the
            // spec's batch size) and `max-subspace-dimension` (ceil(1.5 (2N + 2))).
            return [
                .integer("subfunctions", minimum: 0, 0), .integer("max-history", minimum: 1, 10),
                .integer("max-subspace-dimension", minimum: 0, 0), .real("hessian-init", .positive, 1e5),
                .integer("initial-subfunctions", minimum: 1, 2), .real("max-gradient-noise", .positive, 1),
                .real("max-eigenvalue-ratio", .positive, 1e8),
                .choice(
                    "selection", ["distance-both", "distance", "single-distance", "random", "cyclic"], "distance-both"),
                .real("max-step-length-ratio", .positive, 10), .real("minimum-step-length", .nonNegative, 1e-8),
            ]
        case .lbfgs:
            // QuasiNewton.LBFGSSettings (torch.optim.LBFGS's names and defaults; history 10); 0 = automatic
            // for `max-eval` (max-iter * 5 / 4). `batch`: one step per minibatch, or one per epoch on the
            // whole training set.
            return [
                lr(1), .integer("max-iter", minimum: 1, 20), .integer("max-eval", minimum: 0, 0),
                .real("tolerance-grad", .nonNegative, 1e-7), .real("tolerance-change", .nonNegative, 1e-9),
                .integer("history-size", minimum: 1, 10),
                .choice("line-search", ["strong-wolfe", "none"], "strong-wolfe"),
                .real("curvature-threshold", .nonNegative, 1e-10),
                .choice("batch", ["minibatch", "full"], "minibatch"),
            ]
        }
        specific += Self.scheduleFields
        specific.append(.flag("average", false))
        if !hasBeta2 { specific.append(.real("average-decay", .unitHalfOpen, 0.999)) }
        return specific
    }
}
