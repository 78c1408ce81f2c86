/// Softmax cross-entropy over `classes` logits per example, with integer labels.
///
/// loss_r = logsumexp(z_r) - z_r[label_r]; the gradient of the *mean* loss over the batch is
/// (softmax(z_r) - onehot(label_r)) / batch. Sums are accumulated in Double.
enum SoftmaxCrossEntropy {
    /// Returns the summed loss and correct count (argmax, first maximum on ties); writes the
    /// gradient of the mean loss into `gradient` when given (it may alias `logits`).
    static func evaluate<T: NNScalar>(
        _ logits: UnsafeMutablePointer<T>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
        gradient: UnsafeMutablePointer<T>?
    ) -> Evaluation {
        var result = Evaluation()
        result.count = batch
        let scale = T(1) / T(batch)
        for r in 0..<batch {
            let z = logits + r * classes
            var best = 0
            for j in 1..<classes where z[j] > z[best] { best = j }
            let top = z[best]
            var sum = 0.0
            for j in 0..<classes { sum += Double(T.exp(z[j] - top)) }
            let label = Int(labels[r])
            result.lossSum += Double.log(sum) - Double(z[label] - top)
            if best == label { result.correct += 1 }
            if let gradient {
                let g = gradient + r * classes
                for j in 0..<classes {
                    let probability = T(Double(T.exp(z[j] - top)) / sum)
                    g[j] = (probability - (j == label ? 1 : 0)) * scale
                }
            }
        }
        return result
    }
}
