import Foundation
import ResultStore
import Testing

/// `adam-bench` chooses OpenBLAS's kernel set by the CPU's instruction-set family (`BLASKernel`),
/// leaves a user's own `OPENBLAS_CORETYPE` alone, records the set in use in every run's provenance,
/// keys BLAS-using runs to it, and never mixes runs of two sets in a plan or a report.
@Suite(.serialized) struct BLASKernelTests {
    /// The CPU's flags as the kernel reports them, independently of the executable's own check.
    static var cpuFlags: Set<String> {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(flags.split(separator: " ").map(String.init))
    }

    /// The kernel set the family rule gives this CPU, from its flags: the expected value of the
    /// executable's choice.
    static var expectedKernelSet: String? {
        let flags = cpuFlags
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "skylakex" }
        if flags.contains("avx2") && flags.contains("fma") { return "haswell" }
        return nil
    }

    static var isX86: Bool {
        #if arch(x86_64)
        true
        #else
        false
        #endif
    }

    /// The environment of the user's default: neither OpenBLAS variable set.
    static let unsetVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "ADAMBENCH_TEST_CPU_FAMILY"]

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandLineRun {
        try AdamBenchExecutable.run(
            arguments + ["--data-dir", RunnerTests.dataFolder], environment: environment,
            unset: Self.unsetVariables.filter { environment[$0] == nil })
    }

    /// Runs a one-epoch logistic regression and returns the `openBLASCore` of its provenance.
    func recordedKernels(environment: [String: String] = [:]) throws -> String? {
        let dir = try temporaryDirectory()
        let spec = try RunnerTests.writeSpec(
            dir, name: "kernels", epochs: 1, subset: 256,
            optimizers: "  - {name: adam, hyperparameters: {lr: 0.001}}", seeds: "[1]")
        let db = dir.appendingPathComponent("kernels.sqlite").path
        let out = try run(["run", spec, "--db", db, "--scale", "paper"], environment: environment)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try ResultStore(path: db).runs().first?.provenanceJSON)
        let provenance = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return ((provenance?["base"] as? [String: Any])?["openBLASCore"] as? String)?.lowercased()
    }

    @Test(.enabled(if: expectedKernelSet != nil)) func runsUseTheKernelSetOfTheirFamily() throws {
        #expect(try recordedKernels() == Self.expectedKernelSet)
    }

    /// The rule on a family this machine may not be: forcing the AVX2 family (which every AVX-512
    /// CPU also runs) gives Haswell; `plan` names the set and says how it was chosen.
    @Test(.enabled(if: expectedKernelSet != nil)) func theFamilyRuleCanBeForcedForTests() throws {
        #expect(try recordedKernels(environment: ["ADAMBENCH_TEST_CPU_FAMILY": "avx2"]) == "haswell")
        let dir = try temporaryDirectory()
        let spec = try RunnerTests.writeSpec(dir, name: "plan-kernels", optimizers: "  - {name: adam}", seeds: "[1]")
        let plan = try run(
            ["plan", spec, "--scale", "paper", "--summary"], environment: ["ADAMBENCH_TEST_CPU_FAMILY": "avx2"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(
            plan.stdout.contains("# OpenBLAS kernel set: Haswell (chosen for the avx2 CPU family)"), "\(plan.stdout)")
        let chosen = try run(
            ["plan", spec, "--scale", "paper", "--summary"], environment: ["OPENBLAS_CORETYPE": "Haswell"])
        #expect(chosen.stdout.contains("(set by OPENBLAS_CORETYPE=Haswell)"), "\(chosen.stdout)")
    }

    /// On a CPU without AVX-512, asking for AVX-512 kernels (by the variable, or by forcing the
    /// family) is one clear refusal, not an illegal-instruction crash in the first product; `plan`
    /// still names what the rule chose.
    @Test(.enabled(if: isX86 && expectedKernelSet == "haswell")) func anAVX512KernelSetIsRefusedOnAnAVX2CPU() throws {
        let dir = try temporaryDirectory()
        let spec = try RunnerTests.writeSpec(
            dir, name: "refused", epochs: 1, subset: 256, optimizers: "  - {name: adam}", seeds: "[1]")
        let db = dir.appendingPathComponent("refused.sqlite").path
        for environment in [["OPENBLAS_CORETYPE": "SkylakeX"], ["ADAMBENCH_TEST_CPU_FAMILY": "avx512"]] {
            let out = try run(["run", spec, "--db", db, "--scale", "paper"], environment: environment)
            #expect(out.status == 2, "\(environment): \(out.status) \(out.stderr)")
            #expect(
                out.stderr.contains("kernels") && out.stderr.contains("use AVX-512, which this CPU does not have"),
                "\(out.stderr)")
            #expect(!FileManager.default.fileExists(atPath: db), "nothing written")
        }
        let plan = try run(
            ["plan", spec, "--scale", "paper", "--summary"], environment: ["ADAMBENCH_TEST_CPU_FAMILY": "avx512"])
        #expect(
            plan.stdout.contains("# OpenBLAS kernel set: SkylakeX (chosen for the avx512 CPU family)"), "\(plan.stdout)"
        )
    }

    @Test(.enabled(if: isX86)) func aKernelSetChosenByTheUserIsKept() throws {
        // Nehalem's kernels (SSE4.2) run on every x86-64 CPU this project targets.
        #expect(try recordedKernels(environment: ["OPENBLAS_CORETYPE": "Nehalem"]) == "nehalem")
    }

    /// A database computed under one kernel set, then run under another — a fresh clone's
    /// `make reproduce` on an AVX2-only CPU next to a database committed from an AVX-512 one (here
    /// SandyBridge's AVX kernels stand in for the other family: every CPU of both families runs
    /// them). The second process re-plans under its own set: it trains its own runs rather than
    /// resuming or skipping the other set's, and the report
    /// takes one set's runs and counts the other's, never mixing seeds of two sets.
    @Test(.enabled(if: expectedKernelSet != nil)) func runsOfTwoKernelSetsAreKeptApart() throws {
        let dir = try temporaryDirectory()
        let spec = try RunnerTests.writeSpec(
            dir, name: "two-sets", epochs: 2, subset: 512,
            optimizers: "  - {name: adam, hyperparameters: {lr: 0.001}}", seeds: "[1, 2]")
        let db = dir.appendingPathComponent("two.sqlite").path
        let other = ["OPENBLAS_CORETYPE": "SandyBridge"]
        let first = try run(["run", spec, "--db", db, "--scale", "paper"], environment: other)
        #expect(first.status == 0, "\(first.stderr)")
        let planOther = try run(["plan", spec, "--scale", "paper", "--db", db], environment: other)
        #expect(planOther.stdout.contains("0.00 remaining"), "\(planOther.stdout)")
        let planOwn = try run(["plan", spec, "--scale", "paper", "--db", db])
        #expect(
            !planOwn.stdout.contains("\tcompleted"), "the other set's runs are not this process's: \(planOwn.stdout)")

        let second = try run(["run", spec, "--db", db, "--scale", "paper"])
        #expect(second.status == 0, "\(second.stderr)")
        let records = try ResultStore(path: db).runs()
        #expect(records.count == 4 && Set(records.map(\.key)).count == 4)
        #expect(records.allSatisfy { $0.status == .completed })

        let out = dir.appendingPathComponent("report").path
        let report = try AdamBenchExecutable.run(["report", "--db", db, "--out", out])
        #expect(report.status == 0, "\(report.stderr)")
        let text = try String(contentsOfFile: out + "/two-sets/paper/REPORT.md", encoding: .utf8)
        let index = try String(contentsOfFile: out + "/REPORT.md", encoding: .utf8)
        #expect(index.contains("| 2/2 |"), "two seeds reported, not four: \(index)")
        let own = try #require(Self.expectedKernelSet)
        let reported = text.contains("| Kernel set of the run keys | `sandybridge` |") ? "sandybridge" : own
        let apart = reported == own ? "sandybridge" : own
        #expect(text.contains("| Kernel set of the run keys | `\(reported)` |"), "\(text)")
        #expect(
            text.contains("2 runs of this plan computed under OpenBLAS's `\(apart)` kernel set are kept apart"),
            "\(text)")

        let forced = try AdamBenchExecutable.run(["report", "--db", db, "--out", out, "--kernels", apart])
        #expect(forced.status == 0, "\(forced.stderr)")
        let forcedText = try String(contentsOfFile: out + "/two-sets/paper/REPORT.md", encoding: .utf8)
        #expect(forcedText.contains("| Kernel set of the run keys | `\(apart)` |"), "\(forcedText)")
    }
}
