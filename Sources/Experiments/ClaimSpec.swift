import Optimizers
import Vocabulary

/// A claim of the paper, stated so that the reporter can check it (PAPER.md §3).
///
/// Each of `subjects` is compared with each of `versus` on `metric` over `window` ("lower" below
/// means better: for a metric where higher is better, `MetricName.higherIsBetter`, the sign is
/// turned); a claim about several subjects ("Adam and SGD-Nesterov beat AdaGrad") holds when it
/// holds for every subject. Below, "subject" is any one of them:
/// - `similar`: |subject - other| <= tolerance * |other| (relative), on the seed-paired difference;
/// - `better`: subject lower than each other by more than the tolerance;
/// - `faster`: subject reaches `target` (or, without one, the others' value at the window) in fewer
///   epochs; with `axis: seconds`, subject's metric is lower at the same training time (the time the
///   shorter of the two runs trained, curves interpolated linearly between epoch ends);
/// - `not-worse`: subject lower or within the tolerance;
/// - `cost-ratio`: the subject's training seconds per iteration (or, with `per: epoch`, per epoch)
///   divided by each other's lies in `range` (e.g. SFO 5-10x slower per iteration than Adam: subject SFO, versus Adam, range [5, 10]);
/// - `at-least`: the subject's metric (over the window) is at least `target`; no `versus` (e.g. the
///   fraction of coordinates whose second-moment estimate is below epsilon).
///
/// `better`, `not-worse` and `similar` compare each optimizer's selected setting (`settings: best`)
/// or, with `settings: every`, every setting of the subject with the setting of each other optimizer
/// that agrees with it on every hyperparameter either grid varies (the paper's "at every setting";
/// `where` keeps only the settings with the given values, e.g. `{beta2: 0.9999}`).
/// The reporter turns each into supported / refuted / inconclusive with its evidence.
public struct ClaimSpec: Sendable, Hashable, Codable {
    public enum Relation: String, Sendable, CaseIterable, Codable {
        case similar, better, faster
        case notWorse = "not-worse"
        case costRatio = "cost-ratio"
        case atLeast = "at-least"
    }

    /// What `faster` measures progress against.
    public enum Axis: String, Sendable, CaseIterable, Codable {
        case epochs, seconds
    }

    public var id: String
    public var statement: String
    public var relation: Relation
    /// The optimizer labels the claim is about (the spec's `subject`: one label or a list).
    public var subjects: [String]
    public var versus: [String]
    public var metric: MetricName
    /// Fraction of the horizon (from the end) over which the metric is averaged; 0 = final value only.
    public var lastFraction: Double
    /// Only the first N epochs (the paper's "first 3 epochs" views); nil = all.
    public var epochs: Int?
    public var tolerance: Double
    public var target: Double?
    /// `faster` only: epochs (default) or training seconds.
    public var axis: Axis? = nil
    /// `cost-ratio` only: the interval [low, high] the ratio should lie in (encoded as [low, high]).
    public var range: ClosedRange<Double>? = nil
    /// `cost-ratio` only: training seconds per iteration (default) or per epoch (the fair unit when
    /// the two methods' iterations process different numbers of examples).
    public var per: CostUnit? = nil

    public enum CostUnit: String, Sendable, CaseIterable, Codable {
        case iteration, epoch
    }

    /// Which settings a comparison takes: the selections, or every pair of settings.
    public enum SettingScope: String, Sendable, CaseIterable, Codable {
        case best, every
    }

    /// `better`, `not-worse` and `similar` only: the selections (default) or every setting.
    public var settings: SettingScope = .best
    /// `settings: every` only: compare just the settings with these hyperparameter values.
    public var only: [String: HyperparameterValue] = [:]
}
