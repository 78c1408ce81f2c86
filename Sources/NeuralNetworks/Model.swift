import DeterministicRandom
import Vocabulary

/// A trainable model: a parameter layout (one flat buffer), a training step that writes the
/// gradient of the minibatch objective, and an evaluation pass.
///
/// Contract: `trainingStep` overwrites every entry of `gradients` with d(objective)/d(parameters),
/// objective = mean data loss over the batch (with dropout, when enabled) + penalty; it allocates
/// nothing. `evaluate` runs in eval mode (no dropout, no penalty) and returns sums.
public protocol Model<Scalar>: AnyObject {
    associatedtype Scalar: NNScalar

    var layout: ParameterLayout { get }
    /// The largest batch the preallocated workspaces hold.
    var maxBatch: Int { get }
    /// Floating-point operations of one training step (forward + backward) at `batch` examples,
    /// counting a multiply-add as 2 (for GFLOP/s figures).
    func trainingFLOPs(batch: Int) -> Double

    func initialize(parameters: UnsafeMutablePointer<Scalar>, scheme: Initialization, rng: inout Xoshiro256)
    func trainingStep(
        parameters: UnsafePointer<Scalar>, gradients: UnsafeMutablePointer<Scalar>,
        batch: ModelBatch<Scalar>, rng: inout Xoshiro256
    ) -> StepLoss
    func evaluate(parameters: UnsafePointer<Scalar>, batch: ModelBatch<Scalar>) -> Evaluation
    /// The regularization term of the objective at `parameters` ((lambda/2) ||W||^2; 0 without L2).
    func penalty(parameters: UnsafePointer<Scalar>) -> Double
    /// Whether the model predicts classes (accuracy is meaningful); false for the VAE.
    var isClassifier: Bool { get }
}

extension Model {
    /// Draws every view of the layout in order (so the same seed gives the same initialization,
    /// whatever optimizer trains the model).
    func initializeViews(_ parameters: UnsafeMutablePointer<Scalar>, scheme: Initialization, rng: inout Xoshiro256) {
        for view in layout.views { Initialization.fill(parameters, view: view, override: scheme, rng: &rng) }
    }
}
