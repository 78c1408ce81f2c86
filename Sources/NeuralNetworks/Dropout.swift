import DeterministicRandom

/// Inverted dropout: in training each element is kept with probability 1 - rate and scaled by
/// 1 / (1 - rate), so evaluation uses the network unchanged.
///
/// Mask draws: each 64-bit output of the run's generator gives two 32-bit uniforms (low half for
/// element 2i, high half for element 2i+1, in row-major order); an element is dropped when its
/// uniform is below rate * 2^32.
struct Dropout<T: NNScalar> {
    let rate: Double
    let mask: Buffer<T>
    let threshold: UInt32

    init(rate: Double, capacity: Int) {
        self.rate = rate
        mask = Buffer(rate > 0 ? capacity : 0)
        threshold = UInt32(min(rate * 4_294_967_296.0, 4_294_967_295.0))
    }

    var isActive: Bool { rate > 0 }

    /// Draws a mask for `count` elements (without applying it).
    func draw(count: Int, rng: inout Xoshiro256) {
        guard isActive else { return }
        let keep = T(1 / (1 - rate)), m = mask.pointer
        // kept(u) = [u >= threshold] computed without a branch (a 50% branch mispredicts half the
        // time): u + (2^32 - threshold) carries into bit 32 exactly when u >= threshold.
        let offset = (UInt64(1) << 32) - UInt64(threshold)
        @inline(__always) func kept(_ u: UInt64) -> T { T((u & 0xFFFF_FFFF &+ offset) >> 32) * keep }
        var generator = rng  // a local copy stays in registers; written back below
        var i = 0
        while i + 1 < count {
            let r = generator.next()
            m[i] = kept(r)
            m[i + 1] = kept(r >> 32)
            i += 2
        }
        if i < count { m[i] = kept(generator.next()) }
        rng = generator
    }

    /// Draws a mask for `count` elements and applies it to `x` in place.
    func apply(_ x: UnsafeMutablePointer<T>, count: Int, rng: inout Xoshiro256) {
        guard isActive else { return }
        draw(count: count, rng: &rng)
        let m = mask.pointer
        for i in 0..<count { x[i] *= m[i] }
    }

    /// dx = dy * mask, in place.
    func backward(_ dy: UnsafeMutablePointer<T>, count: Int) {
        guard isActive else { return }
        let m = mask.pointer
        for i in 0..<count { dy[i] *= m[i] }
    }
}
