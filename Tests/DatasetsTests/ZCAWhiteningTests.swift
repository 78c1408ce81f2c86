import Datasets
import DeterministicRandom
import Foundation
import TestSupport
import Testing

@Suite struct ZCAWhiteningTests {
    /// Correlated 2-channel 2x2 images (8 features).
    static func images(count: Int, seed: UInt64) -> ImageSet {
        var rng = Xoshiro256(seed: seed)
        var pixels: [Float] = []
        for _ in 0..<count {
            let base = rng.nextGaussian()
            for j in 0..<8 {
                pixels.append(
                    Float(0.5 + 0.2 * base + 0.05 * Double(j % 3) * rng.nextGaussian() + 0.01 * rng.nextGaussian()))
            }
        }
        return ImageSet(
            name: "toy/train", channels: 2, height: 2, width: 2, classCount: 2, pixels: pixels,
            labels: (0..<count).map { Int32($0 % 2) }, fingerprint: String(repeating: "a", count: 64))
    }

    /// With a tiny regularizer the whitened training data has (nearly) identity covariance; the
    /// transform is symmetric (ZCA, not PCA).
    @Test func whitenedCovarianceIsIdentity() throws {
        let train = Self.images(count: 4000, seed: 1)
        let zca = try ZCAWhitening.fit(train, epsilon: 1e-6)
        let white = zca.apply(to: train)
        let d = 8, n = white.count
        for a in 0..<d {
            for b in 0..<d {
                var c = 0.0
                for r in 0..<n { c += Double(white.pixels[r * d + a]) * Double(white.pixels[r * d + b]) }
                #expect(abs(c / Double(n) - (a == b ? 1 : 0)) < 2e-2, "covariance[\(a),\(b)] = \(c / Double(n))")
                #expect(abs(zca.matrix[a * d + b] - zca.matrix[b * d + a]) < 1e-3 * max(1, abs(zca.matrix[a * d + b])))
            }
        }
        #expect(white.name == "toy/train+zca" && white.fingerprint != train.fingerprint)
    }

    @Test func cacheRoundTripsAndKeysOnEpsilon() throws {
        let folder = TestFolder.path("zca")
        let train = Self.images(count: 200, seed: 2)
        let first = try ZCAWhitening.cached(for: train, epsilon: 0.1, cacheFolder: folder)
        let second = try ZCAWhitening.cached(for: train, epsilon: 0.1, cacheFolder: folder)
        #expect(first.matrix == second.matrix && first.mean == second.mean && first.fingerprint == second.fingerprint)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 1)
        let other = try ZCAWhitening.cached(for: train, epsilon: 0.01, cacheFolder: folder)
        #expect(other.fingerprint != first.fingerprint)
    }
}
