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
        let cpu = thisCPU
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

    /// This machine's CPU as provenance records it (`cpuDescription` of `/proc/cpuinfo`).
    public static var thisCPU: String {
        (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)).map(cpuDescription) ?? "unknown"
    }

    /// The first processor's model name in `/proc/cpuinfo` text, with its family and model numbers
    /// when the file gives them: "AMD EPYC (family 26, model 2)". Virtual machines often report a
    /// generic name ("AMD EPYC") for CPUs as different as Zen 4 (family 25) and Zen 5 (family 26), so
    /// the numbers are what tells a run's host apart. "unknown" without a model name.
    static func cpuDescription(cpuinfo: String) -> String {
        var fields: [String: String] = [:]
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty, !fields.isEmpty { break }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        guard let name = fields["model name"], !name.isEmpty else { return "unknown" }
        guard let family = fields["cpu family"], let model = fields["model"] else { return name }
        return "\(name) (family \(family), model \(model))"
    }

    /// The trimmed output of `name arguments`, or `nil` when it cannot run, fails or takes over 30 s.
    static func command(_ name: String, _ arguments: [String]) -> String? {
        guard let result = try? ChildProcess.run(name, arguments, timeout: 30), result.status == 0 else { return nil }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
