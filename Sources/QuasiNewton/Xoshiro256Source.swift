import DeterministicRandom

/// SFO's random choices (initial active set, subfunction order when asked, the random directions
/// that fill a collapsed subspace) from the run's seeded generator, so a run is reproducible.
struct Xoshiro256Source {
    var generator: Xoshiro256

    mutating func gaussian() -> Double { generator.nextGaussian() }
    mutating func index(below n: Int) -> Int { generator.nextInt(below: n) }
    /// A uniformly chosen element of `candidates` (not empty).
    mutating func element(of candidates: [Int]) -> Int { candidates[generator.nextInt(below: candidates.count)] }
}
