import COpenBLAS
import Foundation

/// ZCA whitening (Bell & Sejnowski 1997; as in the Adam paper's CIFAR-10 experiment), fitted on a
/// training split and applied to every split:
///
///     mu = mean of the training images;  C = (X - mu)^T (X - mu) / N = U diag(lambda) U^T
///     W = U diag(1 / sqrt(lambda + epsilon)) U^T;   x' = (x - mu) W
///
/// epsilon is the regularizer (0.1 by default, a spec field). C is accumulated by sgemm in Float32
/// and decomposed by LAPACK's ssyevd (shipped with OpenBLAS). The fitted transform is cached on disk,
/// keyed by the training split's fingerprint and epsilon; its SHA-256 goes into run provenance.
public struct ZCAWhitening: Sendable {
    public let dimension: Int
    public let epsilon: Double
    public let mean: [Float]
    /// D x D, row-major (symmetric).
    public let matrix: [Float]
    /// SHA-256 of the serialized transform.
    public let fingerprint: String

    init(dimension: Int, epsilon: Double, mean: [Float], matrix: [Float]) {
        self.dimension = dimension
        self.epsilon = epsilon
        self.mean = mean
        self.matrix = matrix
        fingerprint = Fingerprint.sha256(
            Self.serialize(dimension: dimension, epsilon: epsilon, mean: mean, matrix: matrix))
    }

