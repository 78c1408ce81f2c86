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
    /// The configuration's update rule and schedule, typed (`OptimizerMethod.rule`).
    public let settings: UpdateRuleSettings
    let rule: any UpdateRule<Scalar>
    let average: ParameterAverage<Scalar>?

    /// The learning rate in force at each step (`ScheduledLearningRate`).
    public let schedule: ScheduledLearningRate

    /// `tensors`, the shapes of the model's tensors in buffer order, partition the parameters for
    /// rules that work tensor by tensor (`OptimizerKind.usesTensorShapes`); nil = one vector.
    /// `horizon` is the run's number of steps, for the schedules that need it (`cosine`, `step`).
    /// Throws for SFO and L-BFGS, which have no update rule (`OptimizerMethod`).
    public init(
        _ configuration: OptimizerConfiguration, parameterCount: Int, tensors: [[Int]]? = nil,
        horizon: ScheduleHorizon = .unknown
    ) throws(OptimizerError) {
        precondition(
            tensors.map { $0.map { $0.reduce(1, *) }.reduce(0, +) == parameterCount } ?? true,
            "Optimizer: the tensor shapes do not partition the parameters")
        guard let settings = configuration.method.rule else {
            throw .noUpdateRule(configuration.kind)
        }
        self.configuration = configuration
        self.settings = settings
        self.parameterCount = parameterCount
        schedule = settings.scheduledLearningRate(horizon: horizon)
        rule = Self.makeRule(
            settings.rule, count: parameterCount, tensors: tensors ?? [[parameterCount]], schedule: schedule)
        average = settings.averageDecay.map { ParameterAverage(count: parameterCount, decay: $0) }
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
        let lr = schedule.learningRate(base: settings.learningRate, step: step)
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
    public var evaluatesElsewhere: Bool { rule is any EvaluationPointRule<Scalar> || average != nil }

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
        return average != nil && writeAveragedParameters(into: destination)
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

    /// The update rule `rule` names, over `count` parameters (`tensors` for the rules that work
    /// tensor by tensor; `schedule` for AdamW's unscaled decay).
    static func makeRule(
        _ rule: UpdateRuleSettings.Rule, count: Int, tensors: [[Int]], schedule: ScheduledLearningRate
    ) -> any UpdateRule<Scalar> {
        switch rule {
        case .sgd: return SGDRule<Scalar>()
        case .momentum(let momentum, let nesterov):
            return MomentumRule<Scalar>(count: count, momentum: momentum, nesterov: nesterov)
        case .adagrad(let epsilon, let initialAccumulator, let epsilonInside):
            return AdagradRule<Scalar>(
                count: count, epsilon: epsilon, initialAccumulator: initialAccumulator, epsilonInside: epsilonInside)
        case .rmsprop(let rho, let epsilon, let epsilonInside):
            return RMSPropRule<Scalar>(count: count, rho: rho, epsilon: epsilon, epsilonInside: epsilonInside)
        case .adadelta(let rho, let epsilon): return AdadeltaRule<Scalar>(count: count, rho: rho, epsilon: epsilon)
        case .adam(let beta1, let beta2, let epsilon, let epsilonMode, let biasCorrection, let beta1Decay):
            return AdamRule<Scalar>(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, epsilonMode: epsilonMode,
                biasCorrection: biasCorrection, beta1Decay: beta1Decay)
        case .adamw(let beta1, let beta2, let epsilon, let epsilonMode, let weightDecay, let unscaledDecay):
            return AdamRule<Scalar>(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, epsilonMode: epsilonMode,
                weightDecay: weightDecay, unscaledDecaySchedule: unscaledDecay ? schedule : nil)
        case .adamax(let beta1, let beta2, let epsilon, let epsilonInside):
            return AdaMaxRule<Scalar>(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, epsilonInside: epsilonInside)
        case .nadam(let beta1, let beta2, let epsilon, let momentumDecay):
            return NAdamRule<Scalar>(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, momentumDecay: momentumDecay)
        case .amsgrad(let beta1, let beta2, let epsilon):
            return AMSGradRule<Scalar>(count: count, beta1: beta1, beta2: beta2, epsilon: epsilon)
        case .radam(let beta1, let beta2, let epsilon, let weightDecay, let decoupled):
            return RAdamRule<Scalar>(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                decoupled: decoupled)
        case .adabelief(let beta1, let beta2, let epsilon, let weightDecay, let decoupled, let rectify, let amsgrad):
            return AdaBeliefRule<Scalar>(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                decoupled: decoupled, rectify: rectify, amsgrad: amsgrad)
        case .lion(let beta1, let beta2, let weightDecay):
            return LionRule<Scalar>(count: count, beta1: beta1, beta2: beta2, weightDecay: weightDecay)
        case .scheduleFreeAdamW(
            let beta1, let beta2, let epsilon, let weightDecay, let warmupSteps, let r, let weightLRPower):
            return ScheduleFreeAdamWRule<Scalar>(
                count: count, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                warmupSteps: warmupSteps, r: r, weightLRPower: weightLRPower)
        case .adafactor(let beta2Decay, let epsilon1, let epsilon2, let clipThreshold, let weightDecay):
            return AdafactorRule<Scalar>(
                count: count, shapes: tensors, beta2Decay: beta2Decay, epsilon1: epsilon1, epsilon2: epsilon2,
                clipThreshold: clipThreshold, weightDecay: weightDecay)
        }
    }
}
