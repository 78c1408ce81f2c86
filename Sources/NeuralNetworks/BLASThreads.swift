import COpenBLAS

/// OpenBLAS's own threading: the harness runs one run per worker thread with BLAS single-threaded.
public enum BLASThreads {
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(count)) }
    public static var configuration: String { String(cString: openblas_get_config()) }
}
