/// The element-by-element forms of the CNN's memory-bound passes (NHWC). Float64 runs these; Float32
/// runs the vectorized kernels of CNeuralKernels (ConvolutionKernels.c), which the tests hold to
/// these forms bit for bit.
extension NNScalar {
    /// Visits the im2col entries of a square kernel with stride 1 and pad = kernel / 2 ('same') in
    /// column-matrix order (image, output pixel, ky, kx): `body(entry, pixel)` with the entry's index
    /// and the index of the input pixel it reads (counting pixels over the whole batch), nil where the
    /// window lies outside the image.
    static func forEachPatchEntry(images: Int, height: Int, width: Int, kernel: Int, _ body: (Int, Int?) -> Void) {
        let pad = kernel / 2
        var entry = 0
        for n in 0..<images {
            for y in 0..<height {
                for x0 in 0..<width {
                    for ky in 0..<kernel {
                        let iy = y + ky - pad
                        for kx in 0..<kernel {
                            let ix = x0 + kx - pad
                            let inside = iy >= 0 && iy < height && ix >= 0 && ix < width
                            body(entry, inside ? (n * height + iy) * width + ix : nil)
                            entry += 1
                        }
                    }
                }
            }
        }
    }

    /// col[(n, y, x), (ky, kx, c)] = x[n, y + ky - pad, x + kx - pad, c] (0 outside the image).
    public static func elementwiseIm2col(
        _ x: UnsafePointer<Self>, images: Int, height: Int, width: Int, channels c: Int,
        kernel: Int, into col: UnsafeMutablePointer<Self>
    ) {
        forEachPatchEntry(images: images, height: height, width: width, kernel: kernel) { entry, pixel in
            for j in 0..<c { col[entry * c + j] = pixel.map { x[$0 * c + j] } ?? 0 }
        }
    }

    /// dx += the adjoint of im2col: each column entry added onto its pixel, by output pixel, then ky, kx.
    public static func elementwiseCol2imAdd(
        _ dcol: UnsafePointer<Self>, images: Int, height: Int, width: Int, channels c: Int,
        kernel: Int, into dx: UnsafeMutablePointer<Self>
    ) {
        forEachPatchEntry(images: images, height: height, width: width, kernel: kernel) { entry, pixel in
            guard let pixel else { return }
            for j in 0..<c { dx[pixel * c + j] += dcol[entry * c + j] }
        }
    }

    /// Max pooling over `window` x `window` windows clipped to the image; `argmax` receives the index
    /// (into x) of each output's first maximum in row-major window order.
    public static func elementwiseMaxPool(
        _ x: UnsafePointer<Self>, batch: Int, height: Int, width: Int, channels c: Int,
        window: Int, stride: Int, padding: Int,
        into output: UnsafeMutablePointer<Self>, argmax: UnsafeMutablePointer<Int32>
    ) {
        let oh = (height + 2 * padding - window) / stride + 1, ow = (width + 2 * padding - window) / stride + 1
        for n in 0..<batch {
            let image = n * height * width * c
            for y in 0..<oh {
                let y0 = Swift.max(y * stride - padding, 0), y1 = Swift.min(y * stride - padding + window, height)
                for x0 in 0..<ow {
                    let xa = Swift.max(x0 * stride - padding, 0), xb = Swift.min(x0 * stride - padding + window, width)
                    let o = ((n * oh + y) * ow + x0) * c
                    for ch in 0..<c {
                        var best = image + (y0 * width + xa) * c + ch
                        var value = x[best]
                        for iy in y0..<y1 {
                            for ix in xa..<xb {
                                let i = image + (iy * width + ix) * c + ch
                                if x[i] > value {
                                    value = x[i]
                                    best = i
                                }
                            }
                        }
                        output[o + ch] = value
                        argmax[o + ch] = Int32(best)
                    }
                }
            }
        }
    }

    /// y = max(y + b, 0), row by row.
    public static func elementwiseAddBiasReLU(
        _ y: UnsafeMutablePointer<Self>, bias b: UnsafePointer<Self>, rows: Int, columns: Int
    ) {
        for r in 0..<rows {
            let o = y + r * columns
            for j in 0..<columns { o[j] = Swift.max(o[j] + b[j], 0) }
        }
    }

    /// dy = dy where y > 0, else 0; biasGradient = the column sums of the result, rows in order.
    public static func elementwiseReLUBackwardWithBiasGradient(
        _ dy: UnsafeMutablePointer<Self>, output y: UnsafePointer<Self>,
        biasGradient db: UnsafeMutablePointer<Self>, rows: Int, columns: Int
    ) {
        db.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let d = dy + r * columns, o = y + r * columns
            for j in 0..<columns {
                let v = o[j] > 0 ? d[j] : 0
                d[j] = v
                db[j] += v
            }
        }
    }
}
