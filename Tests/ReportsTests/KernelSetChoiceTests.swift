import Experiments
import Foundation
import Plan
import Reports
import ResultStore
import TestSupport
import Testing

/// Which kernel set's runs a report takes when the database holds the same plan under two sets
/// (docs/SPEC.md, "Kernel sets"): the set with most finished runs; a tie goes to the set other than
/// the reference (`haswell`, the legacy keys), the set a complete experiment was re-run to move to.
@Suite struct KernelSetChoiceTests {
    /// The fixture's plan recorded under each of `sets`, every run finished except the first
    /// `unfinished[set]` runs of that set, each run's provenance naming its set.
    func store(_ sets: [String], unfinished: [String: Int] = [:]) throws -> ResultStore {
        let dir = TestFolder.path("kernel-choice")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("\(sets.joined(separator: "-"))-\(unfinished.count).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try ResultStore(path: path)
        try store.registerExperiment(
            name: "fixture", title: "Fixture", specPath: "fixture.yaml", specText: FixtureDatabase.spec)
        let spec = try SpecParser.parse(FixtureDatabase.spec, file: "fixture.yaml")
        for set in sets {
            let planned = try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "fixture-data", blasKernels: set)
            try store.ensureRuns(planned.map { try $0.newRun() })
            let keys = Set(planned.map(\.key))
            let records = try store.runs().filter { keys.contains($0.key) }.sorted { $0.key < $1.key }
            for (index, record) in records.enumerated() {
                try store.setProvenance(runID: record.id, json: try Self.provenance(set).json())
                if index < unfinished[set, default: 0] { continue }
                let curve = FixtureDatabase.curve(base: 2.3, decay: 0.5, seed: record.seed)
                try FixtureDatabase.complete(runID: record.id, trainLoss: curve, in: store)
            }
        }
        return store
    }

    static func provenance(_ set: String) -> RunProvenance {
        let core = set == "skylakex" ? "SkylakeX" : "Haswell"
        return RunProvenance(
            base: Provenance(
                gitCommit: "fixture", gitDirty: false, swiftVersion: "fixture", openBLASCore: core,
                openBLASConfig: "fixture", cpu: "fixture", os: "fixture", host: "fixture", numericsVersion: 1),
            datasetSHA256: "fixture-data", splits: [:], whitening: nil, tokenizer: nil)
    }

    func chosen(_ store: ResultStore) throws -> ExperimentResults {
        try #require(try ExperimentResults.load(from: store).first)
    }

    @Test func aCompletePlanUnderTwoSetsReportsTheNewSet() throws {
        for order in [["haswell", "skylakex"], ["skylakex", "haswell"]] {
            let results = try chosen(store(order))
            #expect(results.blasKernels == "skylakex", "recorded in the order \(order)")
            #expect(results.otherKernelSets == ["haswell": 18])
            #expect(results.finishedCount == 18)
        }
    }

    @Test func theSetWithMoreFinishedRunsWinsOverTheNewSet() throws {
        let results = try chosen(store(["haswell", "skylakex"], unfinished: ["skylakex": 1]))
        #expect(results.blasKernels == "haswell")
        #expect(results.otherKernelSets == ["skylakex": 17])
    }

    /// Rows a stopped campaign left pending under another set are not "computed" runs kept apart, nor
    /// superseded ones.
    @Test func aSetWithoutFinishedRunsIsNotListed() throws {
        let results = try chosen(store(["haswell", "skylakex"], unfinished: ["haswell": 18]))
        #expect(results.blasKernels == "skylakex")
        #expect(results.otherKernelSets.isEmpty)
        #expect(results.supersededCount == 0)
    }

    @Test func anExplicitSetIsReportedWhateverItsCount() throws {
        let store = try store(["haswell", "skylakex"], unfinished: ["haswell": 5])
        let results = try #require(try ExperimentResults.load(from: store, blasKernels: "Haswell").first)
        #expect(results.blasKernels == "haswell")
        #expect(results.finishedCount == 13)
    }
}
