import Experiments
import Foundation

/// The verdict on one claim of a spec, with the evidence.
public struct ClaimVerdict: Sendable {
    public enum Outcome: String, Sendable {
        case supported, refuted, inconclusive

        /// A claim's outcome from its comparisons': refuted when any is, supported when there are
        /// some and all are, else inconclusive.
        public static func combined(_ outcomes: [Outcome]) -> Outcome {
            if outcomes.contains(.refuted) { return .refuted }
            return !outcomes.isEmpty && outcomes.allSatisfy { $0 == .supported } ? .supported : .inconclusive
        }
    }

    public let claim: ClaimSpec
    public let outcome: Outcome
    /// One line per comparison (each subject vs each other), with the numbers.
    public let evidence: [String]
    /// How the verdict was reached.
    public let rule: String
}
