import Foundation
import QuasiNewton
import Testing

/// SFO step by step beside the authors' reference implementation (sfo.py) on the quadratic test
/// problem, both making their random choices deterministically (`SFOChoices.firstChoice`; the
/// reference with NumPy's permutation and randn replaced, scripts/sfo_reference.py fixture, which
/// regenerates Fixtures/sfo-quadratic-reference.json and needs the reference only for that).
@Suite struct SFOReferenceTests {
    struct Fixture: Decodable {
        struct Step: Decodable {
            let subfunction: Int, evaluations: Int, failed: Bool, active: Int
            let loss: Double
            let x: [Double]
        }
        struct Case: Decodable {
            let spans_space: Bool
            let minimum_step_length: Double
            let steps: [Step]
        }
        let reference: String
        let cases: [String: Case]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/sfo-quadratic-reference.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    let problem = QuadraticSum()

    /// Every step: the same subfunction, evaluation count, step failure and active-set size; the
    /// iterate within `tolerance` of the reference's relative to |x*| (the two differ only in
    /// rounding: LAPACK calls in another order, Gram-Schmidt where NumPy uses Householder QR).
    @Test(arguments: ["spanning", "default-until-collapse"])
    func followsTheReferenceStepByStep(_ name: String) throws {
        let reference = try #require(Self.fixture.cases[name])
        var settings = SFOSettings()
        settings.minimumStepLength = reference.minimum_step_length
        if reference.spans_space { settings.maxSubspaceDimension = problem.dimension }
        let sfo = SumOfFunctionsOptimizer<Double>(
            parameters: problem.start, count: problem.dimension, subfunctions: problem.n, settings: settings,
            choices: .firstChoice)
        var x = problem.start
        let scale = problem.minimizer.map { $0 * $0 }.reduce(0, +).squareRoot()
        var largest = 0.0, failures = 0
        for (index, expected) in reference.steps.enumerated() {
            let failedBefore = sfo.failedSteps
            _ = x.withUnsafeMutableBufferPointer { p in
                sfo.step(parameters: p.baseAddress!) { problem.subfunction($0, $1, $2) }
            }
            let step = "\(name) step \(index + 1)"
            try #require(sfo.lastSubfunction == expected.subfunction, "\(step): subfunction")
            try #require(sfo.evaluations == expected.evaluations, "\(step): evaluations")
            try #require((sfo.failedSteps > failedBefore) == expected.failed, "\(step): step failure")
            try #require(sfo.activeCount == expected.active, "\(step): active subfunctions")
            let deviation = zip(x, expected.x).map { abs($0 - $1) }.max()! / scale
            largest = max(largest, deviation)
            try #require(deviation < 1e-9, "\(step): iterate off by \(deviation) (relative to |x*|)")
            if expected.failed { failures += 1 }
        }
        print(
            "SFO vs \(Self.fixture.reference), \(name): \(reference.steps.count) steps, \(failures) failed, largest deviation \(largest)"
        )
    }
}
