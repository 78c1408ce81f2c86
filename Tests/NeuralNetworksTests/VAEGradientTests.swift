import DeterministicRandom
import NeuralNetworks
import Testing

@Suite struct VAEGradientTests {
    @Test func gradientMatchesFiniteDifferences() {
        let batch = 4, inputs = 6
        let model = VariationalAutoencoder<Double>(inputs: inputs, hidden: 5, latent: 3, maxBatch: batch)
        let x = GradientCheck.randomInputs(count: batch * inputs, seed: 13)
        let labels = [Int32](repeating: 0, count: batch)
        let parameters = GradientCheck.randomParameters(model, seed: 17)
        let result = x.withUnsafeBufferPointer { xx in
            labels.withUnsafeBufferPointer { ll in
                GradientCheck.run(
                    model, parameters: parameters,
                    batch: ModelBatch(count: batch, dense: xx.baseAddress!, labels: ll.baseAddress!))
            }
        }
        #expect(result.normRelativeError <= 1e-6, "\(result)")
        #expect(result.worstCoordinateError <= 1e-6, "\(result)")
    }

    /// With all weights and biases zero the decoder outputs logits 0 and the latent is N(0, I):
    /// the loss is exactly 784 * log 2 nats (KL = 0), whatever the input.
    @Test func lossAtZeroParametersIsPixelsTimesLogTwo() {
        let model = VariationalAutoencoder<Double>(maxBatch: 2)
        let parameters = [Double](repeating: 0, count: model.layout.count)
        var gradients = parameters
        let x = GradientCheck.randomInputs(count: 2 * 784, seed: 1)
        let labels: [Int32] = [0, 0]
        var rng = Xoshiro256(seed: 3)
        let step = x.withUnsafeBufferPointer { xx in
            labels.withUnsafeBufferPointer { ll in
                gradients.withUnsafeMutableBufferPointer {
                    model.trainingStep(
                        parameters: parameters, gradients: $0.baseAddress!,
                        batch: ModelBatch(count: 2, dense: xx.baseAddress!, labels: ll.baseAddress!), rng: &rng)
                }
            }
        }
        #expect(abs(step.loss - 784 * Double.log(2)) < 1e-9)
    }
}
