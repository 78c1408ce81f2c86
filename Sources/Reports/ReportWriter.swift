import Experiments
import Foundation
import ResultStore

/// Renders every experiment of a database into a folder: `<experiment>/<scale>/` with `REPORT.md`,
/// one CSV per table and the SVG plots, plus an index `REPORT.md` at the top. Output is a pure
/// function of the database (no timestamps, sorted everywhere, deterministic bootstrap).
public struct ReportWriter {
    public enum Format: String, CaseIterable, Sendable { case md, csv, svg }

    public let formats: Set<Format>

    public init(formats: Set<Format>) { self.formats = formats }

    /// The files to write, by path relative to the output folder.
    public func render(_ reports: [ExperimentReport], store: ResultStore) throws -> [String: String] {
        var files: [String: String] = [:]
        var index =
            "# AdamBench report\n\nOne section per experiment and scale found in the database. Verdicts follow each spec's claims (PAPER.md §3).\n\n"
        index +=
            "| Experiment | Scale | Runs finished | Claims supported / refuted / inconclusive |\n|---|---|---|---|\n"
        for report in reports {
            let r = report.results
            let counts = [ClaimVerdict.Outcome.supported, .refuted, .inconclusive].map { o in
                report.verdicts.filter { $0.outcome == o }.count
            }
            index +=
                "| [\(r.spec.name)](\(report.folderName)/REPORT.md) | \(r.scale) | \(r.finishedCount)/\(r.runs.count)\(r.isComplete ? "" : " (incomplete)") | \(counts.map(String.init).joined(separator: " / ")) |\n"
            if formats.contains(.md) { files["\(report.folderName)/REPORT.md"] = try markdown(report, store: store) }
            if formats.contains(.csv) {
                for table in report.tables { files["\(report.folderName)/\(table.name).csv"] = table.csv }
                var claims = Table(name: "claims", headers: ["Claim", "Statement", "Verdict", "Rule", "Evidence"])
                for v in report.verdicts {
                    claims.add([
                        (v.claim.id, v.claim.id), (v.claim.statement, v.claim.statement),
                        (v.outcome.rawValue, v.outcome.rawValue),
                        (v.rule, v.rule), (v.evidence.joined(separator: "; "), v.evidence.joined(separator: "; ")),
                    ])
                }
                files["\(report.folderName)/claims.csv"] = claims.csv
            }
            if formats.contains(.svg) {
                for (name, plot) in report.plots { files["\(report.folderName)/\(name).svg"] = plot.svg }
            }
        }
        if formats.contains(.md) { files["REPORT.md"] = index }
        return files
    }

