import ResultStore
import Vocabulary

/// What the quasi-Newton step drivers (`SFOStep`, `LBFGSStep`) share: they evaluate the parameters
/// themselves (no averaging), keep no checkpoint (an interrupted run starts over and, being
/// deterministic, records the same curve), and record their cost at each epoch end: evaluations so
/// far, the optimizer's own memory, and the process's peak resident memory.
protocol QuasiNewtonDriver: StepDriver {
    /// "SFO", "L-BFGS": for messages.
    var methodName: String { get }
    /// Bytes the optimizer allocated.
    var memoryBytes: Int { get }
}

extension QuasiNewtonDriver {
    func writeEvaluationParameters(
        from parameters: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>
    ) -> Bool { false }

    func checkpointState() -> [UInt8]? { nil }

    func restore(_ state: [UInt8]) throws {
        throw RunnerError.unexpectedCheckpoint(method: methodName)
    }

    func epochMetrics(objective: MinibatchObjective) -> [(MetricName, Double)] {
        [
            (MetricName.objectiveEvaluations, Double(objective.evaluations)),
            (MetricName.optimizerMemoryBytes, Double(memoryBytes)),
            (MetricName.peakResidentBytes, Double(ProcessMemory.peakResidentBytes)),
        ]
    }
}
