import Experiments
import Foundation
import ResultStore

extension PlannedRun {
    /// The store's record of this run before it runs: its key, labels, setting, protocol and cost.
    public func newRun() throws -> NewRun {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        let sizes = data.splitSizes
        return NewRun(
            key: key, experiment: experiment, scale: scale, label: label, optimizer: configuration.kind.rawValue,
            settingJSON: RunPlan.compactJSON(setting), conventionsJSON: RunPlan.compactJSON(configuration.values),
            modelJSON: try json(model), dataJSON: try json(data), trainingJSON: try json(training),
            dataset: data.dataset.rawValue, datasetSHA256: datasetFingerprint, seed: seed,
            epochsPlanned: training.epochs,
            estimatedFLOPs: estimatedFLOPs(trainExamples: sizes.train, testExamples: sizes.test))
    }
}
