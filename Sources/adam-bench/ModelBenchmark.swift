import DeterministicRandom
import Foundation
import NeuralNetworks
import Optimizers

/// One model's training-step benchmark: a fixed random batch, Adam, median over repeated steps.
struct ModelBenchmark: Sendable {
    let name: String
    let batch: Int
    let make: @Sendable () -> any Model<Float>
    /// Input features per example (dense) — or nil for the sparse bag-of-words model.
    let features: Int?

    struct Result {
        let batch: Int
        let medianSeconds: Double
        let flops: Double
    }

    static let all: [ModelBenchmark] = [
        ModelBenchmark(
            name: "logreg", batch: 128, make: { FeedForwardNetwork<Float>(sizes: [784, 10], l2: 1e-4, maxBatch: 128) },
            features: 784),
        ModelBenchmark(
            name: "mlp", batch: 128, make: { FeedForwardNetwork<Float>(sizes: [784, 1000, 1000, 10], maxBatch: 128) },
            features: 784),
        ModelBenchmark(
            name: "mlp-dropout", batch: 128,
            make: {
                FeedForwardNetwork<Float>(
                    sizes: [784, 1000, 1000, 10], inputDropout: 0.2, hiddenDropout: 0.5, maxBatch: 128)
            }, features: 784),
        ModelBenchmark(name: "cnn", batch: 128, make: { ConvolutionalNetwork<Float>(maxBatch: 128) }, features: 3072),
        ModelBenchmark(name: "vae", batch: 100, make: { VariationalAutoencoder<Float>(maxBatch: 100) }, features: 784),
        // The peers' scripts (../shared/peers) time the VAE at batch 128: this row compares with them.
        ModelBenchmark(
            name: "vae-128", batch: 128, make: { VariationalAutoencoder<Float>(maxBatch: 128) }, features: 784),
        // IMDB-like sparse input as in the peers' script: 10,000 binary features, 200 present per row.
        ModelBenchmark(
            name: "bow-logreg", batch: 128,
            make: {
                BagOfWordsLogisticRegression<Float>(
                    features: 10_000, inputDropout: 0.5, maxBatch: 128, maxNonzeros: 128 * 200)
            }, features: nil),
    ]

    func run(seconds: Double) throws -> Result {
        let model = make()
        var rng = Xoshiro256(seed: 1)
        let n = model.layout.count
        var parameters = [Float](repeating: 0, count: n), gradients = parameters
        parameters.withUnsafeMutableBufferPointer {
            model.initialize(parameters: $0.baseAddress!, scheme: .modelDefault, rng: &rng)
        }
        let x = (0..<batch * (features ?? 0)).map { _ in Float(rng.nextUnit()) }
        let labels = (0..<batch).map { Int32($0 % (features == nil ? 2 : 10)) }
        // Sparse rows: 200 distinct sorted columns of 10,000 per example.
        let offsets = (0...batch).map { $0 * 200 }
        let columns = (0..<batch).flatMap { _ in Array(rng.permutation(10_000).prefix(200)).sorted().map(Int32.init) }
        let values = [Float](repeating: 1, count: batch * 200)
        let optimizer = try Optimizer<Float>(.defaults(.adam), parameterCount: n)
        var times: [Double] = []
        x.withUnsafeBufferPointer { xx in
            labels.withUnsafeBufferPointer { ll in
                offsets.withUnsafeBufferPointer { oo in
                    columns.withUnsafeBufferPointer { cc in
                        values.withUnsafeBufferPointer { vv in
                            let input =
                                features == nil
                                ? ModelBatch(
                                    count: batch,
                                    sparse: SparseRows(
                                        rowOffsets: oo.baseAddress!, columns: cc.baseAddress!, values: vv.baseAddress!),
                                    labels: ll.baseAddress!)
                                : ModelBatch(count: batch, dense: xx.baseAddress!, labels: ll.baseAddress!)
                            parameters.withUnsafeMutableBufferPointer { p in
                                gradients.withUnsafeMutableBufferPointer { g in
                                    let deadline = Date().addingTimeInterval(seconds)
                                    var step = 0
                                    repeat {
                                        let start = DispatchTime.now().uptimeNanoseconds
                                        _ = model.trainingStep(
                                            parameters: p.baseAddress!, gradients: g.baseAddress!, batch: input,
                                            rng: &rng)
                                        optimizer.step(parameters: p, gradients: UnsafeBufferPointer(g))
                                        if step >= 2 {
                                            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                                        }  // 2 warm-up steps
                                        step += 1
                                    } while Date() < deadline || times.count < 5
                                }
                            }
                        }
                    }
                }
            }
        }
        return Result(
            batch: batch, medianSeconds: times.sorted()[times.count / 2], flops: model.trainingFLOPs(batch: batch))
    }
}
