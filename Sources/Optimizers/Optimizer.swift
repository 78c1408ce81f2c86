/// A configured optimizer over a flat buffer of `parameterCount` parameters: one update rule plus
/// the parts every optimizer shares — step counting, the learning-rate schedule, temporal averaging,
/// and exact state save/restore.
///
/// One call to `step` is one fused pass over the parameters (plus one over the average when enabled);
/// nothing is allocated per step.
public final class Optimizer<Scalar: BinaryFloatingPoint> {
    public let configuration: OptimizerConfiguration
    public let parameterCount: Int
    /// Steps taken so far; the next step is t = step + 1.
    public private(set) var step: Int = 0
    let rule: any UpdateRule<Scalar>
    let average: ParameterAverage<Scalar>?

    /// The learning rate in force at each step (`ScheduledLearningRate`).
    public let schedule: ScheduledLearningRate

    /// `tensors`, the shapes of the model's tensors in buffer order, partition the parameters for
    /// rules that work tensor by tensor (`OptimizerKind.usesTensorShapes`); nil = one vector.
    /// `horizon` is the run's number of steps, for the schedules that need it (`cosine`, `step`).
    public init(
        _ configuration: OptimizerConfiguration, parameterCount: Int, tensors: [[Int]]? = nil,
        horizon: ScheduleHorizon = .unknown
    ) {
        precondition(
            tensors.map { $0.map { $0.reduce(1, *) }.reduce(0, +) == parameterCount } ?? true,
            "Optimizer: the tensor shapes do not partition the parameters")
        self.configuration = configuration
        self.parameterCount = parameterCount
        schedule = configuration.scheduledLearningRate(horizon: horizon)
        rule = Self.makeRule(
            configuration, count: parameterCount, tensors: tensors ?? [[parameterCount]], schedule: schedule)
        average =
            configuration.averages ? ParameterAverage(count: parameterCount, decay: configuration.averageDecay) : nil
    }

    /// Applies one step: `parameters -= update(gradients)`. Both buffers hold `parameterCount` values.
    public func step(parameters: UnsafeMutableBufferPointer<Scalar>, gradients: UnsafeBufferPointer<Scalar>) {
        precondition(
            parameters.count == parameterCount && gradients.count == parameterCount,
            "Optimizer.step: buffer sizes differ from the optimizer's parameter count")
        guard parameterCount > 0 else {
            step += 1
            return
        }
        step += 1
        let lr = schedule.learningRate(base: configuration.learningRate, step: step)
        rule.update(
            parameters: parameters.baseAddress!, gradients: gradients.baseAddress!,
            learningRate: lr, step: step, count: parameterCount)
        average?.accumulate(parameters.baseAddress!, count: parameterCount)
    }

