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

    static func command(_ name: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
