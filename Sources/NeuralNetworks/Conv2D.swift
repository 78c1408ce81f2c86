import Vocabulary

/// A 2-D convolution with a square kernel, stride 1 and 'same' zero padding, on NHWC activations,
/// computed as one matrix product per chunk of images (im2col):
///
///     col[(n, y, x), (ky, kx, c)] = x[n, y + ky - pad, x + kx - pad, c]   (0 outside the image)
///     out[(n, y, x), k] = sum_j col[(n, y, x), j] * W[j, k] + b[k]
///
/// Backward: dW = col^T dout, db = column sums of dout, dcol = dout W^T, then col2im scatters dcol
/// back into dx. Chunks of images bound the im2col workspace; products run on OpenBLAS, the passes
/// around them through `NNScalar`'s convolution kernels (ConvolutionLoops.swift).
struct Conv2D<T: NNScalar> {
    let height: Int, width: Int
    let inputChannels: Int, outputChannels: Int
    let kernel: Int
    let weight: ParameterView
    let bias: ParameterView
    /// Images per im2col chunk.
    let chunk: Int

    init(
        _ name: String, height: Int, width: Int, inputChannels: Int, outputChannels: Int, kernel: Int, chunk: Int,
        layout: inout ParameterLayout
    ) {
        self.height = height
        self.width = width
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.chunk = chunk
        let fanIn = kernel * kernel * inputChannels
        weight = layout.add(
            "\(name).weight", shape: [kernel, kernel, inputChannels, outputChannels], initialization: .heNormal,
            fanIn: fanIn, fanOut: kernel * kernel * outputChannels)
        bias = layout.add("\(name).bias", shape: [outputChannels], initialization: .zero)
    }

    var patchSize: Int { kernel * kernel * inputChannels }
    var pixels: Int { height * width }
    /// Workspace the layer needs for its im2col matrix (elements).
    var columnCapacity: Int { chunk * pixels * patchSize }
    var flopsPerExample: Double { 2 * Double(pixels * patchSize * outputChannels) }

    /// out = relu(conv(x) + b), NHWC, for `batch` images; `col` holds `columnCapacity` elements.
    func forward(
        _ x: UnsafePointer<T>, batch: Int, parameters p: UnsafePointer<T>, output: UnsafeMutablePointer<T>,
        col: UnsafeMutablePointer<T>
    ) {
        let k = outputChannels, b = p + bias.offset
        for start in stride(from: 0, to: batch, by: chunk) {
            let images = start..<min(start + chunk, batch)
            let rows = images.count * pixels
            T.im2col(
                x + start * pixels * inputChannels, images: images.count, height: height, width: width,
                channels: inputChannels, kernel: kernel, into: col)
            let out = output + start * pixels * k
            T.gemm(
                transposeA: false, transposeB: false, m: rows, n: k, k: patchSize, alpha: 1,
                a: col, lda: patchSize, b: p + weight.offset, ldb: k, beta: 0, c: out, ldc: k)
            T.addBiasReLU(out, bias: b, rows: rows, columns: k)
        }
    }

    /// `dout` is the gradient at the ReLU's output (modified in place into the pre-activation gradient);
    /// writes dW, db and, when given, dx (which this function zeroes first).
    func backward(
        _ x: UnsafePointer<T>, output: UnsafePointer<T>, outputGradient dout: UnsafeMutablePointer<T>, batch: Int,
        parameters p: UnsafePointer<T>, gradients g: UnsafeMutablePointer<T>,
        inputGradient dx: UnsafeMutablePointer<T>?,
        col: UnsafeMutablePointer<T>
    ) {
        let k = outputChannels
        // Through the ReLU (zero where the output was not positive), summing db on the way.
        T.reluBackwardWithBiasGradient(
            dout, output: output, biasGradient: g + bias.offset, rows: batch * pixels, columns: k)
        dx?.update(repeating: 0, count: batch * pixels * inputChannels)
        for start in stride(from: 0, to: batch, by: chunk) {
            let images = start..<min(start + chunk, batch)
            let rows = images.count * pixels
            let d = dout + start * pixels * k
            T.im2col(
                x + start * pixels * inputChannels, images: images.count, height: height, width: width,
                channels: inputChannels, kernel: kernel, into: col)
            T.gemm(
                transposeA: true, transposeB: false, m: patchSize, n: k, k: rows, alpha: 1,
                a: col, lda: patchSize, b: d, ldb: k, beta: start == 0 ? 0 : 1, c: g + weight.offset, ldc: k)
            if let dx {
                T.gemm(
                    transposeA: false, transposeB: true, m: rows, n: patchSize, k: k, alpha: 1,
                    a: d, lda: k, b: p + weight.offset, ldb: k, beta: 0, c: col, ldc: patchSize)
                T.col2imAdd(
                    col, images: images.count, height: height, width: width, channels: inputChannels, kernel: kernel,
                    into: dx + start * pixels * inputChannels)
            }
        }
    }
}
