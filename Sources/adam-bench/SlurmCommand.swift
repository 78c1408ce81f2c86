import ArgumentParser
import ChildProcess
import Datasets
import Experiments
import Foundation
import NeuralNetworks
import Plan
import ResultStore
import Runner

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Run a campaign on SLURM: sharded array jobs, a merge after each round, the report at the end.",
        discussion: """
            `adam-bench slurm SPEC... --workdir DIR --shards N` writes DIR/task.sh (an array job, one task per shard: \
            `adam-bench run --shard I/N` into DIR/shards/shard-I.sqlite) and DIR/continue.sh (after every task of a \
            round has ended: merge into DIR/merged.sqlite, then the next round while runs or stages are left, else \
            the report in DIR/report). With --submit it submits them (sbatch) and prints the job ids. A killed or \
            requeued task resumes from its shard's checkpoints; a failed task's runs are retried in the next round.

            `adam-bench slurm status DIR` shows the campaign's progress. docs/CLUSTER.md has the whole procedure.
            """,
        subcommands: [SlurmPrepareCommand.self, SlurmContinueCommand.self, SlurmStatusCommand.self],
        defaultSubcommand: SlurmPrepareCommand.self)

    /// Runs `sbatch --parsable ARGS`; returns the job id.
    static func sbatch(_ arguments: [String]) throws -> String {
        let out = try Shell.run("sbatch", ["--parsable"] + arguments)
        guard out.status == 0,
            let id = out.stdout.split(separator: ";").first.map({ String($0) })?
                .trimmingCharacters(in: .whitespacesAndNewlines), !id.isEmpty
        else {
            throw CommandFailure("sbatch \(arguments.joined(separator: " ")): exit \(out.status): \(out.stderr)")
        }
        return id
    }

    /// Submits one round: the array job, and the continue job after it; records both in jobs.tsv.
    static func submitRound(_ dir: URL, round: Int, open: Int) throws -> (array: String, next: String) {
        let array = try sbatch([dir.appendingPathComponent("task.sh").path])
        let next = try sbatch([
            "--dependency=afterany:\(array)", "--kill-on-invalid-dep=yes",
            dir.appendingPathComponent("continue.sh").path,
        ])
        let line = "\(round)\t\(array)\t\(next)\t\(open)\n"
        let url = dir.appendingPathComponent("jobs.tsv")
        if let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try handle.close()
        } else {
            try ("round\tarray_job\tcontinue_job\topen_runs\n" + line).write(to: url, atomically: true, encoding: .utf8)
        }
        return (array, next)
    }

    /// Rounds recorded in jobs.tsv: (round, array job, continue job, open runs at submission).
    static func rounds(_ dir: URL) -> [(round: Int, array: String, next: String, open: Int)] {
        guard let text = try? String(contentsOf: dir.appendingPathComponent("jobs.tsv"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 4, let r = Int(f[0]), let o = Int(f[3]) else { return nil }
            return (r, f[1], f[2], o)
        }
    }

    /// The campaign's plan against the merged database: its runs not finished there, and the specs
    /// whose stages are still undecided.
    static func openRuns(_ campaign: SlurmCampaign) throws -> (open: [PlannedRun], undecided: [String], total: Int) {
        let specs = try SpecLoading.load(campaign.specs)
        let catalog = DataDirectoryOption.catalog(campaign.dataDirectory)
        let merged = campaign.mergedPath
        let store = FileManager.default.fileExists(atPath: merged) ? try ResultStore(path: merged, readOnly: true) : nil
        let planner = StagedPlanner(
            entries: try SpecLoading.fingerprinted(specs, catalog: catalog), scale: campaign.scale,
            blasKernels: campaign.kernels, store: store, registersRuns: false)
        let plans = try planner.resolve()
        let runs = plans.flatMap(\.1.runs)
        let finished = Set(
            try store?.runs(keys: runs.map(\.key)).filter { $0.status == .completed || $0.status == .diverged }
                .map(\.key) ?? [])
        return (
            runs.filter { !finished.contains($0.key) }, plans.filter { !$0.1.isDecided }.map(\.0.name), runs.count
        )
    }
}

extension SlurmCampaign {
    var mergedPath: String { URL(fileURLWithPath: folder).appendingPathComponent("merged.sqlite").path }
}

