import Foundation

/// The trace contract: a JSON file of cases, each an optimizer, its hyperparameters, an initial
/// parameter vector and one gradient vector per step; the answer is the parameter vector after each
/// step. Used by tests against ../shared/reference and by anyone checking an implementation.
///
/// Input: `{"cases": [{"id", "optimizer", "hyperparameters", "initial", "gradients", ...}]}` (other
/// keys are ignored). Output: `{"cases": [{"id": ..., "trajectory": [[...], ...]}]}` where
/// `trajectory[k]` is the parameter vector after step k+1.
public enum Trace {
    public enum Precision: String, CaseIterable, Sendable { case float64, float32 }

    public struct Case: Sendable {
        public let id: String
        public let configuration: OptimizerConfiguration
        public let initial: [Double]
        public let gradients: [[Double]]
        /// The shapes of the tensors that partition the vector, in order (nil: one vector).
        public var tensors: [[Int]]? = nil
        /// Steps per epoch, for the `step` schedule (the case's steps are its horizon).
        public var stepsPerEpoch: Int = 1
    }

    /// A problem in a trace file, naming the case and the field.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses a trace file; collects every problem (case id + field) before throwing.
    public static func parse(_ data: Data, file: String) throws -> [Case] {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw Problem(description: "\(file): not valid JSON (\(error.localizedDescription))")
        }
        guard let object = root as? [String: Any], let cases = object["cases"] as? [Any] else {
            throw Problem(description: "\(file): expected a JSON object with a 'cases' array")
        }
        var parsed: [Case] = []
        var problems: [String] = []
        for (index, raw) in cases.enumerated() {
            let label = "\(file): case #\(index + 1)"
            guard let c = raw as? [String: Any] else {
                problems.append("\(label): expected an object")
                continue
            }
            let id = (c["id"] as? String) ?? (c["id"].map { "\($0)" } ?? "#\(index + 1)")
            let where_ = "\(file): case '\(id)'"
            var caseProblems: [String] = []
            guard let optimizer = c["optimizer"] as? String else {
                problems.append("\(where_), field 'optimizer': expected the optimizer's name")
                continue
            }
            var hyperparameters: [String: HyperparameterValue] = [:]
            if let h = c["hyperparameters"] {
                if let h = h as? [String: Any] {
                    for (key, value) in h {
                        if let v = jsonScalar(value) {
                            hyperparameters[key] = v
                        } else {
                            caseProblems.append(
                                "\(where_), field 'hyperparameters.\(key)': expected a number, boolean or string")
                        }
                    }
                } else {
                    caseProblems.append("\(where_), field 'hyperparameters': expected an object")
                }
            }
            let initial = numbers(c["initial"])
            if initial == nil { caseProblems.append("\(where_), field 'initial': expected an array of numbers") }
            var gradients: [[Double]] = []
            if let g = c["gradients"] as? [Any] {
                for (k, row) in g.enumerated() {
                    guard let row = numbers(row) else {
                        caseProblems.append("\(where_), field 'gradients[\(k)]': expected an array of numbers")
                        continue
                    }
                    if let initial, row.count != initial.count {
                        caseProblems.append(
                            "\(where_), field 'gradients[\(k)]': has \(row.count) values, expected \(initial.count) (the size of 'initial')"
                        )
                    }
                    gradients.append(row)
                }
            } else {
                caseProblems.append("\(where_), field 'gradients': expected an array of gradient vectors")
            }
            var tensors: [[Int]]?
            if let t = c["tensors"] {
                let shapes = (t as? [Any])?.map {
                    ($0 as? [Any])?.map { ($0 as? NSNumber).flatMap { Int(exactly: $0) } }
                }
                if let shapes, shapes.allSatisfy({ $0 != nil && !$0!.isEmpty && $0!.allSatisfy { ($0 ?? 0) > 0 } }) {
                    tensors = shapes.map { $0!.map { $0! } }
                    let total = tensors!.map { $0.reduce(1, *) }.reduce(0, +)
                    if let initial, total != initial.count {
                        caseProblems.append(
                            "\(where_), field 'tensors': the shapes hold \(total) values, expected \(initial.count) (the size of 'initial')"
                        )
                    }
                } else {
                    caseProblems.append(
                        "\(where_), field 'tensors': expected an array of shapes, each an array of positive whole numbers"
                    )
                }
            }
            var stepsPerEpoch = 1
            if let e = c["steps-per-epoch"] {
                if let e = (e as? NSNumber).flatMap({ Int(exactly: $0) }), e >= 1 {
                    stepsPerEpoch = e
                } else {
                    caseProblems.append("\(where_), field 'steps-per-epoch': expected a positive whole number")
                }
            }
            var configuration: OptimizerConfiguration?
            do {
                configuration = try OptimizerConfiguration(name: optimizer, hyperparameters: hyperparameters)
                if let kind = configuration?.kind, kind.drivesObjective {
                    caseProblems.append(
                        "\(where_), field 'optimizer': \(kind.rawValue) evaluates its objective itself and cannot replay a gradient sequence; expected one of \(OptimizerKind.gradientKinds.map(\.rawValue).joined(separator: ", "))"
                    )
                    configuration = nil
                }
            } catch let e as OptimizerConfiguration.Errors {
                caseProblems += e.errors.map {
                    "\(where_), field '\($0.field.map { "hyperparameters.\($0)" } ?? "optimizer")': \($0.message)"
                }
            }
            if caseProblems.isEmpty, let configuration, let initial {
                parsed.append(
                    Case(
                        id: id, configuration: configuration, initial: initial, gradients: gradients, tensors: tensors,
                        stepsPerEpoch: stepsPerEpoch))
            }
            problems += caseProblems
        }
        guard problems.isEmpty else { throw Problem(description: problems.joined(separator: "\n")) }
        return parsed
    }

    /// One case's output: the parameters after each step, and, for an optimizer that evaluates
    /// elsewhere (Schedule-Free's x_t; temporal averaging), the evaluation point after each step.
    public struct Result: Sendable {
        public let id: String
        public let trajectory: [[Double]]
        public let evaluation: [[Double]]?
    }

    /// Runs one case in the given precision; values come back as Double.
    public static func trajectory(of c: Case, precision: Precision) throws(OptimizerError) -> [[Double]] {
        try result(of: c, precision: precision).trajectory
    }

    /// Runs one case in the given precision, with its evaluation points.
    /// Throws only for a case whose optimizer has no update rule, which reading a case refuses.
    public static func result(of c: Case, precision: Precision) throws(OptimizerError) -> Result {
        switch precision {
        case .float64: return try run(c, as: Double.self)
        case .float32: return try run(c, as: Float.self)
        }
    }

    static func run<T: BinaryFloatingPoint>(_ c: Case, as: T.Type) throws(OptimizerError) -> Result {
        let optimizer = try Optimizer<T>(
            c.configuration, parameterCount: c.initial.count, tensors: c.tensors,
            horizon: ScheduleHorizon(totalSteps: c.gradients.count, stepsPerEpoch: c.stepsPerEpoch))
        var parameters = c.initial.map { T($0) }
        var evaluated = parameters
        var trajectory: [[Double]] = [], evaluation: [[Double]] = []
        for g in c.gradients {
            optimizer.step(parameters: &parameters, gradients: g.map { T($0) })
            trajectory.append(parameters.map { Double($0) })
            if optimizer.evaluatesElsewhere {
                parameters.withUnsafeBufferPointer { p in
                    evaluated.withUnsafeMutableBufferPointer {
                        _ = optimizer.writeEvaluationParameters(from: p, into: $0)
                    }
                }
                evaluation.append(evaluated.map { Double($0) })
            }
        }
        return Result(id: c.id, trajectory: trajectory, evaluation: optimizer.evaluatesElsewhere ? evaluation : nil)
    }

    /// The output document: one `{"id", "trajectory"}` object per case (plus `"evaluation"` where
    /// the optimizer evaluates elsewhere), numbers in shortest round-trip form (non-finite values,
    /// which JSON cannot hold, as null).
    public static func render(_ results: [Result]) -> String {
        func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        func string(_ s: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        func rows(_ vectors: [[Double]]) -> String {
            "[\n      "
                + vectors.map { "[" + $0.map(number).joined(separator: ", ") + "]" }.joined(separator: ",\n      ")
                + "\n    ]"
        }
        let cases = results.map { r in
            "    {\"id\": \(string(r.id)), \"trajectory\": \(rows(r.trajectory))"
                + (r.evaluation.map { ",\n     \"evaluation\": \(rows($0))" } ?? "") + "}"
        }
        return "{\"cases\": [\n" + cases.joined(separator: ",\n") + "\n]}\n"
    }

    private static func numbers(_ value: Any?) -> [Double]? {
        guard let array = value as? [Any] else { return nil }
        var out: [Double] = []
        out.reserveCapacity(array.count)
        for x in array {
            guard let v = jsonScalar(x), case .number(let d) = v else { return nil }
            out.append(d)
        }
        return out
    }

    /// A JSON scalar as a hyperparameter value. JSONSerialization parses both booleans and numbers
    /// into NSNumber; booleans are the ones whose Objective-C type code is "c" (JSON integers come
    /// back as "i"/"q", reals as "d").
    private static func jsonScalar(_ value: Any) -> HyperparameterValue? {
        if let s = value as? String { return .string(s) }
        guard let n = value as? NSNumber else { return nil }
        if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
        return .number(n.doubleValue)
    }
}
