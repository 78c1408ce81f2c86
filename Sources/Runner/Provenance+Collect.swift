import ChildProcess
import Foundation
import NeuralNetworks
import ResultStore

extension Provenance {
    /// Collected once per process (git and swift are asked in the current folder).
    public static func collect(numericsVersion: Int) -> Provenance {
        let commit = command("git", ["rev-parse", "HEAD"]) ?? "unknown"
        let dirty = !(command("git", ["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
        let swift = command("swift", ["--version"])?.split(separator: "\n").first.map(String.init) ?? "unknown"
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        let os =
            (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }?
            .dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            ?? ProcessInfo.processInfo.operatingSystemVersionString
        return Provenance(
            gitCommit: commit, gitDirty: dirty, swiftVersion: swift, openBLASCore: BLASKernel.inUse,
            openBLASConfig: BLASThreads.configuration, cpu: cpu, os: os, host: ProcessInfo.processInfo.hostName,
            numericsVersion: numericsVersion)
    }

    /// The trimmed output of `name arguments`, or `nil` when it cannot run, fails or takes over 30 s.
    static func command(_ name: String, _ arguments: [String]) -> String? {
        guard let result = try? ChildProcess.run(name, arguments, timeout: 30), result.status == 0 else { return nil }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
