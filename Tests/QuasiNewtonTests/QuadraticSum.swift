import Foundation
import QuasiNewton

/// Issue 8's test problem, rebuilt from the factors stored by scripts/generate_lbfgs_reference.py:
/// F(x) = sum_{i<10} f_i(x),  f_i(x) = 1/2 (x - x*)^T A_i (x - x*) + b_i^T (x - x*) in 50 dimensions,
/// A_i = U diag(lambda w_i) U^T (condition number of sum_i A_i about 1.2e4), sum_i b_i = 0, so each
/// subfunction has its own minimizer and the sum's is x*.
struct QuadraticSum {
    struct Fixture: Decodable {
        struct Problem: Decodable {
            let subfunctions: Int, dimension: Int
            let U: [[Double]], lambda: [Double], w: [[Double]], b: [[Double]], x0: [Double]
            let x_star: [Double]
            let condition_number: Double
        }
        struct Case: Decodable {
            struct Options: Decodable {
                let max_iter: Int?
                let max_eval: Int?
            }
            let options: Options
            let losses: [Double], points: [[Double]]
            let function_evaluations: Int
        }
        let torch: String
        let problem: Problem
        let cases: [String: Case]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/lbfgs-quadratic-reference.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    let n: Int, dimension: Int
    /// A_i, row-major.
    let matrices: [[Double]]
    let offsets: [[Double]]
    let minimizer: [Double]
    let start: [Double]

    init(_ p: Fixture.Problem = QuadraticSum.fixture.problem) {
        n = p.subfunctions
        dimension = p.dimension
        minimizer = p.x_star
        start = p.x0
        offsets = p.b
        matrices = (0..<p.subfunctions).map { i in
            var a = [Double](repeating: 0, count: p.dimension * p.dimension)
            for r in 0..<p.dimension {
                for c in 0..<p.dimension {
                    var s = 0.0
                    for k in 0..<p.dimension { s += p.U[r][k] * p.lambda[k] * p.w[i][k] * p.U[c][k] }
                    a[r * p.dimension + c] = s
                }
            }
            return a
        }
    }

    /// f_i(x) and its gradient.
    func subfunction(_ i: Int, _ x: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) -> Double {
        var loss = 0.0
        for r in 0..<dimension {
            var ad = 0.0
            for c in 0..<dimension { ad += matrices[i][r * dimension + c] * (x[c] - minimizer[c]) }
            let d = x[r] - minimizer[r]
            loss += 0.5 * d * ad + offsets[i][r] * d
            g[r] = ad + offsets[i][r]
        }
        return loss
    }

    /// F(x) and its gradient.
    func total(_ x: UnsafePointer<Double>, _ g: UnsafeMutablePointer<Double>) -> Double {
        var part = [Double](repeating: 0, count: dimension)
        for r in 0..<dimension { g[r] = 0 }
        var loss = 0.0
        for i in 0..<n {
            loss += part.withUnsafeMutableBufferPointer { subfunction(i, x, $0.baseAddress!) }
            for r in 0..<dimension { g[r] += part[r] }
        }
        return loss
    }

    func relativeError(_ x: [Double]) -> Double {
        let diff = zip(x, minimizer).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        return diff / minimizer.map { $0 * $0 }.reduce(0, +).squareRoot()
    }
}