    func markdown(_ report: ExperimentReport, store: ResultStore) throws -> String {
        let r = report.results, spec = r.spec
        var out = "# \(spec.title)\n\n"
        out += "Experiment `\(spec.name)`, scale `\(r.scale)`"
        if !spec.section.isEmpty { out += "; paper Section \(spec.section), Figure \(spec.figure)" }
        out +=
            ". Dataset `\(spec.data.dataset.rawValue)`"
            + (spec.data.dataset == .cifar10JPEG ? " (the JPEG re-encoded stand-in, not the canonical CIFAR-10)" : "")
        out += "; model `\(spec.model.kind.rawValue)`.\n\n"
        if !r.isComplete {
            out +=
                "> **Incomplete:** \(r.finishedCount) of \(r.runs.count) runs have finished; numbers below use the finished runs only.\n\n"
        }
        if r.supersededCount > 0 {
            out +=
                "> \(r.supersededCount) superseded run\(r.supersededCount == 1 ? "" : "s") (recorded under an earlier version of this spec or of the numerics, so not part of its current plan) \(r.supersededCount == 1 ? "is" : "are") left out.\n\n"
        }
        for (kernels, count) in r.otherKernelSets.sorted(by: { $0.key < $1.key }) {
            out +=
                "> \(count) run\(count == 1 ? "" : "s") of this plan computed under OpenBLAS's `\(kernels)` kernel set "
                + "\(count == 1 ? "is" : "are") kept apart (another kernel set rounds differently; runs are never mixed): "
                + "`adam-bench report --kernels \(kernels)` reports \(count == 1 ? "it" : "them").\n\n"
        }
        for note in spec.notes { out += "> \(note)\n\n" }
        out +=
            "Selection rule: lowest mean `\(spec.selection.metric)` over the last \(Reports.Format.number(100 * spec.selection.lastFraction))% of the epochs, averaged over \(Self.protocolText(report.analysis.tuning)); a setting with a diverged run is never chosen. Cells are means over seeds with a 95% bootstrap interval in brackets when there are several seeds.\n\n"
        if r.runs.contains(where: \.isStalled) {
            out +=
                "A run counts as stalled when its full-pass training loss ends less than \(Reports.Format.number(100 * (1 - ReportRun.stalledFraction)))% below its value after epoch 1: it neither diverged nor learned after its first epoch.\n\n"
        }
        if formats.contains(.svg) { for (name, _) in report.plots { out += "![\(name)](\(name).svg)\n\n" } }
        let titles = [
            "best_settings": "Best settings", "sensitivity": "Sensitivity (every setting)",
            "comparison": "Comparison at the best settings", "curves_at_epochs": "Training loss at selected epochs",
            "iteration_cost": "Cost per iteration (best settings)",
        ]
        for table in report.tables { out += "## \(titles[table.name] ?? table.name)\n\n" + table.markdown + "\n" }
        out += "## Claims\n\n"
        if report.verdicts.isEmpty { out += "This spec states no claims.\n\n" }
        for v in report.verdicts {
            out += "- **\(v.outcome.rawValue)** — \(v.claim.id): “\(v.claim.statement)”  \n  Rule: \(v.rule).  \n"
            for e in v.evidence { out += "  Evidence: \(e).  \n" }
            out += "\n"
        }
        out += "## Provenance\n\n" + (try provenance(r))
        return out
    }

    func provenance(_ r: ExperimentResults) throws -> String {
        let records = try r.runs.compactMap { try RunProvenance(record: $0.record) }
        func list(_ values: [String]) -> String {
            values.isEmpty ? "not recorded" : Set(values).sorted().map { "`\($0)`" }.joined(separator: ", ")
        }
        var out = "| | |\n|---|---|\n"
        out += "| Commits | \(list(records.map { $0.base.gitCommit + ($0.base.gitDirty ? " (dirty)" : "") })) |\n"
        out += "| Toolchain | \(list(records.map(\.base.swiftVersion))) |\n"
        out += "| CPU / OpenBLAS core | \(list(records.map { "\($0.base.cpu) / \($0.base.openBLASCore)" })) |\n"
        out +=
            "| Kernel set of the run keys | \(r.blasKernels.map { "`\($0)`" } ?? "none (the model calls no BLAS)") |\n"
        out += "| OS | \(list(records.map(\.base.os))) |\n"
        out += "| Numerics version | \(list(records.map { String($0.base.numericsVersion) })) |\n"
        out += "| Dataset fingerprint | \(list(r.runs.map(\.record.datasetSHA256))) |\n"
        let whitening = records.compactMap(\.whitening)
        if !whitening.isEmpty { out += "| ZCA transform | \(list(whitening)) |\n" }
        let tokenizer = records.compactMap(\.tokenizer)
        if !tokenizer.isEmpty { out += "| Tokenizer | \(list(tokenizer)) |\n" }
        out +=
            "| Divergence policy | NaN/Inf loss, or a loss above \(Reports.Format.number(r.spec.training.divergenceThreshold)), stops a run as diverged |\n"
        return out
    }

    /// The tuning protocol in words, for the selection rule.
    static func protocolText(_ tuning: ResolvedTuning?) -> String {
        guard let tuning else { return "seeds" }
        func list(_ seeds: [UInt64]) -> String { seeds.map(String.init).joined(separator: ", ") }
        var text = "the tuning seed\(tuning.seeds.count == 1 ? "" : "s") (\(list(tuning.seeds)))"
        if tuning.isStaged {
            text +=
                "; the selected setting then runs on the confirm seeds (\(list(tuning.confirmSeeds))), whose runs the comparison, plots and claims use"
        }
        if tuning.maxExtensions > 0 {
            text +=
                "; a selection at the edge of a geometric \(tuning.extend.joined(separator: "/")) axis extends the grid by one step, up to \(tuning.maxExtensions) times per side"
        }
        return text
    }
}
