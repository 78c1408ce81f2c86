/// The L2 term of the objective, (lambda / 2) * sum of squared weights over the weight matrices
/// (biases are not penalized). Its gradient, lambda * W, is added to the data gradient.
struct WeightPenalty<T: NNScalar> {
    let coefficient: Double
    let views: [ParameterView]

    /// The penalty's value alone.
    func value(parameters p: UnsafePointer<T>) -> Double {
        guard coefficient > 0 else { return 0 }
        var sum = 0.0
        for view in views {
            var partial = T(0)
            for i in view.range { partial += p[i] * p[i] }
            sum += Double(partial)
        }
        return 0.5 * coefficient * sum
    }

    /// Adds lambda * W to `gradients` and returns the penalty value.
    func apply(parameters p: UnsafePointer<T>, gradients g: UnsafeMutablePointer<T>) -> Double {
        guard coefficient > 0 else { return 0 }
        let lambda = T(coefficient)
        var sum = 0.0
        for view in views {
            var partial = T(0)
            for i in view.range {
                partial += p[i] * p[i]
                g[i] += lambda * p[i]
            }
            sum += Double(partial)
        }
        return 0.5 * coefficient * sum
    }
}
