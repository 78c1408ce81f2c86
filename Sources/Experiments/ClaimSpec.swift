/// A claim of the paper, stated so that the reporter can check it (PAPER.md §3).
///
/// `subject` is compared with each of `versus` on `metric` (lower is better) over `window`:
/// - `similar`: |subject - other| <= tolerance * |other| (relative), on the seed-paired difference;
/// - `better`: subject lower than each other by more than the tolerance;
/// - `faster`: subject reaches `target` (or, without one, the others' value at the window) in fewer
///   epochs;
/// - `not-worse`: subject lower or within the tolerance.
/// The reporter turns each into supported / refuted / inconclusive with its evidence.
public struct ClaimSpec: Sendable, Hashable, Codable {
    public enum Relation: String, Sendable, CaseIterable, Codable {
        case similar, better, faster
        case notWorse = "not-worse"
    }

    public var id: String
    public var statement: String
    public var relation: Relation
    public var subject: String
    public var versus: [String]
    public var metric: String
    /// Fraction of the horizon (from the end) over which the metric is averaged; 0 = final value only.
    public var lastFraction: Double
    /// Only the first N epochs (the paper's "first 3 epochs" views); nil = all.
    public var epochs: Int?
    public var tolerance: Double
    public var target: Double?
}
