import Foundation

/// How a run's execution ended.
public enum RunOutcome: Sendable, Equatable {
    case completed
    case diverged(step: Int, lastFiniteLoss: Double?)
    /// Stopped by an interruption (Ctrl-C): resumable from its last checkpoint.
    case interrupted
}
