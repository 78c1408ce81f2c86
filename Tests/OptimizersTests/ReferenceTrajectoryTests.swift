import Foundation
import Optimizers
import Testing

/// The shared folder (PAPER.md, reference trajectories, the CIFAR-10 stand-in): `ADAMBENCH_SHARED`
/// when set (CI sets it), else `../shared` beside the repository.
func sharedFolder() -> URL {
    if let path = ProcessInfo.processInfo.environment["ADAMBENCH_SHARED"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
}

func loadReference(_ url: URL) throws -> (cases: [Trace.Case], expected: [String: [[Double]]]) {
    let (cases, expected, _) = try loadReferenceWithEvaluation(url)
    return (cases, expected)
}

/// The cases, their reference trajectories, and the evaluation points of the cases that have them.
func loadReferenceWithEvaluation(
    _ url: URL
) throws -> (cases: [Trace.Case], expected: [String: [[Double]]], evaluation: [String: [[Double]]]) {
    let data = try Data(contentsOf: url)
    let cases = try Trace.parse(data, file: url.lastPathComponent)
    let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    var expected: [String: [[Double]]] = [:], evaluation: [String: [[Double]]] = [:]
    let vectors = { (value: Any) in (value as! [[Any]]).map { $0.map { ($0 as! NSNumber).doubleValue } } }
    for c in root["cases"] as! [[String: Any]] {
        expected[c["id"] as! String] = vectors(c["trajectory"]!)
        if let points = c["evaluation"] { evaluation[c["id"] as! String] = vectors(points) }
    }
    return (cases, expected, evaluation)
}

/// max over steps and coordinates of |x - ref| / (1 + |ref|).
func worstRelativeError(_ got: [[Double]], _ reference: [[Double]]) -> Double {
    precondition(got.count == reference.count)
    var worst = 0.0
    for (a, b) in zip(got, reference) {
        precondition(a.count == b.count)
        for (x, r) in zip(a, b) { worst = max(worst, x.isFinite ? abs(x - r) / (1 + abs(r)) : .infinity) }
    }
    return worst
}

@Suite struct ReferenceTrajectoryTests {
    static let files = [
        "shared": sharedFolder().appendingPathComponent("reference/optimizer-trajectories.json"),
        "extra": URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/optimizer-trajectories-extra.json"),
        // RAdam, AdaBelief, Lion by their reference packages (scripts/generate_successor_trajectories.py).
        "successors": URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/successor-trajectories.json"),
    ]

    @Test(arguments: ["shared", "extra", "successors"], Trace.Precision.allCases)
    func matchesReference(file: String, precision: Trace.Precision) throws {
        let url = Self.files[file]!
        #expect(
            FileManager.default.fileExists(atPath: url.path),
            "reference file missing: \(url.path) (set ADAMBENCH_SHARED)")
        let (cases, expected, evaluation) = try loadReferenceWithEvaluation(url)
        #expect(cases.count >= 10)
        let tolerance = precision == .float64 ? 1e-9 : 1e-4
        for c in cases {
            let reference = try #require(expected[c.id])
            let result = try Trace.result(of: c, precision: precision)
            let error = worstRelativeError(result.trajectory, reference)
            #expect(error <= tolerance, "case \(c.id) (\(precision)): worst relative error \(error)")
            // Schedule-Free: the eval-mode point the model is evaluated at, after every step.
            if let points = evaluation[c.id] {
                let ours = try #require(result.evaluation, "case \(c.id): no evaluation points")
                let error = worstRelativeError(ours, points)
                #expect(error <= tolerance, "case \(c.id) (\(precision)): evaluation points, worst error \(error)")
            }
        }
    }

    @Test func everyOptimizerIsCoveredByTheReferences() throws {
        var kinds = Set<OptimizerKind>()
        for url in Self.files.values { kinds.formUnion(try loadReference(url).cases.map(\.configuration.kind)) }
        #expect(kinds == Set(OptimizerKind.gradientKinds))
    }
}
