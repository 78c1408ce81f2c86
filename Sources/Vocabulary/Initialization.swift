/// How a weight view is drawn (a spec field; biases always start at zero).
///
/// - `heNormal`: N(0, 2 / fanIn) — He et al. (2015), for layers followed by ReLU.
/// - `glorotUniform`: U(-a, a), a = sqrt(6 / (fanIn + fanOut)) — Glorot & Bengio (2010), otherwise.
/// - `zeros`: all zero (allowed for logistic regression, whose loss is convex).
/// - `modelDefault`: He-normal for ReLU layers, Glorot-uniform for the rest (what each model declares).
public enum Initialization: String, Sendable, CaseIterable, Codable {
    case modelDefault = "default"
    case heNormal = "he-normal"
    case glorotUniform = "glorot-uniform"
    case zeros
    /// Biases.
    case zero = "zero-bias"
}