struct SlurmPrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare", abstract: "Write (and with --submit, submit) a campaign's batch scripts.")

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    @Option(help: "Scale profile.")
    var scale: String = "paper"

    @Option(help: "Array tasks (shards) per round.")
    var shards: Int

    @Option(help: "The campaign's folder (on a file system every node sees).")
    var workdir: String

    @Option(help: ArgumentHelp("Each task's time limit (HH:MM:SS, or 90m, 2h).", valueName: "duration"))
    var time: TimeLimit = TimeLimit(seconds: 4 * 3600)

    @Option(help: "SLURM partition.") var partition: String?
    @Option(help: "SLURM account.") var account: String?
    @Option(help: "CPUs per task (the runs each task trains side by side).") var cpusPerTask: Int = 1
    @Option(help: "Rounds after which the campaign stops even with runs left.") var maxRounds: Int = 20
    @Flag(help: "Submit the first round (sbatch) instead of printing the commands.") var submit = false
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        guard shards >= 1 else { throw CommandFailure("--shards: expected a positive number, got \(shards)") }
        guard cpusPerTask >= 1 else { throw CommandFailure("--cpus-per-task: expected a positive number") }
        guard time.seconds >= 300 else {
            throw CommandFailure("--time: expected at least 5 minutes (a task keeps 2 for stopping cleanly)")
        }
        let dir = URL(fileURLWithPath: workdir).standardizedFileURL
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        let campaign = SlurmCampaign(
            folder: dir.path, specs: specs.map(absolute), scale: scale, shards: shards, cpusPerTask: cpusPerTask,
            timeSeconds: Int(time.seconds), partition: partition, account: account,
            kernels: BLASKernel.identity.lowercased(),
            dataDirectory: absolute(data.path ?? DatasetCatalog.defaultRoot().path),
            executable: absolute(Bundle.main.executablePath ?? CommandLine.arguments[0]), maxRounds: maxRounds)
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent(SlurmCampaign.fileName).path) {
            let existing = try SlurmCampaign.load(dir)
            guard existing.specs == campaign.specs, existing.scale == campaign.scale,
                existing.shards == campaign.shards, existing.kernels == campaign.kernels
            else {
                throw CommandFailure(
                    "\(dir.path): holds another campaign (\(existing.specs.count) specs, scale \(existing.scale), "
                        + "\(existing.shards) shards, kernels \(existing.kernels)); expected the same specs, scale, "
                        + "shards and kernel set, or a new --workdir")
            }
        }
        let (open, undecided, total) = try SlurmCommand.openRuns(campaign)
        try campaign.write(dir)
        let hours = open.map(CostModel.estimatedSeconds).reduce(0, +) / 3600
        let cores = Double(shards * cpusPerTask)
        let stages = undecided.isEmpty ? "" : " plus the later stages of \(undecided.joined(separator: ", "))"
        let wall = String(format: "%.1f", hours / cores)
        print(
            "campaign in \(dir.path): \(open.count) of \(total) runs open, about \(String(format: "%.2f", hours)) "
                + "core-hours\(stages); on \(Int(cores)) cores about \(wall) hours of wall time (a round lasts at most "
                + "\(SlurmCampaign.clock(campaign.timeSeconds))), kernel set \(campaign.kernels)")
        let restarting = open.filter { [.sfo, .lbfgs].contains($0.configuration.kind) }
        let longest = restarting.map(CostModel.estimatedSeconds).max() ?? 0
        if longest > Double(campaign.timeSeconds - SlurmCampaign.stopMargin) {
            print(
                "warning: an SFO or L-BFGS run is estimated at \(Int(longest)) s, longer than a task's time; such runs "
                    + "keep no checkpoint and would start over every round: raise --time")
        }
        if submit {
            let (array, next) = try SlurmCommand.submitRound(dir, round: 1, open: open.count)
            print("submitted round 1: array job \(array), continue job \(next)")
        } else {
            print("submit with:")
            print("  A=$(sbatch --parsable \(dir.path)/task.sh)")
            print("  sbatch --dependency=afterany:$A --kill-on-invalid-dep=yes \(dir.path)/continue.sh")
        }
    }
}

