import DeterministicRandom

/// Means and 95% bootstrap intervals over seeds. Resampling is deterministic (a fixed generator
/// seed), so a report is a pure function of its database.
public enum Statistics {
    public static let resamples = 4000
    public static let minimumSeedsForInterval = 2

    public struct Estimate: Sendable, Equatable {
        public let mean: Double
        /// nil with fewer than `minimumSeedsForInterval` values.
        public let interval: ClosedRange<Double>?
        public let count: Int
    }

    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// Mean and percentile-bootstrap 95% interval of `values` (one per seed).
    public static func estimate(_ values: [Double]) -> Estimate {
        let m = mean(values)
        guard values.count >= minimumSeedsForInterval, values.allSatisfy(\.isFinite) else {
            return Estimate(mean: m, interval: nil, count: values.count)
        }
        var rng = Xoshiro256(seed: 20_150_101, stream: "bootstrap")
        var means = [Double]()
        means.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var sum = 0.0
            for _ in values.indices { sum += values[rng.nextInt(below: values.count)] }
            means.append(sum / Double(values.count))
        }
        means.sort()
        return Estimate(
            mean: m, interval: means[Int(0.025 * Double(resamples))]...means[Int(0.975 * Double(resamples)) - 1],
            count: values.count)
    }

    /// Paired differences a[i] - b[i] (same seed i), with their bootstrap interval.
    public static func pairedDifference(_ a: [Double], _ b: [Double]) -> Estimate {
        precondition(a.count == b.count, "paired samples")
        return estimate(zip(a, b).map { $0 - $1 })
    }
}
