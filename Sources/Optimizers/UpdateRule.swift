/// One optimizer's update equations, applied in place to a flat parameter buffer.
///
/// An update rule knows nothing of schedules, averaging or step counting: `Optimizer` owns those
/// and passes the learning rate in force (`lr_t`) and the 1-based step number `t`. Each conforming
/// type documents its equations, defaults, conventions and source.
public protocol UpdateRule<Scalar>: AnyObject {
    associatedtype Scalar: BinaryFloatingPoint

    /// Applies step `t` (1-based) with learning rate `learningRate` to the `count` parameters,
    /// given as many gradients. `count` equals the size the rule was created for.
    func update(
        parameters: UnsafeMutablePointer<Scalar>, gradients: UnsafePointer<Scalar>,
        learningRate: Double, step t: Int, count: Int)

    /// The rule's per-coordinate state, in a fixed order (saved and restored by `Optimizer`).
    var buffers: [StateBuffer<Scalar>] { get }
    /// Scalar state beyond the step count (e.g. NAdam's running product of momentum coefficients).
    var scalars: [Double] { get set }
}

extension UpdateRule {
    public var scalars: [Double] {
        get { [] }
        set {}
    }
}

/// A rule whose model is evaluated at another point than the one it takes gradients at (e.g.
/// Schedule-Free's average x_t, while gradients are taken at y_t).
public protocol EvaluationPointRule<Scalar>: UpdateRule {
    /// Writes the evaluation point after `t` steps, given the current parameters `from`.
    func writeEvaluationPoint(
        from parameters: UnsafePointer<Scalar>, into destination: UnsafeMutablePointer<Scalar>, step t: Int,
        count: Int)
}
