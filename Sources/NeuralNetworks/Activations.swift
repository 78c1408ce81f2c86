/// Element-wise nonlinearities, in place.
enum Activations {
    /// y = max(x, 0).
    static func relu<T: NNScalar>(_ x: UnsafeMutablePointer<T>, count: Int) {
        for i in 0..<count { x[i] = Swift.max(x[i], 0) }
    }

    /// dx = dy * [y > 0], in place on dy (y is the ReLU's output).
    static func reluBackward<T: NNScalar>(_ dy: UnsafeMutablePointer<T>, output y: UnsafePointer<T>, count: Int) {
        T.reluBackward(dy, output: y, count: count)
    }

    /// dx = dy * mask * [y > 0], in place on dy, where y = mask * relu(x) is the stored output.
    static func maskedBackward<T: NNScalar>(
        _ dy: UnsafeMutablePointer<T>, output y: UnsafePointer<T>, mask: UnsafePointer<T>, count: Int
    ) {
        T.maskedReLUBackward(dy, output: y, mask: mask, count: count)
    }

    /// y = softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|); `x` is kept (backward needs it).
    static func softplus<T: NNScalar>(_ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>, count: Int) {
        T.softplus(x, into: y, count: count)
    }

    /// dx = dy * sigmoid(x), in place on dy.
    static func softplusBackward<T: NNScalar>(_ dy: UnsafeMutablePointer<T>, input x: UnsafePointer<T>, count: Int) {
        T.scaleBySigmoid(dy, of: x, count: count)
    }
}
