import Experiments
import NeuralNetworks

/// Builds the network a spec names, sized for the largest batch it will see.
enum ModelFactory {
    static func make(_ spec: ModelSpec, data: TrainingData, maxBatch: Int, maxNonzeros: Int) -> any Model<Float> {
        switch spec.kind {
        case .logisticRegression:
            return FeedForwardNetwork<Float>(
                sizes: [featureCount(data), 10], inputDropout: spec.inputDropout, l2: spec.l2, maxBatch: maxBatch)
        case .mlp:
            return FeedForwardNetwork<Float>(
                sizes: [featureCount(data)] + spec.hidden + [10], inputDropout: spec.inputDropout,
                hiddenDropout: spec.hiddenDropout, l2: spec.l2, maxBatch: maxBatch)
        case .cnn:
            return ConvolutionalNetwork<Float>(
                channels: spec.channels, fullyConnected: spec.fullyConnected, inputDropout: spec.inputDropout,
                fullyConnectedDropout: spec.hiddenDropout, l2: spec.l2, maxBatch: maxBatch)
        case .vae:
            return VariationalAutoencoder<Float>(
                inputs: featureCount(data), hidden: spec.hidden.first ?? 500, latent: spec.latent, maxBatch: maxBatch)
        case .bowLogisticRegression:
            guard case .bagOfWords(let train, _) = data else {
                preconditionFailure("validated: bow-logistic-regression trains on imdb")
            }
            return BagOfWordsLogisticRegression<Float>(
                features: train.features.columns, classes: 2, inputDropout: spec.inputDropout,
                l2: spec.l2, maxBatch: maxBatch, maxNonzeros: maxNonzeros)
        }
    }

    static func featureCount(_ data: TrainingData) -> Int {
        switch data {
        case .images(let train, _): return train.featureCount
        case .bagOfWords(let train, _): return train.features.columns
        }
    }
}
