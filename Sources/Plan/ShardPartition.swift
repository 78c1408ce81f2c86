/// A deterministic split of runs into `count` shards balanced by estimated cost: longest processing
/// time first (runs by estimate, largest first, ties by key; each to the shard with the least load
/// so far, ties to the lowest index). A pure function of the runs and their estimates, so every task
/// of a campaign computes the same partition on any machine.
public struct ShardPartition: Sendable {
    /// The shards' runs (index 0 = shard 1) and their estimated loads.
    public let shards: [[PlannedRun]]
    public let loads: [Double]

    public init(_ runs: [PlannedRun], count: Int, estimate: (PlannedRun) -> Double) {
        let ordered = runs.map { ($0, estimate($0)) }.sorted { ($1.1, $0.0.key) < ($0.1, $1.0.key) }
        var shards = Array(repeating: [PlannedRun](), count: max(count, 1))
        var loads = Array(repeating: 0.0, count: max(count, 1))
        for (run, cost) in ordered {
            let i = loads.indices.min { (loads[$0], $0) < (loads[$1], $1) }!
            shards[i].append(run)
            loads[i] += cost
        }
        self.shards = shards
        self.loads = loads
    }
}

/// `I/N` on the command line: shard I (1-based) of N.
public struct ShardSpec: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            return nil
        }
        (index, count) = (i, n)
    }

    public var description: String { "\(index)/\(count)" }
}
