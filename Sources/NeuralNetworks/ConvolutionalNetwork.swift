import DeterministicRandom
import Vocabulary

/// The paper's CNN (Section 6.3): three stages of 5x5 convolution ('same' padding) + ReLU +
/// 3x3 max-pool (stride 2, padding 1), then a fully connected ReLU layer and a softmax output;
/// c64-c64-c128-1000 on 32x32x3 CIFAR-10 (32 -> 16 -> 8 -> 4, flattening 4*4*128 = 2048).
///
///     x' = dropout_in(x);  a_s = pool(relu(conv_s(a_{s-1}) + b_s));  h = dropout_fc(relu(flat(a_3) W + b))
///     loss = mean cross-entropy(softmax(h V + c), label);  objective = loss + (lambda/2) * sum ||W||^2
///
/// Inputs arrive as the datasets store images (channel planes, row-major: CHW) and are transposed
/// to NHWC on the way in. He-normal initialization for every layer followed by ReLU, Glorot-uniform
/// for the output layer. Dropout defaults to off (the paper runs with and without: 0.2 input, 0.5 FC).
public final class ConvolutionalNetwork<T: NNScalar>: Model {
    public typealias Scalar = T
    public let layout: ParameterLayout
    public let maxBatch: Int
    let inputChannels: Int, height: Int, width: Int
    let convolutions: [Conv2D<T>]
    let pools: [MaxPool<T>]
    let fully: Dense<T>
    let output: Dense<T>
    let inputDropout: Dropout<T>
    let fullyDropout: Dropout<T>
    let penalty: WeightPenalty<T>
    let classes: Int
    // Workspaces: per stage, the conv output (pre-pool) and the pooled output; their gradients.
    let input: Buffer<T>
    let convOutputs: [Buffer<T>]
    let pooled: [Buffer<T>]
    let argmax: [UnsafeMutablePointer<Int32>]
    let hidden: Buffer<T>, logits: Buffer<T>
    let convGradients: [Buffer<T>], pooledGradients: [Buffer<T>], inputGradient: Buffer<T>
    let hiddenGradient: Buffer<T>
    let col: Buffer<T>

    /// Bytes of im2col matrix per chunk of images: each layer takes as many images as fit (at least
    /// one), so that a chunk's columns are still in cache when OpenBLAS packs them. Measured on the
    /// paper's CNN (`adam-bench bench models --only cnn`): 2 MiB (6 / 1 / 5 images for the three
    /// stages) takes ~0.8x the time of 32-image chunks; 1 to 3.4 MiB are alike, 8 MiB is slower.
    static var columnBudgetBytes: Int { 2 << 20 }