    /// Fits the transform on `images` (every example, every feature).
    public static func fit(_ images: ImageSet, epsilon: Double) throws -> ZCAWhitening {
        let n = images.count, d = images.featureCount
        guard n > 1 else { throw DatasetError(file: images.name, "ZCA needs at least 2 training images, got \(n)") }
        var mean = [Float](repeating: 0, count: d)
        var sums = [Double](repeating: 0, count: d)
        images.pixels.withUnsafeBufferPointer { x in
            for r in 0..<n { for j in 0..<d { sums[j] += Double(x[r * d + j]) } }
        }
        for j in 0..<d { mean[j] = Float(sums[j] / Double(n)) }
        var centered = images.pixels
        for r in 0..<n { for j in 0..<d { centered[r * d + j] -= mean[j] } }
        var covariance = [Float](repeating: 0, count: d * d)
        cblas_ssyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(n), 1 / Float(n), centered, Int32(d), 0, &covariance,
            Int32(d))
        // Row-major upper = column-major lower: ssyevd reads the lower triangle ('L').
        var eigenvalues = [Float](repeating: 0, count: d)
        try symmetricEigen(&covariance, eigenvalues: &eigenvalues, dimension: d)
        // covariance now holds eigenvectors as columns in column-major order = rows in row-major order:
        // row i of `vectors` (row-major) is eigenvector i.
        let vectors = covariance
        var scaled = vectors
        for i in 0..<d {
            let s = Float(1 / (Double(max(eigenvalues[i], 0)) + epsilon).squareRoot())
            for j in 0..<d { scaled[i * d + j] *= s }
        }
        // W = V^T diag(s) V with V's rows the eigenvectors: W[j,k] = sum_i V[i,j] s_i V[i,k].
        var matrix = [Float](repeating: 0, count: d * d)
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, vectors, Int32(d), scaled,
            Int32(d), 0, &matrix, Int32(d))
        return ZCAWhitening(dimension: d, epsilon: epsilon, mean: mean, matrix: matrix)
    }

    static func symmetricEigen(_ a: inout [Float], eigenvalues: inout [Float], dimension d: Int) throws {
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "L")), n = Int32(d), lda = Int32(d),
            info: Int32 = 0
        var workSize: Float = 0, iworkSize: Int32 = 0, query: Int32 = -1
        ssyevd_(&jobz, &uplo, &n, &a, &lda, &eigenvalues, &workSize, &query, &iworkSize, &query, &info)
        // The workspace size comes back as a Float, which cannot hold 1 + 6n + 2n^2 exactly for large n
        // (n = 3072 rounds down, and LAPACK then rejects it): take the documented minimum when larger.
        var lwork = Int32(max(Double(workSize).rounded(.up), Double(1 + 6 * d + 2 * d * d)))
        var liwork = max(iworkSize, Int32(3 + 5 * d))
        var work = [Float](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevd_(&jobz, &uplo, &n, &a, &lda, &eigenvalues, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw DatasetError(file: "ZCA", "LAPACK ssyevd failed (info \(info))") }
    }

    /// Whitens every image of `images`.
    public func apply(to images: ImageSet) -> ImageSet {
        let n = images.count, d = dimension
        precondition(images.featureCount == d, "ZCA fitted on \(d) features applied to \(images.featureCount)")
        var centered = images.pixels
        for r in 0..<n { for j in 0..<d { centered[r * d + j] -= mean[j] } }
        var out = [Float](repeating: 0, count: n * d)
        if n > 0 {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(d), 1, centered, Int32(d), matrix,
                Int32(d), 0, &out, Int32(d))
        }
        return ImageSet(
            name: images.name + "+zca", channels: images.channels, height: images.height, width: images.width,
            classCount: images.classCount, pixels: out, labels: images.labels,
            fingerprint: Fingerprint.combine([("images", images.fingerprint), ("zca", fingerprint)]))
    }

    // MARK: cache

    static func serialize(dimension: Int, epsilon: Double, mean: [Float], matrix: [Float]) -> [UInt8] {
        var bytes = Array("ABZCA1".utf8)
        withUnsafeBytes(of: UInt64(dimension).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: epsilon.bitPattern.littleEndian) { bytes += $0 }
        mean.withUnsafeBytes { bytes += $0 }
        matrix.withUnsafeBytes { bytes += $0 }
        return bytes
    }

    /// Loads the transform for (`images`, `epsilon`) from `cacheFolder`, or fits and stores it. The
    /// fit's rounding depends on OpenBLAS's kernel set, so the file is per kernel set: a transform
    /// fitted under another one is never reused (its fingerprint, and so every run key, would differ
    /// from a fresh fit's).
    public static func cached(for images: ImageSet, epsilon: Double, cacheFolder: URL) throws -> ZCAWhitening {
        let kernels = String(cString: openblas_get_corename()).lowercased()
        let file = cacheFolder.appendingPathComponent(
            "zca-\(images.fingerprint.prefix(16))-\(images.count)-eps\(epsilon)-\(kernels).bin")
        if let data = try? Data(contentsOf: file),
            let loaded = parse([UInt8](data), dimension: images.featureCount, epsilon: epsilon)
        {
            return loaded
        }
        let fitted = try fit(images, epsilon: epsilon)
        do {
            try FileManager.default.createDirectory(at: cacheFolder, withIntermediateDirectories: true)
            let temporary = cacheFolder.appendingPathComponent(
                ".\(file.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
            try Data(serialize(dimension: fitted.dimension, epsilon: epsilon, mean: fitted.mean, matrix: fitted.matrix))
                .write(to: temporary)
            if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
        } catch {
            // An unwritable cache only costs a refit next time.
        }
        return fitted
    }

    static func parse(_ bytes: [UInt8], dimension d: Int, epsilon: Double) -> ZCAWhitening? {
        let header = 6 + 16
        guard bytes.count == header + 4 * (d + d * d), Array(bytes[0..<6]) == Array("ABZCA1".utf8) else { return nil }
        let values = bytes[header...].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let dimension = bytes[6..<14].withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        let eps = bytes[14..<22].withUnsafeBytes {
            Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)))
        }
        guard dimension == d, eps == epsilon else { return nil }
        return ZCAWhitening(dimension: d, epsilon: epsilon, mean: Array(values[0..<d]), matrix: Array(values[d...]))
    }
}