    /// Convenience for arrays (tests, traces).
    public func step(parameters: inout [Scalar], gradients: [Scalar]) {
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in step(parameters: p, gradients: g) }
        }
    }

    /// Writes the bias-corrected parameter average into `destination`; returns false when averaging
    /// is off or no step has been taken.
    @discardableResult
    public func writeAveragedParameters(into destination: UnsafeMutableBufferPointer<Scalar>) -> Bool {
        guard let average, step > 0, destination.count == parameterCount, parameterCount > 0 else { return false }
        average.write(step: step, into: destination.baseAddress!, count: parameterCount)
        return true
    }

    /// Whether the model is evaluated at another point than the parameters the steps update
    /// (`EvaluationPointRule`: Schedule-Free's x_t), or at the temporal average.
    public var evaluatesElsewhere: Bool { rule is any EvaluationPointRule<Scalar> || configuration.averages }

    /// Writes the point to evaluate the model at, given the current `parameters`: the rule's
    /// evaluation point, else the temporal average; false when that is the parameters themselves.
    @discardableResult
    public func writeEvaluationParameters(
        from parameters: UnsafeBufferPointer<Scalar>, into destination: UnsafeMutableBufferPointer<Scalar>
    ) -> Bool {
        guard parameters.count == parameterCount, destination.count == parameterCount, parameterCount > 0 else {
            return false
        }
        if let rule = rule as? any EvaluationPointRule<Scalar> {
            rule.writeEvaluationPoint(
                from: parameters.baseAddress!, into: destination.baseAddress!, step: step, count: parameterCount)
            return true
        }
        return configuration.averages && writeAveragedParameters(into: destination)
    }

    /// The complete state, for checkpoints.
    public func state() -> OptimizerState<Scalar> {
        var buffers = rule.buffers.map { OptimizerState<Scalar>.NamedBuffer(name: $0.name, values: $0.values) }
        if let average { buffers.append(.init(name: average.buffer.name, values: average.buffer.values)) }
        return OptimizerState(step: step, scalars: rule.scalars, buffers: buffers)
    }

    /// Restores a state saved by an optimizer of the same configuration and size.
    public func restore(_ state: OptimizerState<Scalar>) throws {
        var targets = rule.buffers
        if let average { targets.append(average.buffer) }
        guard state.buffers.map(\.name) == targets.map(\.name) else {
            throw StateFormatError(
                "optimizer state has buffers \(state.buffers.map(\.name)), \(configuration.kind.rawValue) expects \(targets.map(\.name))"
            )
        }
        guard state.scalars.count == rule.scalars.count else {
            throw StateFormatError("optimizer state has \(state.scalars.count) scalars, expected \(rule.scalars.count)")
        }
        for (buffer, saved) in zip(targets, state.buffers) where saved.values.count != buffer.count {
            throw StateFormatError(
                "optimizer state buffer '\(saved.name)' has \(saved.values.count) values, expected \(buffer.count)")
        }
        for (buffer, saved) in zip(targets, state.buffers) { buffer.assign(saved.values) }
        rule.scalars = state.scalars
        step = state.step
    }

    static func makeRule(
        _ c: OptimizerConfiguration, count: Int, tensors: [[Int]], schedule: ScheduledLearningRate
    ) -> any UpdateRule<Scalar> {
        switch c.kind {
        case .sgd: return SGDRule<Scalar>()
        case .momentum, .nesterov:
            return MomentumRule<Scalar>(count: count, momentum: c.number("momentum"), nesterov: c.kind == .nesterov)
        case .adagrad:
            return AdagradRule<Scalar>(
                count: count, epsilon: c.number("epsilon"),
                initialAccumulator: c.number("initial-accumulator"),
                epsilonInside: c.word("epsilon-placement") == "inside")
        case .rmsprop:
            return RMSPropRule<Scalar>(
                count: count, rho: c.number("rho"), epsilon: c.number("epsilon"),
                epsilonInside: c.word("epsilon-placement") == "inside")
        case .adadelta: return AdadeltaRule<Scalar>(count: count, rho: c.number("rho"), epsilon: c.number("epsilon"))
        case .adam:
            return AdamRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"),
                epsilon: c.number("epsilon"), epsilonMode: .init(rawValue: c.word("epsilon-mode"))!,
                biasCorrection: c.flag("bias-correction"), beta1Decay: c.number("beta1-decay"))
        case .adamw:
            return AdamRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"),
                epsilon: c.number("epsilon"), epsilonMode: .init(rawValue: c.word("epsilon-mode"))!,
                weightDecay: c.number("weight-decay"),
                unscaledDecaySchedule: c.word("weight-decay-mode") == "unscaled" ? schedule : nil)
        case .adamax:
            return AdaMaxRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"),
                epsilon: c.number("epsilon"), epsilonInside: c.word("epsilon-placement") == "inside")
        case .nadam:
            return NAdamRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"),
                epsilon: c.number("epsilon"), momentumDecay: c.number("momentum-decay"))
        case .amsgrad:
            return AMSGradRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"), epsilon: c.number("epsilon"))
        case .radam:
            return RAdamRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"), epsilon: c.number("epsilon"),
                weightDecay: c.number("weight-decay"), decoupled: c.flag("decoupled-weight-decay"))
        case .adabelief:
            return AdaBeliefRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"), epsilon: c.number("epsilon"),
                weightDecay: c.number("weight-decay"), decoupled: c.flag("decoupled-weight-decay"),
                rectify: c.flag("rectify"), amsgrad: c.flag("amsgrad"))
        case .lion:
            return LionRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"), weightDecay: c.number("weight-decay"))
        case .scheduleFreeAdamW:
            return ScheduleFreeAdamWRule<Scalar>(
                count: count, beta1: c.number("beta1"), beta2: c.number("beta2"), epsilon: c.number("epsilon"),
                weightDecay: c.number("weight-decay"), warmupSteps: Int(c.number("warmup-steps")), r: c.number("r"),
                weightLRPower: c.number("weight-lr-power"))
        case .adafactor:
            return AdafactorRule<Scalar>(
                count: count, shapes: tensors, beta2Decay: c.number("beta2-decay"),
                epsilon1: c.number("epsilon1") == 0 ? nil : c.number("epsilon1"), epsilon2: c.number("epsilon2"),
                clipThreshold: c.number("clip-threshold"), weightDecay: c.number("weight-decay"))
        case .sfo, .lbfgs:
            preconditionFailure(
                "\(c.kind.rawValue) evaluates the objective itself and has no update rule (the runner drives it)")
        }
    }
}
