import Datasets
import Experiments
import Foundation
import NeuralNetworks
import Plan
import ResultStore
import Runner

/// Loads spec files (every problem of every file reported at once) and expands them into runs.
enum SpecLoading {
    static func load(_ paths: [String]) throws -> [ExperimentSpec] {
        var specs: [ExperimentSpec] = [], problems: [SpecProblem] = []
        for path in paths {
            do { specs.append(try SpecParser.load(path)) } catch let e as SpecProblems { problems += e.problems }
        }
        if !problems.isEmpty { throw CommandFailure(problems.map(\.description).joined(separator: "\n")) }
        var seen: [String: String] = [:]
        for spec in specs {
            if let other = seen[spec.name] {
                throw CommandFailure("\(spec.sourcePath):1:1: name '\(spec.name)' is also the name of \(other)")
            }
            seen[spec.name] = spec.sourcePath
        }
        return specs
    }

    /// Each spec with its dataset's declared fingerprint, which its run keys name.
    static func fingerprinted(
        _ specs: [ExperimentSpec], catalog: DatasetCatalog
    ) throws -> [StagedPlanner.Entry] {
        try specs.map { spec in
            guard let fingerprint = catalog.declaredFingerprint(spec.data.dataset) else {
                throw CommandFailure(
                    "\(spec.sourcePath): dataset \(spec.data.dataset.rawValue) has no known checksums in \(catalog.root.path); run `make data`"
                )
            }
            return StagedPlanner.Entry(spec: spec, datasetFingerprint: fingerprint)
        }
    }

    /// The planner's current plan by key, its errors as one message.
    static func plans(_ planner: StagedPlanner) throws -> [String: PlannedRun] {
        do { return try planner.plans() } catch let failure as RunPlan.Failure {
            throw CommandFailure(failure.description)
        }
    }
}
