import Foundation
import ResultStore

/// Runs the built `adam-bench` executable (next to the test bundle) and captures its output.
struct CommandLineRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum AdamBenchExecutable {
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["ADAMBENCH_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // The test bundle lives in .build/<configuration>/; so does the executable.
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("adam-bench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("adam-bench")
    }

    /// Runs the executable with this process's environment, plus `environment`, minus `unset`.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], unset: [String] = []
    ) throws -> CommandLineRun {
        try runProcess(url, arguments, environment: environment, unset: unset)
    }
}

/// A program found on PATH (through /usr/bin/env), e.g. SLURM's commands.
enum Shell {
    static func run(_ program: String, _ arguments: [String]) throws -> CommandLineRun {
        try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments)
    }
}

/// Runs `executable` with this process's environment, plus `environment`, minus `unset`, and captures
/// its output.
func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:], unset: [String] = []
) throws -> CommandLineRun {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter {
        !unset.contains($0.key)
    }
    // Standard error goes to a file, so that a chatty child cannot fill a second pipe and block.
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent(
        "adambench-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let out = Pipe(), err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try err.close()
    let errData = try Data(contentsOf: errURL)
    return CommandLineRun(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Run key -> "status curve-hash" of every finished run in `db`.
func finishedCurves(_ db: String) throws -> [String: String] {
    let store = try ResultStore(path: db)
    var result: [String: String] = [:]
    for r in try store.runs() where r.status == .completed || r.status == .diverged {
        result[r.key] = "\(r.status.rawValue) \(try store.curveHash(runID: r.id))"
    }
    return result
}

func sharedFolder() -> URL {
    if let path = ProcessInfo.processInfo.environment["ADAMBENCH_SHARED"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    return repositoryRoot().deletingLastPathComponent().appendingPathComponent("shared")
}

func repositoryRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("adambench-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
