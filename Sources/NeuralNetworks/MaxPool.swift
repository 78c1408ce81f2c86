/// Max pooling over 3x3 windows with stride 2 and padding 1 (the paper's CNN: 32 -> 16 -> 8 -> 4),
/// NHWC. Padding never wins (windows are clipped to the image). The forward pass records each
/// output's winning input index; backward routes the gradient there (first maximum on ties).
struct MaxPool<T: NNScalar> {
    let height: Int, width: Int, channels: Int
    let size = 3, stride = 2, padding = 1

    var outputHeight: Int { (height + 2 * padding - size) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - size) / stride + 1 }
    var outputsPerImage: Int { outputHeight * outputWidth * channels }

    func forward(_ x: UnsafePointer<T>, batch: Int, output: UnsafeMutablePointer<T>, argmax: UnsafeMutablePointer<Int32>) {
        let oh = outputHeight, ow = outputWidth, c = channels
        for n in 0..<batch {
            let image = n * height * width * c
            for y in 0..<oh {
                let y0 = Swift.max(y * stride - padding, 0), y1 = Swift.min(y * stride - padding + size, height)
                for x0 in 0..<ow {
                    let xa = Swift.max(x0 * stride - padding, 0), xb = Swift.min(x0 * stride - padding + size, width)
                    let o = ((n * oh + y) * ow + x0) * c
                    for ch in 0..<c {
                        var best = image + (y0 * width + xa) * c + ch
                        var value = x[best]
                        for iy in y0..<y1 {
                            for ix in xa..<xb {
                                let i = image + (iy * width + ix) * c + ch
                                if x[i] > value { value = x[i]; best = i }
                            }
                        }
                        output[o + ch] = value
                        argmax[o + ch] = Int32(best)
                    }
                }
            }
        }
    }

    /// dx (zeroed here) receives each output gradient at its recorded winner.
    func backward(_ dy: UnsafePointer<T>, batch: Int, argmax: UnsafePointer<Int32>, inputGradient dx: UnsafeMutablePointer<T>) {
        dx.update(repeating: 0, count: batch * height * width * channels)
        for i in 0..<(batch * outputsPerImage) { dx[Int(argmax[i])] += dy[i] }
    }
}
