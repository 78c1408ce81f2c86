/// A failure while running, reported with the run (the store records its description).
public enum RunnerError: Error, CustomStringConvertible, Equatable {
    /// The run's checkpoint does not fit the run (`run`: the key's first 12 characters).
    case checkpointMismatch(run: String, reason: String)
    /// A checkpoint was found for a method that never writes one (SFO, L-BFGS).
    case unexpectedCheckpoint(method: String)
    /// SFO would take more than 80% of the machine's memory: `bytes` for `parameters` x `subspace`.
    case sfoTooLarge(label: String, bytes: Int, parameters: Int, subspace: Int, physicalBytes: Int)

    public var description: String {
        switch self {
        case .checkpointMismatch(let run, let reason): return "run \(run): \(reason)"
        case .unexpectedCheckpoint(let method):
            return "\(method) runs are not checkpointed, yet a checkpoint was found for this run"
        case .sfoTooLarge(let label, let bytes, let parameters, let subspace, let physicalBytes):
            return "optimizer '\(label)' (sfo): needs about \(bytes / 1_048_576) MiB (\(parameters) parameters x "
                + "subspace dimension \(subspace)), more than 80% of this machine's \(physicalBytes / 1_048_576) MiB; "
                + "lower hyperparameters.subfunctions or max-subspace-dimension"
        }
    }
}
