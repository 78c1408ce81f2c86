import Foundation
import ResultStore
import Testing

/// `adam-bench` pins OpenBLAS's Haswell kernel set where the CPU can run it (`BLASKernel`), leaves a
/// user's own `OPENBLAS_CORETYPE` alone, and records the set in use in every run's provenance.
@Suite(.serialized) struct BLASKernelTests {
    /// The CPU's flags as the kernel reports them, independently of the executable's own check.
    static var cpuRunsHaswellKernels: Bool {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
        let set = Set(flags.split(separator: " ").map(String.init))
        return set.contains("avx2") && set.contains("fma")
    }

    /// Runs a one-epoch logistic regression and returns the `openBLASCore` of its provenance.
    func recordedKernels(environment: [String: String] = [:]) throws -> String? {
        let dir = try temporaryDirectory()
        let spec = try RunnerTests.writeSpec(dir, name: "kernels", epochs: 1, subset: 256,
                                             optimizers: "  - {name: adam, hyperparameters: {lr: 0.001}}", seeds: "[1]")
        let db = dir.appendingPathComponent("kernels.sqlite").path
        let out = try AdamBenchExecutable.run(["run", spec, "--db", db, "--scale", "paper", "--data-dir", RunnerTests.dataFolder],
                                              environment: environment, unset: environment.isEmpty ? ["OPENBLAS_CORETYPE"] : [])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try ResultStore(path: db).runs().first?.provenanceJSON)
        let provenance = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return (provenance?["base"] as? [String: Any])?["openBLASCore"] as? String
    }

    @Test(.enabled(if: cpuRunsHaswellKernels)) func runsUseThePinnedHaswellKernels() throws {
        #expect(try recordedKernels()?.lowercased() == "haswell")
    }

    static var isX86: Bool {
        #if arch(x86_64)
        true
        #else
        false
        #endif
    }

    @Test(.enabled(if: isX86)) func aKernelSetChosenByTheUserIsKept() throws {
        // Nehalem's kernels (SSE4.2) run on every x86-64 CPU this project targets.
        #expect(try recordedKernels(environment: ["OPENBLAS_CORETYPE": "Nehalem"])?.lowercased() == "nehalem")
    }
}
