import DeterministicRandom
import NeuralNetworks
import Testing

@Suite struct ConvolutionalGradientTests {
    func check(inputDropout: Double, fcDropout: Double, l2: Double, chunk: Int?) {
        let batch = 3, c = 2, h = 8, w = 8
        let model = ConvolutionalNetwork<Double>(
            inputChannels: c, height: h, width: w, channels: [3, 3, 4], fullyConnected: 5, classes: 3,
            inputDropout: inputDropout, fullyConnectedDropout: fcDropout, l2: l2, maxBatch: batch, chunk: chunk)
        let x = GradientCheck.randomInputs(count: batch * c * h * w, seed: 21, range: -1...1)
        let labels: [Int32] = [2, 0, 1]
        let parameters = GradientCheck.randomParameters(model, seed: 5)
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

    @Test func plain() { check(inputDropout: 0, fcDropout: 0, l2: 0, chunk: nil) }  // the cache-budget chunks
    @Test func chunkedIm2col() { check(inputDropout: 0, fcDropout: 0, l2: 0, chunk: 2) }
    @Test func withDropoutAndL2() { check(inputDropout: 0.2, fcDropout: 0.5, l2: 0.01, chunk: 1) }

    @Test func layoutOfThePapersNetwork() {
        let model = ConvolutionalNetwork<Float>(maxBatch: 2)
        #expect(model.layout.view("fc1.weight")?.shape == [2048, 1000], "32 -> 16 -> 8 -> 4 after three poolings")
        #expect(model.layout.view("conv2.weight")?.shape == [5, 5, 64, 64])
        #expect(
            model.layout.count == (75 * 64 + 64) + (1600 * 64 + 64) + (1600 * 128 + 128) + (2048 * 1000 + 1000)
                + (1000 * 10 + 10))
    }
}
