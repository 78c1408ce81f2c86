import Foundation

/// The schedules of the learning rate, by the names the `schedule` field takes.
///
/// - `constant`: lr_t = lr.
/// - `inverse-sqrt`: lr_t = lr / sqrt(t), the decay of the paper's logistic-regression experiments
///   (Section 6.1) and of its convergence analysis; t counts optimizer steps.
/// - `cosine`: lr_t = floor + (lr - floor) (1 + cos(pi (t - 1) / T)) / 2 over the run's T steps
///   (`torch.optim.lr_scheduler.CosineAnnealingLR` with T_max = T, eta_min = floor, stepped every
///   optimizer step).
/// - `step`: lr_t = lr * factor^floor((t - 1) / (K S)), a drop by `factor` every K epochs of S steps
///   (`StepLR` with step_size = K S, stepped every optimizer step).
///
/// `ScheduledLearningRate` adds the linear warm-up and the run's horizon.
public enum LearningRateSchedule: String, Sendable, CaseIterable, Codable {
    case constant
    case inverseSqrt = "inverse-sqrt"
    case cosine
    case step
}

/// How many steps a run has, for the schedules that need it (`cosine`: all of them; `step`: the
/// steps of an epoch). A zero `totalSteps` means unknown: `cosine` then stays at lr.
public struct ScheduleHorizon: Sendable, Equatable {
    public var totalSteps: Int
    public var stepsPerEpoch: Int

    public init(totalSteps: Int, stepsPerEpoch: Int) {
        self.totalSteps = totalSteps
        self.stepsPerEpoch = max(1, stepsPerEpoch)
    }

    public static let unknown = ScheduleHorizon(totalSteps: 0, stepsPerEpoch: 1)
}

/// A schedule as one run uses it: `schedule` after a linear warm-up of W steps, over the run's
/// horizon.
///
///     t <= W:  lr_t = lr * t / W
///     t > W:   lr_t = schedule(lr, u) with u = t - W, over T - W steps
///
/// the schedule restarting its own count at the end of the warm-up, as
/// `SequentialLR([LinearLR(start_factor=1/W, total_iters=W-1), schedule], milestones=[W])` does.
/// Without a warm-up (W = 0) `constant` and `inverse-sqrt` compute exactly what they always did.
public struct ScheduledLearningRate: Sendable, Equatable {
    public let schedule: LearningRateSchedule
    public let warmup: Int
    public let floor: Double
    public let stepFactor: Double
    public let stepEpochs: Int
    public let horizon: ScheduleHorizon

    public init(
        _ schedule: LearningRateSchedule, warmup: Int = 0, floor: Double = 0, stepFactor: Double = 0.1,
        stepEpochs: Int = 30, horizon: ScheduleHorizon = .unknown
    ) {
        self.schedule = schedule
        self.warmup = max(0, warmup)
        self.floor = floor
        self.stepFactor = stepFactor
        self.stepEpochs = max(1, stepEpochs)
        self.horizon = horizon
    }

    /// lr_t for the configured `lr` at step t (1-based).
    public func learningRate(base lr: Double, step t: Int) -> Double {
        if warmup > 0 && t <= warmup { return lr * Double(t) / Double(warmup) }
        let u = t - warmup
        switch schedule {
        case .constant: return lr
        case .inverseSqrt: return lr / Double(u).squareRoot()
        case .cosine:
            let steps = horizon.totalSteps - warmup
            guard steps > 0 else { return lr }
            return floor + (lr - floor) * (1 + cos(Double.pi * Double(u - 1) / Double(steps))) / 2
        case .step:
            return lr * pow(stepFactor, Double((u - 1) / (stepEpochs * horizon.stepsPerEpoch)))
        }
    }
}
