import DeterministicRandom

/// Where SFO's random choices come from: the initial active set, a subfunction picked among several,
/// the coin of the `distance-both` selection, and the directions that fill a collapsed subspace.
///
/// The reference implementation (sfo.py) draws them from NumPy's global generator:
/// `np.random.permutation(...)[0]` picks, `np.random.randn() < 0` flips, `np.random.randn(K, K_min)`
/// fills. `seeded` draws them from the run's seed (stream "sfo"); `firstChoice` makes every choice
/// the way the reference does when those NumPy calls are replaced by deterministic ones — a
/// permutation is the identity (so a pick is the lowest index), the coin alternates starting with
/// `distance` (randn = -1, +1, -1, ...), and filling directions are the standard basis vectors in
/// turn — so the two can be compared step by step (scripts/sfo_reference.py).
public struct SFOChoices: Sendable {
    enum Source: Sendable {
        case seeded(Xoshiro256)
        case firstChoice(flips: Int, fills: Int)
    }

    var source: Source

    public static func seeded(_ seed: UInt64) -> SFOChoices {
        SFOChoices(source: .seeded(Xoshiro256(seed: seed, stream: "sfo")))
    }

    public static let firstChoice = SFOChoices(source: .firstChoice(flips: 0, fills: 0))

    /// The first `k` of a random permutation of 0..<n.
    mutating func sample(_ k: Int, of n: Int) -> [Int] {
        switch source {
        case .seeded(var rng):
            let chosen = Array(rng.permutation(n).prefix(k))
            source = .seeded(rng)
            return chosen
        case .firstChoice: return Array(0..<min(k, n))
        }
    }

    /// One of `candidates` (non-empty), uniformly.
    mutating func pick(_ candidates: [Int]) -> Int {
        switch source {
        case .seeded(var rng):
            let chosen = candidates[rng.nextInt(below: candidates.count)]
            source = .seeded(rng)
            return chosen
        case .firstChoice: return candidates[0]
        }
    }

    /// The coin of `distance-both`: true for the summed-metric distance (`randn() < 0`).
    mutating func flip() -> Bool {
        switch source {
        case .seeded(var rng):
            let heads = rng.nextGaussian() < 0
            source = .seeded(rng)
            return heads
        case .firstChoice(let flips, let fills):
            source = .firstChoice(flips: flips + 1, fills: fills)
            return flips % 2 == 0
        }
    }

    /// A direction of `k` entries to fill a collapsed subspace with.
    mutating func direction(_ k: Int) -> [Double] {
        if let v = seededGaussians(k) { return v }
        guard case .firstChoice(let flips, let fills) = source else { return [] }
        source = .firstChoice(flips: flips, fills: fills + 1)
        return (0..<k).map { $0 == fills % k ? 1 : 0 }
    }

    /// Gaussian entries (the subspace's starting direction when the initial point is zero).
    mutating func gaussians(_ n: Int) -> [Double] {
        seededGaussians(n) ?? (0..<n).map { $0 == 0 ? 1 : 0 }
    }

    /// `n` standard normal draws from the seeded stream; nil in `firstChoice` mode.
    private mutating func seededGaussians(_ n: Int) -> [Double]? {
        guard case .seeded(var rng) = source else { return nil }
        let v = (0..<n).map { _ in rng.nextGaussian() }
        source = .seeded(rng)
        return v
    }
}
