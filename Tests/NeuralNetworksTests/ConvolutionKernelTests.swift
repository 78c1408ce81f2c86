import DeterministicRandom
import NeuralNetworks
import Testing

/// The CNN's Float32 kernels (CNeuralKernels/ConvolutionKernels.c) give the bits of the
/// element-by-element forms (ConvolutionLoops.swift) — so swapping one for the other cannot move a
/// stored curve. Shapes cover the paper's CNN stages (3 and 64 channels), odd sizes and a kernel as
/// wide as the image; values are quantized so that max-pool windows hold ties.
@Suite struct ConvolutionKernelTests {
    static func values(_ count: Int, seed: UInt64, quantized: Bool = false) -> [Float] {
        var rng = Xoshiro256(seed: seed, stream: "convolution-kernel-test")
        return (0..<count).map { _ in
            let v = Float(rng.nextGaussian())
            return quantized ? (v * 2).rounded() / 2 : v
        }
    }

    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    static let shapes: [(images: Int, height: Int, width: Int, channels: Int, kernel: Int)] = [
        (2, 32, 32, 3, 5), (2, 16, 16, 64, 5), (3, 7, 5, 2, 5), (1, 4, 3, 5, 5), (2, 6, 6, 1, 3), (1, 1, 1, 4, 5),
    ]

    @Test func im2colAndCol2imMatchTheElementwiseForms() {
        for (i, s) in Self.shapes.enumerated() {
            let pixels = s.height * s.width, patch = s.kernel * s.kernel * s.channels
            let x = Self.values(s.images * pixels * s.channels, seed: UInt64(i))
            var kernelCol = [Float](repeating: .nan, count: s.images * pixels * patch), referenceCol = kernelCol
            Float.im2col(
                x, images: s.images, height: s.height, width: s.width, channels: s.channels, kernel: s.kernel,
                into: &kernelCol)
            Float.elementwiseIm2col(
                x, images: s.images, height: s.height, width: s.width, channels: s.channels, kernel: s.kernel,
                into: &referenceCol)
            #expect(Self.sameBits(kernelCol, referenceCol), "im2col \(s)")

            let dcol = Self.values(kernelCol.count, seed: UInt64(100 + i))
            let start = Self.values(x.count, seed: UInt64(200 + i))
            var kernelDx = start, referenceDx = start
            Float.col2imAdd(
                dcol, images: s.images, height: s.height, width: s.width, channels: s.channels, kernel: s.kernel,
                into: &kernelDx)
            Float.elementwiseCol2imAdd(
                dcol, images: s.images, height: s.height, width: s.width, channels: s.channels, kernel: s.kernel,
                into: &referenceDx)
            #expect(Self.sameBits(kernelDx, referenceDx), "col2im \(s)")
        }
    }

    @Test func maxPoolMatchesTheElementwiseFormWithTies() {
        for (i, s) in Self.shapes.enumerated() {
            let x = Self.values(s.images * s.height * s.width * s.channels, seed: UInt64(300 + i), quantized: true)
            let oh = (s.height + 2 - 3) / 2 + 1, ow = (s.width + 2 - 3) / 2 + 1, count = s.images * oh * ow * s.channels
            var kernelY = [Float](repeating: .nan, count: count), referenceY = kernelY
            var kernelArgmax = [Int32](repeating: -1, count: count), referenceArgmax = kernelArgmax
            Float.maxPool(
                x, batch: s.images, height: s.height, width: s.width, channels: s.channels, window: 3, stride: 2,
                padding: 1,
                into: &kernelY, argmax: &kernelArgmax)
            Float.elementwiseMaxPool(
                x, batch: s.images, height: s.height, width: s.width, channels: s.channels, window: 3, stride: 2,
                padding: 1, into: &referenceY, argmax: &referenceArgmax)
            #expect(Self.sameBits(kernelY, referenceY), "max-pool values \(s)")
            #expect(kernelArgmax == referenceArgmax, "max-pool winners \(s)")
            // Ties happen (quantized values), and the first maximum wins.
            #expect(zip(kernelArgmax, kernelY).allSatisfy { x[Int($0)].bitPattern == $1.bitPattern })
        }
    }

    @Test func biasReLUAndItsBackwardMatchTheElementwiseForms() {
        let rows = 37, columns = 70
        var y = Self.values(rows * columns, seed: 400)
        y[3] = -0.0
        y[5] = .nan
        let bias = Self.values(columns, seed: 401)
        var kernelY = y, referenceY = y
        Float.addBiasReLU(&kernelY, bias: bias, rows: rows, columns: columns)
        Float.elementwiseAddBiasReLU(&referenceY, bias: bias, rows: rows, columns: columns)
        #expect(Self.sameBits(kernelY, referenceY))

        let dy = Self.values(rows * columns, seed: 402)
        var kernelDy = dy, referenceDy = dy
        var kernelDb = [Float](repeating: .nan, count: columns), referenceDb = kernelDb
        Float.reluBackwardWithBiasGradient(
            &kernelDy, output: kernelY, biasGradient: &kernelDb, rows: rows, columns: columns)
        Float.elementwiseReLUBackwardWithBiasGradient(
            &referenceDy, output: referenceY, biasGradient: &referenceDb, rows: rows, columns: columns)
        #expect(Self.sameBits(kernelDy, referenceDy))
        #expect(Self.sameBits(kernelDb, referenceDb))
    }
}
