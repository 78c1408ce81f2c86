import Vocabulary

/// Which network a spec trains, with its architecture and regularization (PAPER.md §2 defaults).
public struct ModelSpec: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case logisticRegression = "logistic-regression"
        case bowLogisticRegression = "bow-logistic-regression"
        case mlp
        case cnn
        case vae

        /// Whether the model's products go through OpenBLAS, so that its curves depend on the
        /// kernel set (the bag-of-words model works on sparse rows in Swift).
        public var callsBLAS: Bool { self != .bowLogisticRegression }
    }

    public var kind: Kind
    /// Hidden layer sizes (MLP: [1000, 1000]; VAE: [500]).
    public var hidden: [Int]
    /// CNN convolution channels ([64, 64, 128]) and fully connected units (1000).
    public var channels: [Int]
    public var fullyConnected: Int
    /// VAE latent dimension (50).
    public var latent: Int
    public var inputDropout: Double
    /// Dropout on hidden layers (MLP) or the fully connected layer (CNN).
    public var hiddenDropout: Double
    public var l2: Double
    public var initialization: Initialization

    /// The paper's defaults for `kind` (dropout off; experiments turn it on).
    public static func defaults(_ kind: Kind) -> ModelSpec {
        ModelSpec(
            kind: kind, hidden: kind == .vae ? [500] : kind == .mlp ? [1000, 1000] : [],
            channels: kind == .cnn ? [64, 64, 128] : [],
            fullyConnected: kind == .cnn ? 1000 : 0, latent: kind == .vae ? 50 : 0, inputDropout: 0, hiddenDropout: 0,
            l2: 0, initialization: .modelDefault)
    }

    /// The datasets this model can train on.
    public var compatibleDatasets: [DatasetName] {
        switch kind {
        case .logisticRegression, .mlp, .vae: return [.mnist, .fashionMNIST]
        case .cnn: return [.cifar10, .cifar10JPEG]
        case .bowLogisticRegression: return [.imdb]
        }
    }

    /// Fields each model accepts in a spec.
    static func fields(_ kind: Kind) -> [String] {
        let common = ["name", "l2", "initialization"]
        switch kind {
        case .logisticRegression: return common
        case .bowLogisticRegression: return common + ["input-dropout"]
        case .mlp: return common + ["hidden", "input-dropout", "hidden-dropout"]
        case .cnn: return common + ["channels", "fully-connected", "input-dropout", "fully-connected-dropout"]
        case .vae: return common + ["hidden", "latent"]
        }
    }
}
