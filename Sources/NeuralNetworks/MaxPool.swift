/// Max pooling over 3x3 windows with stride 2 and padding 1 (the paper's CNN: 32 -> 16 -> 8 -> 4),
/// NHWC. Padding never wins (windows are clipped to the image). The forward pass records each
/// output's winning input index; backward routes the gradient there (first maximum on ties).
struct MaxPool<T: NNScalar> {
    let height: Int, width: Int, channels: Int
    let size = 3, stride = 2, padding = 1

    var outputHeight: Int { (height + 2 * padding - size) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - size) / stride + 1 }
    var outputsPerImage: Int { outputHeight * outputWidth * channels }

    func forward(
        _ x: UnsafePointer<T>, batch: Int, output: UnsafeMutablePointer<T>, argmax: UnsafeMutablePointer<Int32>
    ) {
        T.maxPool(
            x, batch: batch, height: height, width: width, channels: channels, window: size, stride: stride,
            padding: padding,
            into: output, argmax: argmax)
    }

    /// dx (zeroed here) receives each output gradient at its recorded winner.
    func backward(
        _ dy: UnsafePointer<T>, batch: Int, argmax: UnsafePointer<Int32>, inputGradient dx: UnsafeMutablePointer<T>
    ) {
        dx.update(repeating: 0, count: batch * height * width * channels)
        for i in 0..<(batch * outputsPerImage) { dx[Int(argmax[i])] += dy[i] }
    }
}
