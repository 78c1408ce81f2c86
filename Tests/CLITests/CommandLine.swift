import ChildProcess
import Foundation
import ResultStore
import TestSupport

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
        try runProcess(url.path, arguments, environment: environment, unset: unset)
    }
}

/// A program found on PATH, e.g. SLURM's commands.
enum Shell {
    static func run(_ program: String, _ arguments: [String]) throws -> CommandLineRun {
        try runProcess(program, arguments)
    }
}

/// The bound on any one child of the tests: a child still running after it is killed and the test
/// fails naming it, so a hang costs minutes, not the CI's whole budget.
let childTimeout = 1200.0

/// Runs `program` (a path or a name on PATH) with this process's environment, plus `environment`,
/// minus `unset`, and captures its output (through files: no pipe a daemon could hold open).
func runProcess(
    _ program: String, _ arguments: [String], environment: [String: String] = [:], unset: [String] = []
) throws -> CommandLineRun {
    let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { !unset.contains($0.key) }
    let result = try ChildProcess.run(program, arguments, environment: env, timeout: childTimeout)
    return CommandLineRun(status: result.status, stdout: result.stdout, stderr: result.stderr)
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

/// A new folder for one test (removed when the test process exits).
func temporaryDirectory() throws -> URL { try TestFolder.make("test") }

/// `adam-bench` run by a user without privileges: as nobody (uid and gid 65534, through `setpriv`)
/// when the tests run as root, else as the tests' own user, whom file permissions already bind.
enum Unprivileged {
    static let uid = 65534

    /// A copy of the executable that nobody may run (the build folder may be out of its reach).
    ///
    /// `cp` writes the copy in its own process. Written from this one, the copy's descriptor open
    /// for writing would be inherited by any child another test thread started meanwhile and held
    /// for that child's whole life (an `adam-bench run` of a minute): exec of the copy then fails
    /// with ETXTBSY ("Text file busy") until it exits.
    static let executable: Result<URL, Error> = Result {
        let folder = try TestFolder.make("unprivileged-bin")
        let copy = folder.appendingPathComponent("adam-bench")
        let cp = try runProcess("cp", [AdamBenchExecutable.url.path, copy.path])
        guard cp.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: ["stderr": cp.stderr]) }
        return copy
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandLineRun {
        guard getuid() == 0 else { return try AdamBenchExecutable.run(arguments, environment: environment) }
        return try runProcess(
            "setpriv", ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", try executable.get().path] + arguments,
            environment: environment)
    }
}
