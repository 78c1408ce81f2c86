import DeterministicRandom
import NeuralNetworks
import Testing

/// The dense layers' Float32 kernels (CNeuralKernels/DenseKernels.c) give the bits of the
/// element-by-element forms (DenseLoops.swift), on odd sizes, with zeros, -0, NaN and a dropout mask.
@Suite struct DenseKernelTests {
    static let rows = 37, columns = 101

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = Xoshiro256(seed: seed, stream: "dense-kernel-test")
        var v = (0..<count).map { _ in Float(rng.nextGaussian()) }
        v[1] = 0
        v[2] = -0.0
        v[3] = .nan
        return v
    }

    static func mask(_ count: Int) -> [Float] {
        var rng = Xoshiro256(seed: 9, stream: "dense-kernel-mask")
        return (0..<count).map { _ in rng.next() & 1 == 0 ? 0 : 2 }
    }

    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test func forwardWithMaskMatches() {
        let y = Self.values(Self.rows * Self.columns, seed: 1), bias = Self.values(Self.columns, seed: 2),
            mask = Self.mask(y.count)
        var kernel = y, reference = y
        Float.addBiasReLUMask(&kernel, bias: bias, mask: mask, rows: Self.rows, columns: Self.columns)
        Float.elementwiseAddBiasReLUMask(&reference, bias: bias, mask: mask, rows: Self.rows, columns: Self.columns)
        #expect(Self.sameBits(kernel, reference))
    }

    @Test func reluBackwardsMatch() {
        let count = Self.rows * Self.columns
        let y = Self.values(count, seed: 3), dy = Self.values(count, seed: 4), mask = Self.mask(count)
        var kernel = dy, reference = dy
        Float.reluBackward(&kernel, output: y, count: count)
        Float.elementwiseReLUBackward(&reference, output: y, count: count)
        #expect(Self.sameBits(kernel, reference))
        kernel = dy
        reference = dy
        Float.maskedReLUBackward(&kernel, output: y, mask: mask, count: count)
        Float.elementwiseMaskedReLUBackward(&reference, output: y, mask: mask, count: count)
        #expect(Self.sameBits(kernel, reference))
    }

    @Test func columnSumsMatch() {
        var m = Self.values(Self.rows * Self.columns, seed: 5)
        m[3] = 1  // no NaN: sums of large and small terms, where order matters
        for i in stride(from: 0, to: m.count, by: 7) { m[i] *= 1e6 }
        var kernel = [Float](repeating: .nan, count: Self.columns), reference = kernel
        Float.columnSums(m, rows: Self.rows, columns: Self.columns, into: &kernel)
        Float.elementwiseColumnSums(m, rows: Self.rows, columns: Self.columns, into: &reference)
        #expect(Self.sameBits(kernel, reference))
    }
}
