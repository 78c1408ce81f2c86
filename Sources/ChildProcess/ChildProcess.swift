import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started with `posix_spawnp` and waited for with `waitpid`: no run loop, no pipes.
///
/// Foundation's `Process.waitUntilExit()` on Linux waits on a run loop for the child's termination
/// to be delivered; called off the main thread under load (a test suite starting hundreds of
/// children from parallel test threads) it can wait forever for a child that has exited. And a pipe
/// read to end-of-file never ends while a daemon the child started holds the write end. This type
/// avoids both: the child's output goes to files, and `wait(timeout:)` polls `waitpid` for exactly
/// this child, so every wait has a bound.
///
/// The child gets its own process group (`POSIX_SPAWN_SETPGROUP`), so `signal(_:group:)` reaches
/// what it started too.
public struct ChildProcess: Sendable {
    /// Where a standard stream of the child goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discard
        /// A file, created or truncated.
        case file(String)
        /// This process's own stream.
        case inherit
    }

    /// How the child ended.
    public struct Termination: Sendable, Equatable {
        /// The exit code, or 128 + the signal number when a signal ended it (the shell's convention).
        public var status: Int32
        /// The signal that ended the child, if one did.
        public var signal: Int32?
    }

    /// The child's output and how it ended, from `run`.
    public struct Captured: Sendable {
        public var termination: Termination
        public var stdout: String
        public var stderr: String
        public var status: Int32 { termination.status }
    }

    /// A child that could not be started, or outlived its time.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let pid: pid_t
    public let command: String

    /// Starts `program` (a path, or a name searched on PATH) with `arguments`.
    ///
    /// - Parameter environment: the child's whole environment; `nil` passes this process's.
    public static func spawn(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil,
        stdout: Output = .discard, stderr: Output = .discard
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, output) in [(Int32(1), stdout), (Int32(2), stderr)] {
            switch output {
            case .discard: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .inherit: break
            }
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)

        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let code = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        let command = ([program] + arguments).joined(separator: " ")
        guard code == 0 else {
            throw Failure(description: "\(program): cannot start it (\(String(cString: strerror(code))))")
        }
        return ChildProcess(pid: pid, command: command)
    }

    /// Waits until the child ends, or `timeout` seconds pass (then returns `nil`, the child still
    /// running). Polls `waitpid` for this child alone, every few milliseconds.
    public func wait(timeout: Double? = nil) -> Termination? {
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var pause: useconds_t = 1_000
        while true {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid { return Self.termination(raw) }
            if result < 0 && errno != EINTR {
                // Reaped elsewhere or never ours: nothing left to wait for.
                return Termination(status: -1, signal: nil)
            }
            if let deadline, Date() >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }

    /// Sends `signal` to the child, or with `group` to its whole process group.
    public func signal(_ signal: Int32, group: Bool = false) {
        kill(group ? -pid : pid, signal)
    }

    /// Runs `program` to its end and returns its output. A child still running after `timeout`
    /// seconds is killed with its process group (SIGTERM, then SIGKILL 5 s later) and reported as a
    /// `Failure` naming the command.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double? = nil
    ) throws -> Captured {
        let dir = FileManager.default.temporaryDirectory
        let token = UUID().uuidString
        let out = dir.appendingPathComponent("child-\(token).out").path
        let err = dir.appendingPathComponent("child-\(token).err").path
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        let child = try spawn(program, arguments, environment: environment, stdout: .file(out), stderr: .file(err))
        guard let termination = child.wait(timeout: timeout) else {
            child.stop()
            throw Failure(description: "\(child.command): still running after \(Int(timeout ?? 0)) s, killed")
        }
        func read(_ path: String) -> String {
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        return Captured(termination: termination, stdout: read(out), stderr: read(err))
    }

    /// Ends a child that outlived its time: SIGTERM to its group, SIGKILL 5 s later if it is still
    /// there.
    public func stop() {
        signal(SIGTERM, group: true)
        if wait(timeout: 5) == nil {
            signal(SIGKILL, group: true)
            _ = wait(timeout: 5)
        }
    }

    static func termination(_ raw: Int32) -> Termination {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
        let signal = raw & 0x7f
        if signal == 0 { return Termination(status: (raw >> 8) & 0xff, signal: nil) }
        return Termination(status: 128 + signal, signal: signal)
    }
}