struct SlurmContinueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "continue",
        abstract: "Merge a campaign's shards and submit its next round, or render its report (run by continue.sh).")

    @Argument(help: "The campaign's folder.")
    var workdir: String

    func run() throws {
        let dir = URL(fileURLWithPath: workdir).standardizedFileURL
        let campaign = try SlurmCampaign.load(dir)
        let shards = (1...campaign.shards).map { SlurmCampaign.shardPath(dir, $0) }.filter {
            FileManager.default.fileExists(atPath: $0)
        }
        if !shards.isEmpty {
            let merge = try MergeCommand.parse(["--into", campaign.mergedPath] + shards)
            try merge.run()
        }
        let (open, undecided, total) = try SlurmCommand.openRuns(campaign)
        let rounds = SlurmCommand.rounds(dir)
        if open.isEmpty && undecided.isEmpty {
            let report = try ReportCommand.parse([
                "--db", campaign.mergedPath, "--out", dir.appendingPathComponent("report").path,
            ])
            try report.run()
            try "\(total) runs\n".write(to: dir.appendingPathComponent("COMPLETE"), atomically: true, encoding: .utf8)
            print("campaign complete: \(total) runs in \(campaign.mergedPath); report in \(dir.path)/report")
            return
        }
        if let last = rounds.last, last.open == open.count && undecided.isEmpty {
            throw CommandFailure(
                "round \(last.round) made no progress (\(open.count) runs still open); see `adam-bench slurm status "
                    + "\(dir.path)` for failed runs, fix them and submit the next round with `adam-bench slurm "
                    + "prepare ... --submit`")
        }
        guard rounds.count < campaign.maxRounds else {
            throw CommandFailure(
                "stopped after \(rounds.count) rounds with \(open.count) runs open (max-rounds \(campaign.maxRounds))")
        }
        let round = (rounds.last?.round ?? 0) + 1
        let (array, next) = try SlurmCommand.submitRound(dir, round: round, open: open.count)
        print("\(open.count) runs open: submitted round \(round): array job \(array), continue job \(next)")
    }
}

struct SlurmStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "A campaign's progress: each shard's runs, failures, jobs and ETA.")

    @Argument(help: "The campaign's folder.")
    var workdir: String

    func run() throws {
        let dir = URL(fileURLWithPath: workdir).standardizedFileURL
        let campaign = try SlurmCampaign.load(dir)
        print("shard\tdone\ttotal\trunning\tfailed")
        var failures: [String] = []
        for i in 1...campaign.shards {
            let path = SlurmCampaign.shardPath(dir, i)
            guard FileManager.default.fileExists(atPath: path) else {
                print("\(i)\t-\t-\t-\t-")
                continue
            }
            let runs = try ResultStore(path: path, readOnly: true).runs()
            let done = runs.filter { $0.status == .completed || $0.status == .diverged }.count
            let failed = runs.filter { $0.status == .failed }
            print("\(i)\t\(done)\t\(runs.count)\t\(runs.filter { $0.status == .running }.count)\t\(failed.count)")
            failures += failed.map {
                "shard \(i): \($0.experiment) \($0.label) \($0.settingJSON) seed \($0.seed): \($0.errorText ?? "")"
            }
        }
        for line in failures { print("FAILED  \(line)") }
        let (open, undecided, total) = try SlurmCommand.openRuns(campaign)
        let hours = open.map(CostModel.estimatedSeconds).reduce(0, +) / 3600
        let cores = Double(campaign.shards * campaign.cpusPerTask)
        let complete = FileManager.default.fileExists(atPath: dir.appendingPathComponent("COMPLETE").path)
        print(
            "merged: \(total - open.count) of \(total) runs finished"
                + (undecided.isEmpty ? "" : "; stages to decide: \(undecided.joined(separator: ", "))")
                + (complete
                    ? "; complete, report in \(dir.path)/report"
                    : "; ETA about \(String(format: "%.1f", hours / cores)) h on \(Int(cores)) cores"))
        let rounds = SlurmCommand.rounds(dir)
        guard let last = rounds.last else { return }
        let ids = [last.array, last.next]
        let queue = try? Shell.run("squeue", ["-h", "-j", ids.joined(separator: ","), "-o", "%i %T %M %R"])
        print("round \(last.round): array job \(last.array), continue job \(last.next)")
        for line in (queue?.stdout ?? "").split(separator: "\n") { print("  \(line)") }
    }
}

/// Runs a program found on PATH and captures its output (SLURM's commands: two minutes at most).
enum Shell {
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String)
    {
        do {
            let result = try ChildProcess.run(program, arguments, timeout: 120)
            return (result.status, result.stdout, result.stderr)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
