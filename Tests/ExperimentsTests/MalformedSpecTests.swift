import Experiments
import Foundation
import Plan
import Testing

/// Every file of Malformed/ starts with `# expect: LINE:COLUMN: MESSAGE`; parsing it must fail with
/// exactly that problem among those reported (file:line:column: message).
@Suite struct MalformedSpecTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Malformed")
    static let files =
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted())
        ?? []

    @Test func theCorpusHasAtLeastTwentySpecs() { #expect(Self.files.count >= 20) }

    @Test(arguments: files)
    func reportsTheExpectedProblem(file: String) throws {
        let path = Self.folder.appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expectation = try #require(text.split(separator: "\n").first?.components(separatedBy: "# expect: ").last)
        do {
            _ = try SpecParser.parse(text, file: path)
            Issue.record("\(file) parsed without error")
        } catch let error as SpecProblems {
            let reported = error.problems.map(\.description)
            #expect(reported.contains("\(path):\(expectation)"), "\(file): got\n\(reported.joined(separator: "\n"))")
        }
    }
}

@Suite struct SpecParserTests {
    static let valid = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("valid.yaml")
        .path
    /// The key of valid.yaml's first run (paper scale, fingerprint "f") under the Haswell kernels.
    static let validFirstRunKey = "03706d8e6acd36678a1f1543d0a20fe383bb439be66115762816207bd6f2d3b9"

    @Test func parsesAndExpandsTheGrid() throws {
        let spec = try SpecParser.load(Self.valid)
        #expect(spec.name == "valid-spec" && spec.model.kind == .logisticRegression && spec.training.batchSize == 16)
        let runs = try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")
        #expect(runs.count == 2 && Set(runs.map(\.key)).count == 2)
        #expect(runs.map { $0.configuration.learningRate } == [0.001, 0.01])
        #expect(throws: RunPlan.Failure.self) {
            try RunPlan.runs(spec, scale: "smoke", datasetFingerprint: "f", blasKernels: "haswell")
        }
    }

    @Test func runKeysDependOnEverythingThatDeterminesTheCurve() throws {
        let spec = try SpecParser.load(Self.valid)
        let base = try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")[0]
        #expect(
            try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")[0].key == base.key,
            "deterministic")
        #expect(
            try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "g", blasKernels: "haswell")[0].key != base.key,
            "dataset")
        var other = spec
        other.training.epochs = 3
        #expect(
            try RunPlan.runs(other, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")[0].key != base.key,
            "epochs")
        other = spec
        other.model.l2 = 0.1
        #expect(
            try RunPlan.runs(other, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")[0].key != base.key,
            "model")
    }

    /// The kernel set is part of a BLAS-using run's identity: another set gives another key, the
    /// reference set (Haswell) keeps the keys recorded before the set entered the key, and a model
    /// without BLAS (bag of words) has one key whatever the set.
    @Test func runKeysNameTheKernelSetOfBLASModels() throws {
        let spec = try SpecParser.load(Self.valid)
        let haswell = try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: "Haswell")[0]
        let skylake = try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: "SkylakeX")[0]
        #expect(haswell.key != skylake.key)
        #expect(haswell.blasKernels == "haswell" && skylake.blasKernels == "skylakex")
        #expect(
            try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")[0].key
                == haswell.key,
            "the name's case does not matter")
        // The key of the reference set is the key without a kernel-set component: the key this
        // spec's first run had before the component existed (computed then, by the same code).
        #expect(haswell.key == Self.validFirstRunKey)
        var bow = spec
        bow.model.kind = .bowLogisticRegression
        bow.data.dataset = .imdb
        let a = try RunPlan.runs(bow, scale: "paper", datasetFingerprint: "f", blasKernels: "haswell")[0]
        let b = try RunPlan.runs(bow, scale: "paper", datasetFingerprint: "f", blasKernels: "skylakex")[0]
        #expect(a.key == b.key && a.blasKernels == nil)
    }

    @Test func everyProblemIsReportedInOnePass() {
        let text = """
            name: Bad Name
            data: {dataset: mnsit}
            model: {name: mlp, hidden-dropout: 2}
            training: {epochs: 0, batch-size: x, seeds: []}
            optimizers: [{name: adma}]
            """
        do {
            _ = try SpecParser.parse(text, file: "t.yaml")
            Issue.record("parsed")
        } catch let e as SpecProblems {
            #expect(e.problems.count >= 6, "\(e)")
        } catch { Issue.record("\(error)") }
    }

    /// The shipped specs all parse and define the three scales.
    @Test func shippedSpecsParse() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("experiments")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let spec = try SpecParser.load(folder.appendingPathComponent(file).path)
            for scale in ["smoke", "quick", "paper"] {
                #expect(
                    !(try RunPlan.runs(spec, scale: scale, datasetFingerprint: "f", blasKernels: "haswell")).isEmpty,
                    "\(file) \(scale)")
            }
        }
    }
}
