import DeterministicRandom
import Vocabulary

/// The paper's variational autoencoder (Section 6.4, Kingma & Welling 2014): 784-500 softplus
/// encoder to a 50-dimensional Gaussian latent, 50-500 softplus decoder to 784 Bernoulli logits.
///
///     h = softplus(x W1 + b1);  [mu, log sigma^2] = h W2 + b2
///     z = mu + exp(log sigma^2 / 2) * eps,   eps ~ N(0, I)        (one reparameterized sample)
///     l = softplus(z W3 + b3) W4 + b4
///     loss = mean over the batch of  sum_pixels BCE-with-logits(l, x)                 (reconstruction)
///                                   - 1/2 sum_latent (1 + log sigma^2 - mu^2 - sigma^2)   (analytic KL)
///
/// i.e. the negative ELBO in nats per example, with the MNIST intensities as Bernoulli targets.
/// Training draws eps from the run's generator; `evaluate` draws it from a fixed stream restarted at
/// every call, so evaluations are deterministic. Glorot-uniform initialization throughout.
/// Accuracy does not apply (reported as 0 correct).
public final class VariationalAutoencoder<T: NNScalar>: Model {
    public typealias Scalar = T
    public let layout: ParameterLayout
    public let maxBatch: Int
    public let inputs: Int, hiddenUnits: Int, latent: Int
    let encoder: Dense<T>, head: Dense<T>, decoder: Dense<T>, output: Dense<T>
    let h1Pre: Buffer<T>, h1: Buffer<T>, stats: Buffer<T>, noise: Buffer<T>, z: Buffer<T>
    let h2Pre: Buffer<T>, h2: Buffer<T>, logits: Buffer<T>
    let dh: Buffer<T>, dStats: Buffer<T>, dz: Buffer<T>

    public init(inputs: Int = 784, hidden: Int = 500, latent: Int = 50, maxBatch: Int) {
        var layout = ParameterLayout()
        encoder = Dense("encoder", inputs: inputs, outputs: hidden, initialization: .glorotUniform, layout: &layout)
        head = Dense("latent", inputs: hidden, outputs: 2 * latent, initialization: .glorotUniform, layout: &layout)
        decoder = Dense("decoder", inputs: latent, outputs: hidden, initialization: .glorotUniform, layout: &layout)
        output = Dense("output", inputs: hidden, outputs: inputs, initialization: .glorotUniform, layout: &layout)
        self.layout = layout
        self.maxBatch = maxBatch
        self.inputs = inputs
        hiddenUnits = hidden
        self.latent = latent
        h1Pre = Buffer(maxBatch * hidden)
        h1 = Buffer(maxBatch * hidden)
        stats = Buffer(maxBatch * 2 * latent)
        noise = Buffer(maxBatch * latent)
        z = Buffer(maxBatch * latent)
        h2Pre = Buffer(maxBatch * hidden)
        h2 = Buffer(maxBatch * hidden)
        logits = Buffer(maxBatch * inputs)
        dh = Buffer(maxBatch * max(hidden, inputs))
        dStats = Buffer(maxBatch * 2 * latent)
        dz = Buffer(maxBatch * latent)
    }

    public func trainingFLOPs(batch: Int) -> Double {
        Double(batch)
            * (2 * encoder.flopsPerExample + 3 * head.flopsPerExample + 3 * decoder.flopsPerExample + 3
                * output.flopsPerExample)
    }

    public func initialize(parameters: UnsafeMutablePointer<T>, scheme: Initialization, rng: inout Xoshiro256) {
        initializeViews(parameters, scheme: scheme, rng: &rng)
    }

    /// Forward pass; returns the summed negative ELBO over the batch.
    func forward(_ p: UnsafePointer<T>, _ x: UnsafePointer<T>, batch n: Int, rng: inout Xoshiro256) -> Double {
        let k = latent
        encoder.forward(x, batch: n, parameters: p, output: h1Pre.pointer)
        Activations.softplus(h1Pre.pointer, into: h1.pointer, count: n * hiddenUnits)
        head.forward(h1.pointer, batch: n, parameters: p, output: stats.pointer)
        var kl = 0.0
        for r in 0..<n {
            let s = stats.pointer + r * 2 * k, e = noise.pointer + r * k, zr = z.pointer + r * k
            for j in 0..<k {
                let mu = s[j], logVariance = s[k + j]
                e[j] = T(rng.nextGaussian())
                zr[j] = mu + T.exp(logVariance / 2) * e[j]
                kl -= 0.5 * Double(1 + logVariance - mu * mu - T.exp(logVariance))
            }
        }
        decoder.forward(z.pointer, batch: n, parameters: p, output: h2Pre.pointer)
        Activations.softplus(h2Pre.pointer, into: h2.pointer, count: n * hiddenUnits)
        output.forward(h2.pointer, batch: n, parameters: p, output: logits.pointer)
        var reconstruction = 0.0
        for r in 0..<n {
            reconstruction += T.crossEntropyWithLogitsSum(
                logits.pointer + r * inputs, targets: x + r * inputs, count: inputs)
        }
        return reconstruction + kl
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func trainingStep(
        parameters p: UnsafePointer<T>, gradients g: UnsafeMutablePointer<T>,
        batch: ModelBatch<T>, rng: inout Xoshiro256
    ) -> StepLoss {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        let n = batch.count, k = latent, x = batch.dense!
        let total = forward(p, x, batch: n, rng: &rng)
        let scale = T(1) / T(n)
        // d/dlogits of the mean BCE: (sigmoid(l) - x) / n, written over the logits.
        let dl = logits.pointer
        T.crossEntropyWithLogitsGradient(dl, targets: x, scale: scale, count: n * inputs)
        output.backward(
            h2.pointer, outputGradient: dl, batch: n, parameters: p, gradients: g, inputGradient: dh.pointer)
        Activations.softplusBackward(dh.pointer, input: h2Pre.pointer, count: n * hiddenUnits)
        decoder.backward(
            z.pointer, outputGradient: dh.pointer, batch: n, parameters: p, gradients: g, inputGradient: dz.pointer)
        for r in 0..<n {
            let s = stats.pointer + r * 2 * k, ds = dStats.pointer + r * 2 * k
            let e = noise.pointer + r * k, dzr = dz.pointer + r * k
            for j in 0..<k {
                let mu = s[j], logVariance = s[k + j], sigma = T.exp(logVariance / 2)
                ds[j] = dzr[j] + mu * scale
                ds[k + j] = dzr[j] * e[j] * sigma / 2 + (sigma * sigma - 1) / 2 * scale
            }
        }
        head.backward(
            h1.pointer, outputGradient: dStats.pointer, batch: n, parameters: p, gradients: g, inputGradient: dh.pointer
        )
        Activations.softplusBackward(dh.pointer, input: h1Pre.pointer, count: n * hiddenUnits)
        encoder.backward(x, outputGradient: dh.pointer, batch: n, parameters: p, gradients: g, inputGradient: nil)
        return StepLoss(loss: total / Double(n), penalty: 0)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(parameters p: UnsafePointer<T>, batch: ModelBatch<T>) -> Evaluation {
        precondition(batch.count <= maxBatch, "batch larger than the model's workspace")
        var rng = Xoshiro256(seed: 0, stream: "vae-evaluation-noise")
        var result = Evaluation()
        result.lossSum = forward(p, batch.dense!, batch: batch.count, rng: &rng)
        result.count = batch.count
        return result
    }

    public func penalty(parameters p: UnsafePointer<T>) -> Double { 0 }
    public var isClassifier: Bool { false }
}
