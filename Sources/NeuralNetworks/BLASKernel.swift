import COpenBLAS
import Foundation

/// Which of OpenBLAS's kernels does the arithmetic. The library ships one kernel set per CPU family
/// and picks one when it is loaded, from `OPENBLAS_CORETYPE` if set, else from the CPU it detects; a
/// kernel set fixes the order in which each product's terms are summed, so curves differ, in
/// rounding, from one set to another.
///
/// The harness pins the Haswell set (AVX2 + FMA) on every x86-64 CPU that can run it: the same bits
/// on any such CPU (Intel since Haswell, AMD since Zen) instead of one answer per CPU family, and on
/// this project's AMD EPYC (Zen 4) machines it trains the MLP, CNN and VAE about 5-8% faster than
/// the AVX-512 set OpenBLAS 0.3.21 detects there (Cooperlake; docs/PERFORMANCE.md). The choice has
/// to be made before OpenBLAS is loaded, so `pinByReexecuting()` sets the variable and re-executes
/// the program (same process, same arguments); a user's own `OPENBLAS_CORETYPE` is left alone. Runs
/// record the kernel set in use in their provenance (`openBLASCore`).
public enum BLASKernel {
    public static let environmentVariable = "OPENBLAS_CORETYPE"
    /// The kernel set the harness pins, as OpenBLAS names it in `OPENBLAS_CORETYPE`.
    public static let pinned = "Haswell"

    /// The kernel set OpenBLAS is using in this process.
    public static var inUse: String { String(cString: openblas_get_corename()) }

    /// Re-executes this program with `OPENBLAS_CORETYPE=Haswell` when the variable is unset and the
    /// CPU can run those kernels; returns (changing nothing) otherwise, or if the re-execution fails,
    /// in which case OpenBLAS's own choice stays in use. Call first thing in `main`, before any work
    /// (the re-executed program starts over).
    public static func pinByReexecuting() {
        #if os(Linux)
        guard getenv(environmentVariable) == nil, adambench_cpu_runs_haswell_kernels() == 1,
              inUse.caseInsensitiveCompare(pinned) != .orderedSame else { return }
        setenv(environmentVariable, pinned, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv(environmentVariable) // not reached unless execv failed
        #endif
    }
}
