import Experiments
import Foundation
import Testing

/// Every file of Malformed/ starts with `# expect: LINE:COLUMN: MESSAGE`; parsing it must fail with
/// exactly that problem among those reported (file:line:column: message).
@Suite struct MalformedSpecTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Malformed")
    static let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()) ?? []

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
    static let valid = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("valid.yaml").path

    @Test func parsesAndExpandsTheGrid() throws {
        let spec = try SpecParser.load(Self.valid)
        #expect(spec.name == "valid-spec" && spec.model.kind == .logisticRegression && spec.training.batchSize == 16)
        let runs = try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f")
        #expect(runs.count == 2 && Set(runs.map(\.key)).count == 2)
        #expect(runs.map { $0.configuration.learningRate } == [0.001, 0.01])
        #expect(throws: RunPlan.Failure.self) { try RunPlan.runs(spec, scale: "smoke", datasetFingerprint: "f") }
    }

    @Test func runKeysDependOnEverythingThatDeterminesTheCurve() throws {
        let spec = try SpecParser.load(Self.valid)
        let base = try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f")[0]
        #expect(try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "f")[0].key == base.key, "deterministic")
        #expect(try RunPlan.runs(spec, scale: "paper", datasetFingerprint: "g")[0].key != base.key, "dataset")
        var other = spec
        other.training.epochs = 3
        #expect(try RunPlan.runs(other, scale: "paper", datasetFingerprint: "f")[0].key != base.key, "epochs")
        other = spec
        other.model.l2 = 0.1
        #expect(try RunPlan.runs(other, scale: "paper", datasetFingerprint: "f")[0].key != base.key, "model")
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
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("experiments")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let spec = try SpecParser.load(folder.appendingPathComponent(file).path)
            for scale in ["smoke", "quick", "paper"] { #expect(!(try RunPlan.runs(spec, scale: scale, datasetFingerprint: "f")).isEmpty, "\(file) \(scale)") }
        }
    }
}