    /// `chunk`: images per im2col product in every layer (tests); nil sizes each layer's chunks to
    /// `columnBudgetBytes`.
    public init(
        inputChannels: Int = 3, height: Int = 32, width: Int = 32, channels: [Int] = [64, 64, 128],
        fullyConnected: Int = 1000,
        classes: Int = 10, inputDropout: Double = 0, fullyConnectedDropout: Double = 0, l2: Double = 0, maxBatch: Int,
        chunk: Int? = nil
    ) {
        var layout = ParameterLayout()
        var convolutions: [Conv2D<T>] = [], pools: [MaxPool<T>] = []
        var (h, w, c) = (height, width, inputChannels)
        for (s, k) in channels.enumerated() {
            let kernel = 5
            let columnBytesPerImage = h * w * kernel * kernel * c * MemoryLayout<T>.stride
            let images = chunk ?? Swift.max(1, Self.columnBudgetBytes / columnBytesPerImage)
            convolutions.append(
                Conv2D(
                    "conv\(s + 1)", height: h, width: w, inputChannels: c, outputChannels: k, kernel: kernel,
                    chunk: Swift.min(images, maxBatch), layout: &layout))
            let pool = MaxPool<T>(height: h, width: w, channels: k)
            pools.append(pool)
            (h, w, c) = (pool.outputHeight, pool.outputWidth, k)
        }
        let flat = h * w * c
        fully = Dense("fc1", inputs: flat, outputs: fullyConnected, initialization: .heNormal, layout: &layout)
        output = Dense("fc2", inputs: fullyConnected, outputs: classes, initialization: .glorotUniform, layout: &layout)
        self.layout = layout
        self.maxBatch = maxBatch
        self.inputChannels = inputChannels
        self.height = height
        self.width = width
        self.convolutions = convolutions
        self.pools = pools
        self.classes = classes
        self.inputDropout = Dropout(rate: inputDropout, capacity: maxBatch * height * width * inputChannels)
        self.fullyDropout = Dropout(rate: fullyConnectedDropout, capacity: maxBatch * fullyConnected)
        penalty = WeightPenalty(coefficient: l2, views: convolutions.map(\.weight) + [fully.weight, output.weight])
        input = Buffer(maxBatch * height * width * inputChannels)
        convOutputs = convolutions.map { Buffer(maxBatch * $0.pixels * $0.outputChannels) }
        pooled = pools.map { Buffer(maxBatch * $0.outputsPerImage) }
        argmax = pools.map {
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: maxBatch * $0.outputsPerImage)
            UnsafeMutableRawPointer(p).initializeMemory(
                as: UInt8.self, repeating: 0, count: maxBatch * $0.outputsPerImage * 4)
            return p
        }
        hidden = Buffer(maxBatch * fullyConnected)
        logits = Buffer(maxBatch * classes)
        convGradients = convolutions.map { Buffer(maxBatch * $0.pixels * $0.outputChannels) }
        pooledGradients = pools.map { Buffer(maxBatch * $0.outputsPerImage) }
        inputGradient = Buffer(0)
        hiddenGradient = Buffer(maxBatch * fullyConnected)
        col = Buffer(convolutions.map(\.columnCapacity).max() ?? 0)
    }

    deinit { for p in argmax { p.deallocate() } }

    public func trainingFLOPs(batch: Int) -> Double {
        let conv = convolutions.enumerated().reduce(0.0) { $0 + $1.element.flopsPerExample * ($1.offset == 0 ? 2 : 3) }
        return Double(batch) * (conv + 3 * fully.flopsPerExample + 3 * output.flopsPerExample)
    }

    public func initialize(parameters: UnsafeMutablePointer<T>, scheme: Initialization, rng: inout Xoshiro256) {
        initializeViews(parameters, scheme: scheme, rng: &rng)
    }

    /// CHW planes -> NHWC.
    func loadInput(_ x: UnsafePointer<T>, batch: Int) {
        let pixels = height * width, c = inputChannels, out = input.pointer
        for n in 0..<batch {
            let source = x + n * pixels * c, target = out + n * pixels * c
            for ch in 0..<c { for i in 0..<pixels { target[i * c + ch] = source[ch * pixels + i] } }
        }
    }

    func forward(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, batch: Int, rng: UnsafeMutablePointer<Xoshiro256>?) {
        loadInput(x, batch: batch)
        if let rng {
            inputDropout.apply(input.pointer, count: batch * height * width * inputChannels, rng: &rng.pointee)
        }
        var a = UnsafePointer(input.pointer)
        for s in convolutions.indices {
            convolutions[s].forward(a, batch: batch, parameters: p, output: convOutputs[s].pointer, col: col.pointer)
            pools[s].forward(convOutputs[s].pointer, batch: batch, output: pooled[s].pointer, argmax: argmax[s])
            a = UnsafePointer(pooled[s].pointer)
        }
        var mask: UnsafePointer<T>?
        if let rng, fullyDropout.isActive {
            fullyDropout.draw(count: batch * fully.outputs, rng: &rng.pointee)
            mask = UnsafePointer(fullyDropout.mask.pointer)
        }
        fully.forward(a, batch: batch, parameters: p, output: hidden.pointer, relu: true, dropoutMask: mask)
        output.forward(hidden.pointer, batch: batch, parameters: p, output: logits.pointer)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func trainingStep(
        parameters p: UnsafePointer<T>, gradients g: UnsafeMutablePointer<T>,
        batch: ModelBatch<T>, rng: inout Xoshiro256
    ) -> StepLoss {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        let n = batch.count
        withUnsafeMutablePointer(to: &rng) { forward(p, batch.dense!, batch: n, rng: $0) }
        let dz = logits.pointer
        let result = SoftmaxCrossEntropy.evaluate(
            logits.pointer, labels: batch.labels, batch: n, classes: classes, gradient: dz)
        let dh = hiddenGradient.pointer
        output.backward(hidden.pointer, outputGradient: dz, batch: n, parameters: p, gradients: g, inputGradient: dh)
        if fullyDropout.isActive {
            Activations.maskedBackward(
                dh, output: hidden.pointer, mask: fullyDropout.mask.pointer, count: n * fully.outputs)
        } else {
            Activations.reluBackward(dh, output: hidden.pointer, count: n * fully.outputs)
        }
        let last = convolutions.count - 1
        fully.backward(
            pooled[last].pointer, outputGradient: dh, batch: n, parameters: p, gradients: g,
            inputGradient: pooledGradients[last].pointer)
        for s in stride(from: last, through: 0, by: -1) {
            pools[s].backward(
                pooledGradients[s].pointer, batch: n, argmax: argmax[s], inputGradient: convGradients[s].pointer)
            let x = s == 0 ? UnsafePointer(input.pointer) : UnsafePointer(pooled[s - 1].pointer)
            let dx: UnsafeMutablePointer<T>? = s == 0 ? nil : pooledGradients[s - 1].pointer
            convolutions[s].backward(
                x, output: convOutputs[s].pointer, outputGradient: convGradients[s].pointer, batch: n,
                parameters: p, gradients: g, inputGradient: dx, col: col.pointer)
        }
        return StepLoss(loss: result.meanLoss, penalty: penalty.apply(parameters: p, gradients: g))
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(parameters p: UnsafePointer<T>, batch: ModelBatch<T>) -> Evaluation {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        forward(p, batch.dense!, batch: batch.count, rng: nil)
        return SoftmaxCrossEntropy.evaluate(
            logits.pointer, labels: batch.labels, batch: batch.count, classes: classes, gradient: nil)
    }

    public func penalty(parameters p: UnsafePointer<T>) -> Double { penalty.value(parameters: p) }
    public var isClassifier: Bool { true }
}
