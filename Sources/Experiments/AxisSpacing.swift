import Foundation
import Optimizers

/// How a numeric grid axis is spaced, and the value one grid step beyond each of its ends.
///
/// With the axis's values sorted, v_0 < ... < v_{n-1} (n >= 2), the axis is
/// - *geometric* when every value is positive and the step ratios v_{i+1} / v_i are alike: their
///   logarithms within a factor 1.25 of each other. Constant ratios (1, 10, 100) and the
///   alternating 1-3-10 pattern (0.001, 0.003, 0.01, 0.03: ratios 3 and 3.33) qualify; 0.99, 0.999,
///   0.9999 does not. With n = 2 any positive pair does. The step beyond the top is
///   v_{n-2} * (v_{n-1} / v_{n-3}) — the pattern's period applied to the value one step back, which
///   for constant ratios is v_{n-1} * r — and for n = 2, v_1^2 / v_0, except that a pair 2.8-3.6
///   apart is read as two steps of the 1-3-10 pattern (0.3, 1 -> 3, not 3.33); the bottom mirrors
///   it. So 0.001 ... 0.03 extends to 0.1, then 0.3.
/// - *linear* when n >= 3 and the differences are equal (not extended: flagged);
/// - *irregular* otherwise (flagged).
/// New values are rounded to 12 significant digits, so 0.03 * 10 is 0.3, not 0.30000000000000004.
public enum AxisSpacing: String, Sendable, Hashable, Codable {
    case geometric, linear, irregular

    public init(_ sorted: [Double]) {
        let n = sorted.count
        if n >= 2, sorted.allSatisfy({ $0 > 0 }) {
            let logs = (0..<(n - 1)).map { log(sorted[$0 + 1] / sorted[$0]) }
            if let low = logs.min(), let high = logs.max(), low > 0, high / low <= 1.25 {
                self = .geometric
                return
            }
        }
        if n >= 3 {
            let steps = (0..<(n - 1)).map { sorted[$0 + 1] - sorted[$0] }
            let scale = steps.map(abs).max() ?? 0
            if scale > 0, steps.allSatisfy({ abs($0 - steps[0]) <= 1e-9 * scale }) {
                self = .linear
                return
            }
        }
        self = .irregular
    }

    /// The value one step beyond the top (`upward`) or the bottom of a geometric axis's sorted
    /// values; nil for an axis that is not geometric.
    public static func beyond(_ sorted: [Double], upward: Bool) -> Double? {
        guard AxisSpacing(sorted) == .geometric else { return nil }
        let v = upward ? sorted : sorted.reversed()
        let n = v.count
        let next: Double
        if n >= 3 {
            next = v[n - 2] * (v[n - 1] / v[n - 3])
        } else if (2.8...3.6).contains(max(v[1] / v[0], v[0] / v[1])) {
            next = v[0] * (upward ? 10 : 0.1)  // two values of the 1-3-10 pattern: 0.3, 1 -> 3
        } else {
            next = v[1] * v[1] / v[0]
        }
        return Double(String(format: "%.12g", next)) ?? next
    }
}

/// Where a selected value lies on its axis, for reports: inside, or at an edge and why it stayed.
public struct EdgeStatus: Sendable, Hashable, Codable {
    public enum Side: String, Sendable, Hashable, Codable {
        case lower, upper
    }

    /// Why the selection is at the edge of the values tried.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The axis may not be extended (not in `extend`, or not geometric): flagged only.
        case notExtendable = "not extended"
        /// `max-extensions` steps were tried and the last one is still the best.
        case capReached = "extension limit reached"
        /// The step beyond lies outside the hyperparameter's domain.
        case outsideDomain = "the next value lies outside the hyperparameter's domain"
        /// Extension runs are still to finish.
        case pending = "extension pending"
    }

    public var axis: String
    public var side: Side
    public var extensionsTried: Int
    public var reason: Reason
    public var spacing: AxisSpacing

    public init(axis: String, side: Side, extensionsTried: Int, reason: Reason, spacing: AxisSpacing) {
        self.axis = axis
        self.side = side
        self.extensionsTried = extensionsTried
        self.reason = reason
        self.spacing = spacing
    }

    /// "upper edge of lr, 2 extensions tried (extension limit reached)".
    public var description: String {
        let tried = extensionsTried == 1 ? "1 extension tried" : "\(extensionsTried) extensions tried"
        let spaced = spacing == .geometric ? "" : ", \(spacing.rawValue) axis"
        return "\(side.rawValue) edge of \(axis), \(tried) (\(reason.rawValue)\(spaced))"
    }
}
