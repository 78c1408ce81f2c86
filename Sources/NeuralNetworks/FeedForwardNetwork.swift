import DeterministicRandom
import Vocabulary

/// Dense networks with softmax cross-entropy: multinomial logistic regression (no hidden layer,
/// `logistic-regression`: 784 -> 10) and the paper's MLP (`mlp`: 784-1000-1000-10, ReLU).
///
///     h_0 = dropout_in(x);  h_l = dropout_hidden(relu(h_{l-1} W_l + b_l));  z = h_L W + b
///     loss = mean over the batch of cross-entropy(softmax(z), label)
///     objective = loss + (lambda / 2) * sum_l ||W_l||^2
///
/// Dropout rates (input, hidden) are 0 unless configured; the paper's MLP with dropout uses 0.2 / 0.5.
/// Default initialization: He-normal for layers followed by ReLU, Glorot-uniform for the output layer.
public final class FeedForwardNetwork<T: NNScalar>: Model {
    public typealias Scalar = T
    public let layout: ParameterLayout
    public let maxBatch: Int
    public let sizes: [Int]
    let layers: [Dense<T>]
    let inputDropout: Dropout<T>
    let hiddenDropout: [Dropout<T>]
    let penalty: WeightPenalty<T>
    /// activations[l] = input of layer l (activations[0] = the dropped-out input, when dropout is active;
    /// otherwise layer 0 reads the batch in place); last = logits.
    let activations: [Buffer<T>]
    let gradientBuffers: [Buffer<T>]

    public init(sizes: [Int], inputDropout: Double = 0, hiddenDropout: Double = 0, l2: Double = 0, maxBatch: Int) {
        precondition(sizes.count >= 2, "a network needs input and output sizes")
        var layout = ParameterLayout()
        var layers: [Dense<T>] = []
        for l in 0..<(sizes.count - 1) {
            let hidden = l < sizes.count - 2
            layers.append(
                Dense(
                    "layer\(l + 1)", inputs: sizes[l], outputs: sizes[l + 1],
                    initialization: hidden ? .heNormal : .glorotUniform, layout: &layout))
        }
        self.layout = layout
        self.layers = layers
        self.sizes = sizes
        self.maxBatch = maxBatch
        self.inputDropout = Dropout(rate: inputDropout, capacity: maxBatch * sizes[0])
        self.hiddenDropout = sizes.dropFirst().dropLast().map { Dropout(rate: hiddenDropout, capacity: maxBatch * $0) }
        penalty = WeightPenalty(coefficient: l2, views: layers.map(\.weight))
        // Slot 0 of each is needed only for a dropped-out input copy; the input's gradient is never formed.
        let copiesInput = inputDropout > 0
        activations = sizes.enumerated().map { Buffer($0.offset == 0 && !copiesInput ? 0 : maxBatch * $0.element) }
        gradientBuffers = sizes.enumerated().map { Buffer($0.offset == 0 ? 0 : maxBatch * $0.element) }
    }

    public func trainingFLOPs(batch: Int) -> Double {
        // forward 2*in*out, backward 2*in*out for dW and (except the first layer) 2*in*out for dx.
        layers.enumerated().reduce(0) { $0 + $1.element.flopsPerExample * Double(batch) * ($1.offset == 0 ? 2 : 3) }
    }

    public func initialize(parameters: UnsafeMutablePointer<T>, scheme: Initialization, rng: inout Xoshiro256) {
        initializeViews(parameters, scheme: scheme, rng: &rng)
    }

    /// Forward pass to the logits (in activations.last); dropout only when `rng` is given. Returns the
    /// first layer's input: the dropped-out copy in activations[0], or the batch itself.
    @discardableResult
    func forward(
        _ p: UnsafePointer<T>, input x: UnsafePointer<T>, batch: Int, rng: UnsafeMutablePointer<Xoshiro256>?
    ) -> UnsafePointer<T> {
        var input = x
        if let rng, inputDropout.isActive {
            let h0 = activations[0].pointer
            h0.update(from: x, count: batch * sizes[0])
            inputDropout.apply(h0, count: batch * sizes[0], rng: &rng.pointee)
            input = UnsafePointer(h0)
        }
        for (l, layer) in layers.enumerated() {
            let hidden = l < layers.count - 1
            var mask: UnsafePointer<T>?
            if hidden, let rng, hiddenDropout[l].isActive {
                hiddenDropout[l].draw(count: batch * sizes[l + 1], rng: &rng.pointee)
                mask = UnsafePointer(hiddenDropout[l].mask.pointer)
            }
            layer.forward(
                l == 0 ? input : UnsafePointer(activations[l].pointer), batch: batch, parameters: p,
                output: activations[l + 1].pointer,
                relu: hidden, dropoutMask: mask)
        }
        return input
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func trainingStep(
        parameters p: UnsafePointer<T>, gradients g: UnsafeMutablePointer<T>,
        batch: ModelBatch<T>, rng: inout Xoshiro256
    ) -> StepLoss {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        let n = batch.count
        let input = withUnsafeMutablePointer(to: &rng) { forward(p, input: batch.dense!, batch: n, rng: $0) }
        let L = layers.count
        let dz = gradientBuffers[L].pointer
        let result = SoftmaxCrossEntropy.evaluate(
            activations[L].pointer, labels: batch.labels, batch: n,
            classes: sizes[L], gradient: dz)
        for l in stride(from: L - 1, through: 0, by: -1) {
            let dy = gradientBuffers[l + 1].pointer
            let dx: UnsafeMutablePointer<T>? = l > 0 ? gradientBuffers[l].pointer : nil
            layers[l].backward(
                l == 0 ? input : UnsafePointer(activations[l].pointer), outputGradient: dy, batch: n, parameters: p,
                gradients: g, inputGradient: dx)
            if let dx {
                // Through the ReLU and dropout that produced activations[l]: since the stored output is
                // mask * relu(.), it is positive exactly where both pass, and then the factor is the mask.
                if hiddenDropout[l - 1].isActive {
                    Activations.maskedBackward(
                        dx, output: activations[l].pointer, mask: hiddenDropout[l - 1].mask.pointer, count: n * sizes[l]
                    )
                } else {
                    Activations.reluBackward(dx, output: activations[l].pointer, count: n * sizes[l])
                }
            }
        }
        let penaltyValue = penalty.apply(parameters: p, gradients: g)
        return StepLoss(loss: result.meanLoss, penalty: penaltyValue)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(parameters p: UnsafePointer<T>, batch: ModelBatch<T>) -> Evaluation {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        forward(p, input: batch.dense!, batch: batch.count, rng: nil)
        return SoftmaxCrossEntropy.evaluate(
            activations[layers.count].pointer, labels: batch.labels, batch: batch.count,
            classes: sizes.last!, gradient: nil)
    }

    public func penalty(parameters p: UnsafePointer<T>) -> Double { penalty.value(parameters: p) }
    public var isClassifier: Bool { true }
}
