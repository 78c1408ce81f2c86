/// A gradient optimizer's settings, typed and read once from its resolved values: the update rule
/// with its hyperparameters, the base learning rate and its schedule, and temporal averaging.
/// `Optimizer` builds its `UpdateRule` from these alone.
public struct UpdateRuleSettings: Sendable, Hashable {
    /// Each rule's hyperparameters, named as its `UpdateRule` initializer names them.
    public enum Rule: Sendable, Hashable {
        case sgd
        case momentum(momentum: Double, nesterov: Bool)
        case adagrad(epsilon: Double, initialAccumulator: Double, epsilonInside: Bool)
        case rmsprop(rho: Double, epsilon: Double, epsilonInside: Bool)
        case adadelta(rho: Double, epsilon: Double)
        case adam(
            beta1: Double, beta2: Double, epsilon: Double, epsilonMode: AdamEpsilonMode, biasCorrection: Bool,
            beta1Decay: Double)
        /// `unscaledDecay`: decay by the schedule's multiplier alone (`weight-decay-mode: unscaled`).
        case adamw(
            beta1: Double, beta2: Double, epsilon: Double, epsilonMode: AdamEpsilonMode, weightDecay: Double,
            unscaledDecay: Bool)
        case adamax(beta1: Double, beta2: Double, epsilon: Double, epsilonInside: Bool)
        case nadam(beta1: Double, beta2: Double, epsilon: Double, momentumDecay: Double)
        case amsgrad(beta1: Double, beta2: Double, epsilon: Double)
        case radam(beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool)
        case adabelief(
            beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, decoupled: Bool, rectify: Bool,
            amsgrad: Bool)
        case lion(beta1: Double, beta2: Double, weightDecay: Double)
        case scheduleFreeAdamW(
            beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double, warmupSteps: Int, r: Double,
            weightLRPower: Double)
        /// `epsilon1` nil: the machine epsilon of the arithmetic (the reference's rule; the field's 0).
        case adafactor(
            beta2Decay: Double, epsilon1: Double?, epsilon2: Double, clipThreshold: Double, weightDecay: Double)
    }

    public var rule: Rule
    /// The base learning rate `lr`.
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    public var scheduleWarmup: Int
    public var scheduleFloor: Double
    public var stepFactor: Double
    public var stepEpochs: Int
    /// Temporal averaging's decay (beta2 where the rule has one, else `average-decay`); nil = off.
    public var averageDecay: Double?

    /// The schedule with its warm-up and parameters, over `horizon`.
    public func scheduledLearningRate(horizon: ScheduleHorizon) -> ScheduledLearningRate {
        ScheduledLearningRate(
            schedule, warmup: scheduleWarmup, floor: scheduleFloor, stepFactor: stepFactor, stepEpochs: stepEpochs,
            horizon: horizon)
    }

    /// The second-moment estimate's beta2 and epsilon, and whether it is bias-corrected, for the
    /// rules whose `exp_avg_sq` buffer is Adam's v (`fractionOfSecondMomentBelowEpsilon`).
    var secondMoment: (beta2: Double, epsilon: Double, biasCorrected: Bool)? {
        switch rule {
        case .adam(_, let beta2, let epsilon, _, let corrected, _): return (beta2, epsilon, corrected)
        case .adamw(_, let beta2, let epsilon, _, _, _), .adamax(_, let beta2, let epsilon, _),
            .nadam(_, let beta2, let epsilon, _), .amsgrad(_, let beta2, let epsilon),
            .radam(_, let beta2, let epsilon, _, _), .adabelief(_, let beta2, let epsilon, _, _, _, _),
            .scheduleFreeAdamW(_, let beta2, let epsilon, _, _, _, _):
            return (beta2, epsilon, true)
        default: return nil
        }
    }

    init(_ f: FieldReader) throws(OptimizerError) {
        switch f.kind {
        case .sgd: rule = .sgd
        case .momentum, .nesterov: rule = .momentum(momentum: try f.number("momentum"), nesterov: f.kind == .nesterov)
        case .adagrad:
            rule = .adagrad(
                epsilon: try f.number("epsilon"), initialAccumulator: try f.number("initial-accumulator"),
                epsilonInside: try f.word("epsilon-placement", is: "inside"))
        case .rmsprop:
            rule = .rmsprop(
                rho: try f.number("rho"), epsilon: try f.number("epsilon"),
                epsilonInside: try f.word("epsilon-placement", is: "inside"))
        case .adadelta: rule = .adadelta(rho: try f.number("rho"), epsilon: try f.number("epsilon"))
        case .adam:
            rule = .adam(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"),
                epsilonMode: try f.choice("epsilon-mode"), biasCorrection: try f.flag("bias-correction"),
                beta1Decay: try f.number("beta1-decay"))
        case .adamw:
            rule = .adamw(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"),
                epsilonMode: try f.choice("epsilon-mode"), weightDecay: try f.number("weight-decay"),
                unscaledDecay: try f.word("weight-decay-mode", is: "unscaled"))
        case .adamax:
            rule = .adamax(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"),
                epsilonInside: try f.word("epsilon-placement", is: "inside"))
        case .nadam:
            rule = .nadam(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"),
                momentumDecay: try f.number("momentum-decay"))
        case .amsgrad:
            rule = .amsgrad(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"))
        case .radam:
            rule = .radam(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"),
                weightDecay: try f.number("weight-decay"), decoupled: try f.flag("decoupled-weight-decay"))
        case .adabelief:
            rule = .adabelief(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"),
                weightDecay: try f.number("weight-decay"), decoupled: try f.flag("decoupled-weight-decay"),
                rectify: try f.flag("rectify"), amsgrad: try f.flag("amsgrad"))
        case .lion:
            rule = .lion(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), weightDecay: try f.number("weight-decay"))
        case .scheduleFreeAdamW:
            rule = .scheduleFreeAdamW(
                beta1: try f.number("beta1"), beta2: try f.number("beta2"), epsilon: try f.number("epsilon"),
                weightDecay: try f.number("weight-decay"), warmupSteps: try f.integer("warmup-steps"),
                r: try f.number("r"), weightLRPower: try f.number("weight-lr-power"))
        case .adafactor:
            let epsilon1 = try f.number("epsilon1")
            rule = .adafactor(
                beta2Decay: try f.number("beta2-decay"), epsilon1: epsilon1 == 0 ? nil : epsilon1,
                epsilon2: try f.number("epsilon2"), clipThreshold: try f.number("clip-threshold"),
                weightDecay: try f.number("weight-decay"))
        case .sfo, .lbfgs:
            throw .noUpdateRule(f.kind)
        }
        learningRate = try f.number("lr")
        schedule = try f.choice("schedule")
        scheduleWarmup = try f.integer("schedule-warmup")
        scheduleFloor = try f.number("schedule-floor")
        stepFactor = try f.number("step-factor")
        stepEpochs = try f.integer("step-epochs")
        let averages = f.values["average"] == .bool(true)
        averageDecay = averages ? try f.number(f.kind.hasBeta2 ? "beta2" : "average-decay") : nil
    }
}
