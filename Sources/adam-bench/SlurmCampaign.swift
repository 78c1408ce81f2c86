import Foundation

/// A SLURM campaign's folder and settings (`DIR/campaign.json`), and the two batch scripts it runs:
/// `task.sh`, an array job with one task per shard (`adam-bench run --shard I/N`, the merged
/// database's finished runs as `--outcomes`), and `continue.sh`, the job that runs after every task of
/// a round has ended (`afterany`), merges the shards and submits the next round while runs or stages
/// are left, up to `maxRounds`, then renders the report.
///
/// Layout: `shards/shard-I.sqlite` (each written by one task at a time, never a shared file),
/// `merged.sqlite`, `logs/`, `jobs.tsv` (round, array job id, continue job id), `report/`, and
/// `COMPLETE` once nothing is left.
struct SlurmCampaign: Codable, Equatable {
    /// The campaign's folder (absolute).
    var folder: String
    var specs: [String]
    var scale: String
    var shards: Int
    var cpusPerTask: Int
    /// Each task's time limit (SLURM's `--time`), in seconds.
    var timeSeconds: Int
    var partition: String?
    var account: String?
    /// The OpenBLAS kernel set every task must compute with (`--expect-kernels`).
    var kernels: String
    var dataDirectory: String
    var executable: String
    var maxRounds: Int

    static let fileName = "campaign.json"
    /// Seconds a task keeps for stopping cleanly and writing its database before SLURM's limit.
    static let stopMargin = 120

    static func load(_ dir: URL) throws -> SlurmCampaign {
        let url = dir.appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: url) else {
            throw CommandFailure("\(url.path): no campaign here; expected a folder written by `adam-bench slurm`")
        }
        do { return try JSONDecoder().decode(SlurmCampaign.self, from: data) } catch {
            throw CommandFailure("\(url.path): not a campaign file (\(error))")
        }
    }

    func save(_ dir: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: dir.appendingPathComponent(Self.fileName))
    }

    static func shardPath(_ dir: URL, _ i: Int) -> String {
        dir.appendingPathComponent("shards/shard-\(i).sqlite").path
    }

    /// `HH:MM:SS` for SLURM.
    static func clock(_ seconds: Int) -> String {
        String(format: "%02d:%02d:%02d", seconds / 3600, seconds % 3600 / 60, seconds % 60)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func header(_ dir: URL, name: String, output: String) -> [String] {
        var lines = [
            "#!/bin/bash", "#SBATCH --job-name=\(name)", "#SBATCH --output=\(dir.path)/logs/\(output)",
            "#SBATCH --open-mode=append",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account { lines.append("#SBATCH --account=\(account)") }
        return lines
    }

    /// The array job: task I runs shard I/N for at most the task's time less the stop margin; exit
    /// 75 (the time limit left runs) ends the task normally, and the continue job submits another round.
    func taskScript(_ dir: URL) -> String {
        let limit = max(60, timeSeconds - Self.stopMargin)
        let run =
            [
                Self.quote(executable), "run",
            ] + specs.map(Self.quote) + [
                "--scale", Self.quote(scale), "--db", "\"$DIR/shards/shard-$I.sqlite\"", "--shard", "\"$I/\(shards)\"",
                "$OUTCOMES", "--jobs", "\"${SLURM_CPUS_PER_TASK:-\(cpusPerTask)}\"", "--time-limit", "\(limit)",
                "--expect-kernels", Self.quote(kernels), "--data-dir", Self.quote(dataDirectory),
            ]
        return
            (header(dir, name: "adambench-shards", output: "task-%A_%a.out") + [
                "#SBATCH --array=1-\(shards)", "#SBATCH --cpus-per-task=\(cpusPerTask)", "#SBATCH --ntasks=1",
                "#SBATCH --time=\(Self.clock(timeSeconds))",
                "# One shard of an AdamBench campaign (written by `adam-bench slurm`; see docs/CLUSTER.md).",
                "set -u", "DIR=\(Self.quote(dir.path))", "I=$SLURM_ARRAY_TASK_ID",
                "OUTCOMES=\"\"; [ -f \"$DIR/merged.sqlite\" ] && OUTCOMES=\"--outcomes $DIR/merged.sqlite\"",
                "echo \"shard $I/\(shards) on $(hostname) at $(date -u +%FT%TZ)\"",
                run.joined(separator: " "), "status=$?",
                "# 75: the time limit left runs; they resume in the next round.",
                "if [ $status -eq 75 ]; then exit 0; fi", "exit $status",
            ]).joined(separator: "\n") + "\n"
    }

    /// The job after each round: merge, then the next round or the report.
    func continueScript(_ dir: URL) -> String {
        (header(dir, name: "adambench-continue", output: "continue-%j.out") + [
            "#SBATCH --cpus-per-task=1", "#SBATCH --ntasks=1", "#SBATCH --time=01:00:00",
            "# Merges an AdamBench campaign's shards and submits its next round (written by `adam-bench slurm`).",
            "exec \(Self.quote(executable)) slurm continue \(Self.quote(dir.path))",
        ]).joined(separator: "\n") + "\n"
    }

    /// Writes the folder's files (keeping shards and merged results already there).
    func write(_ dir: URL) throws {
        for sub in ["shards", "logs"] {
            try FileManager.default.createDirectory(
                at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try save(dir)
        for (name, text) in [("task.sh", taskScript(dir)), ("continue.sh", continueScript(dir))] {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
    }
}
