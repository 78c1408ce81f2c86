import DeterministicRandom
import Vocabulary

extension Initialization {
    /// Fills `view` of `parameters` under `scheme` (which overrides the view's own unless `modelDefault`).
    static func fill<T: NNScalar>(
        _ parameters: UnsafeMutablePointer<T>, view: ParameterView, override scheme: Initialization,
        rng: inout Xoshiro256
    ) {
        let p = parameters + view.offset
        var effective = view.initialization
        if view.initialization != .zero && scheme != .modelDefault { effective = scheme }
        switch effective {
        case .zero, .zeros, .modelDefault:
            p.update(repeating: 0, count: view.count)
        case .heNormal:
            let sd = (2.0 / Double(view.fanIn)).squareRoot()
            for i in 0..<view.count { p[i] = T(rng.nextGaussian() * sd) }
        case .glorotUniform:
            let a = (6.0 / Double(view.fanIn + view.fanOut)).squareRoot()
            for i in 0..<view.count { p[i] = T((2 * rng.nextUnit() - 1) * a) }
        }
    }
}
