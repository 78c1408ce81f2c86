import DeterministicRandom

/// Inverted dropout: in training each element is kept with probability 1 - rate and scaled by
/// 1 / (1 - rate), so evaluation uses the network unchanged. The mask is drawn from the run's
/// dropout stream, one uniform draw per element in row-major order.
struct Dropout<T: NNScalar> {
    let rate: Double
    let mask: Buffer<T>

    init(rate: Double, capacity: Int) {
        self.rate = rate
        mask = Buffer(rate > 0 ? capacity : 0)
    }

    var isActive: Bool { rate > 0 }

    /// Draws a mask for `count` elements and applies it to `x` in place.
    func apply(_ x: UnsafeMutablePointer<T>, count: Int, rng: inout Xoshiro256) {
        guard isActive else { return }
        let keep = T(1 / (1 - rate)), m = mask.pointer
        for i in 0..<count {
            m[i] = rng.nextUnit() >= rate ? keep : 0
            x[i] *= m[i]
        }
    }

    /// dx = dy * mask, in place.
    func backward(_ dy: UnsafeMutablePointer<T>, count: Int) {
        guard isActive else { return }
        let m = mask.pointer
        for i in 0..<count { dy[i] *= m[i] }
    }
}
