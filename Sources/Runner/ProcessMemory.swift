import Foundation

/// The process's resident memory (getrusage).
enum ProcessMemory {
    static var peakResidentBytes: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Physical memory of the machine.
    static var physicalBytes: Int { Int(ProcessInfo.processInfo.physicalMemory) }
}
