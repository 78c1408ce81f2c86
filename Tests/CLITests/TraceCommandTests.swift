import Foundation
import Testing

@Suite struct TraceCommandTests {
    func trajectories(_ json: String) throws -> [String: [[Double]]] {
        let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        var out: [String: [[Double]]] = [:]
        for c in root["cases"] as! [[String: Any]] {
            out[c["id"] as! String] = (c["trajectory"] as! [[Any]]).map { $0.map { ($0 as! NSNumber).doubleValue } }
        }
        return out
    }

    /// The CLI reproduces every reference trajectory: float64 to 1e-9 (1 + |ref|), float32 to 1e-4.
    @Test(arguments: [("float64", 1e-9), ("float32", 1e-4)])
    func reproducesTheSharedReference(precision: String, tolerance: Double) throws {
        let file = sharedFolder().appendingPathComponent("reference/optimizer-trajectories.json")
        let run = try AdamBenchExecutable.run(["trace", file.path, "--precision", precision])
        #expect(run.status == 0, "\(run.stderr)")
        let got = try trajectories(run.stdout)
        let expected = try trajectories(String(decoding: try Data(contentsOf: file), as: UTF8.self))
        #expect(got.count == expected.count && got.count >= 16)
        for (id, reference) in expected {
            let trajectory = try #require(got[id], "case \(id) missing from the output")
            #expect(trajectory.count == reference.count)
            var worst = 0.0
            for (a, b) in zip(trajectory, reference) {
                for (x, r) in zip(a, b) { worst = max(worst, abs(x - r) / (1 + abs(r))) }
            }
            #expect(worst <= tolerance, "case \(id): worst relative error \(worst)")
        }
    }

    @Test func badCasesNameTheCaseAndTheField() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("bad.json")
        try """
        {"cases": [
          {"id": "ragged", "optimizer": "adam", "hyperparameters": {}, "initial": [1, 2], "gradients": [[1, 2], [1]]},
          {"id": "unknown-opt", "optimizer": "adamm", "hyperparameters": {}, "initial": [1], "gradients": [[1]]},
          {"id": "unknown-field", "optimizer": "sgd", "hyperparameters": {"learning-rate": 0.1}, "initial": [1], "gradients": [[1]]},
          {"id": "range", "optimizer": "rmsprop", "hyperparameters": {"rho": 1.5}, "initial": [1], "gradients": [[1]]}
        ]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let run = try AdamBenchExecutable.run(["trace", file.path])
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("case 'ragged', field 'gradients[1]': has 1 values, expected 2"))
        #expect(
            run.stderr.contains("case 'unknown-opt', field 'optimizer': optimizer 'adamm': unknown optimizer")
                || run.stderr.contains("case 'unknown-opt', field 'optimizer'"))
        #expect(
            run.stderr.contains("case 'unknown-field', field 'hyperparameters.learning-rate': unknown hyperparameter"))
        #expect(
            run.stderr.contains("case 'range', field 'hyperparameters.rho': expected a number in [0.0, 1.0), got 1.5"))
        let missing = try AdamBenchExecutable.run(["trace", dir.appendingPathComponent("nope.json").path])
        #expect(missing.status != 0 && missing.stderr.contains("nope.json: cannot read the trace file"))
        let precision = try AdamBenchExecutable.run(["trace", file.path, "--precision", "float16"])
        #expect(precision.status != 0 && precision.stderr.contains("--precision: expected float64 or float32"))
    }
}
