import COpenBLAS
import Foundation

/// Which of OpenBLAS's kernels does the arithmetic. The library ships one kernel set per CPU family
/// and picks one when it is loaded, from `OPENBLAS_CORETYPE` if set, else from the CPU it detects; a
/// kernel set fixes the order in which each product's terms are summed, so curves differ, in
/// rounding, from one set to another.
///
/// The harness chooses the set by the CPU's instruction-set family, the widest one the CPU runs:
///
/// | family | CPUs | kernel set |
/// |---|---|---|
/// | AVX-512 (F, CD, BW, DQ, VL) | Intel Skylake-SP and later servers, AMD Zen 4 and Zen 5 | `SkylakeX` |
/// | AVX2 + FMA | Intel Haswell and later, AMD Zen 1-3 | `Haswell` |
/// | anything else | | OpenBLAS's own choice |
///
/// Within a family every CPU then runs the same kernels, so a curve has the same bits on all of them
/// (OpenBLAS's own choice would name one set per CPU generation: Cooperlake, SapphireRapids, Zen, ...).
/// On AVX-512 CPUs with full-width units (Zen 5, Intel servers) the SkylakeX kernels run sgemm about
/// 1.8x faster than the Haswell ones; on Zen 4 (AVX-512 on 256-bit units) the two are within ~5%.
/// The choice has to be made before OpenBLAS is loaded, so `pinByReexecuting()` sets the variable
/// and re-executes the program (same process, same arguments); a user's own `OPENBLAS_CORETYPE` is
/// left alone. The set in use is part of every BLAS-using run's key (`RunPlan.runKey`) and of its
/// provenance (`openBLASCore`), so runs computed under different sets are never taken for each other.
public enum BLASKernel {
    public static let environmentVariable = "OPENBLAS_CORETYPE"

    /// Forces the family the rule sees (`avx512`, `avx2` or `other`), for tests of the rule on a
    /// machine of one family. Not for production use: forcing `avx512` on a CPU without AVX-512
    /// asks OpenBLAS for kernels the CPU cannot run.
    public static let familyOverrideVariable = "ADAMBENCH_TEST_CPU_FAMILY"

    /// An x86-64 instruction-set family, as far as OpenBLAS's kernel choice is concerned.
    public enum Family: String, Sendable, CaseIterable {
        case avx512
        case avx2
        case other

        /// The kernel set the harness runs on this family, as `OPENBLAS_CORETYPE` names it; nil
        /// leaves the choice to OpenBLAS.
        public var kernelSet: String? {
            switch self {
            case .avx512: "SkylakeX"
            case .avx2: "Haswell"
            case .other: nil
            }
        }
    }

    /// The family of this CPU (`adambench_cpu_family`), or the one `ADAMBENCH_TEST_CPU_FAMILY` forces.
    public static var family: Family {
        if let forced = getenv(familyOverrideVariable).map({ String(cString: $0) }),
            let family = Family(rawValue: forced)
        {
            return family
        }
        return hardwareFamily
    }

    /// The family of the CPU itself, whatever `ADAMBENCH_TEST_CPU_FAMILY` says.
    public static var hardwareFamily: Family {
        switch adambench_cpu_family() {
        case 2: .avx512
        case 1: .avx2
        default: .other
        }
    }

    /// OpenBLAS's kernel sets that use AVX-512 instructions (lower-case names).
    static let avx512KernelSets: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]

    /// A kernel set this CPU cannot run: OpenBLAS loads whichever set `OPENBLAS_CORETYPE` names
    /// (or the family rule chose under `ADAMBENCH_TEST_CPU_FAMILY`) and dies of an illegal
    /// instruction at the first product. Nil when the set in use runs here.
    public static var unrunnableReason: String? {
        guard avx512KernelSets.contains(identity), hardwareFamily != .avx512 else { return nil }
        return "OpenBLAS's \(inUse) kernels (\(origin)) use AVX-512, which this CPU does not have "
            + "(family \(hardwareFamily.rawValue)); unset \(environmentVariable) and \(familyOverrideVariable), "
            + "or set \(environmentVariable)=Haswell"
    }

    /// The kernel set OpenBLAS is using in this process, as OpenBLAS names it (e.g. `Haswell`).
    public static var inUse: String { String(cString: openblas_get_corename()) }

    /// The kernel set in use as run keys and provenance name it: lower-case (`haswell`, `skylakex`).
    public static var identity: String { inUse.lowercased() }

    /// Set, beside `OPENBLAS_CORETYPE`, by the re-execution, so the program can tell its own pin
    /// from a user's choice.
    static let pinMarkerVariable = "ADAMBENCH_PINNED_CORETYPE"

    /// How the kernel set in use was chosen, for messages: "chosen for the avx2 family",
    /// "set by OPENBLAS_CORETYPE=Nehalem", or "OpenBLAS's own choice".
    public static var origin: String {
        let variable = getenv(environmentVariable).map { String(cString: $0) }
        let marker = getenv(pinMarkerVariable).map { String(cString: $0) }
        switch (variable, marker) {
        case let (value?, pinned?) where value == pinned: return "chosen for the \(family.rawValue) CPU family"
        case let (value?, _): return "set by \(environmentVariable)=\(value)"
        default:
            return family.kernelSet == nil ? "OpenBLAS's own choice" : "chosen for the \(family.rawValue) CPU family"
        }
    }

    /// Re-executes this program with `OPENBLAS_CORETYPE` set to the family's kernel set when the
    /// variable is unset and another set is in use; returns (changing nothing) otherwise, or if the
    /// re-execution fails, in which case OpenBLAS's own choice stays in use (and is recorded as such).
    /// Call first thing in `main`, before any work (the re-executed program starts over).
    public static func pinByReexecuting() {
        #if os(Linux)
        guard getenv(environmentVariable) == nil, let wanted = family.kernelSet,
            inUse.caseInsensitiveCompare(wanted) != .orderedSame
        else { return }
        setenv(environmentVariable, wanted, 1)
        setenv(pinMarkerVariable, wanted, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv(environmentVariable)  // not reached unless execv failed
        unsetenv(pinMarkerVariable)
        #endif
    }
}
