import ChildProcess
import DeterministicRandom
import Foundation
import ResultStore
import Testing

/// The kill soak (`make soak`; in `make test` at its default size): `adam-bench run` and
/// `adam-bench merge` killed with SIGKILL at seeded random moments, over database after database,
/// alone, beside a second process on the same database, and during merges. After each database is
/// finished by the same commands, its curves must be bit-identical to an uninterrupted run's and hold
/// as many metric points: nothing lost, nothing duplicated, no failure.
///
/// `ADAMBENCH_SOAK_KILLS` (default 20) kills must land, i.e. end a process that was still working;
/// `ADAMBENCH_SOAK_SEED` (default 2015) draws the moments.
@Suite(.serialized) struct KillSoakTests {
    static let environment = ProcessInfo.processInfo.environment
    static let kills = environment["ADAMBENCH_SOAK_KILLS"].flatMap { Int($0) } ?? 20
    static let seed = environment["ADAMBENCH_SOAK_SEED"].flatMap { UInt64($0) } ?? 2015

    /// Where a soak round's processes work.
    enum Mode: String, CaseIterable {
        /// One `run --jobs 2`.
        case alone
        /// Two `run` processes on the same database, each killed at its own moment.
        case beside
        /// `merge` of two finished shard databases into a new one.
        case merge
    }

    /// What one database's rounds did.
    struct Tally {
        var kills = 0
        var rounds = 0
    }

    @Test func curvesSurviveSIGKILLsAtRandomMoments() throws {
        let dir = try temporaryDirectory()
        // The runs: six (two optimizers, three settings, two seeds), about a second of work on two cores.
        let spec = try RunnerTests.writeSpec(
            dir, name: "soak", epochs: 6, subset: 4096, optimizers: RunnerTests.twoOptimizers,
            tuning: "tuning: {max-extensions: 0}")
        let soak = Soak(spec: spec, dir: dir)
        let reference = dir.appendingPathComponent("reference.sqlite").path
        let start = Date()
        #expect(try soak.run(reference).status == 0)
        let runSeconds = Date().timeIntervalSince(start)
        // The merges' shards: twelve runs logging every step (a merge of about 0.1 s of work).
        let shardSpec = try RunnerTests.writeSpec(
            dir, name: "soak-merge", epochs: 6, subset: 4096, optimizers: RunnerTests.twoOptimizers,
            seeds: "[1, 2, 3, 4]", logEvery: 1, tuning: "tuning: {max-extensions: 0}")
        let shards = try (1...2).map { index in
            let path = dir.appendingPathComponent("shard-\(index).sqlite").path
            let out = try Soak(spec: shardSpec, dir: dir).run(path, extra: ["--shard", "\(index)/2", "--jobs", "2"])
            #expect(out.status == 0, "\(out.stderr)")
            return path
        }
        let merged = dir.appendingPathComponent("merged.sqlite").path
        let mergeStart = Date()
        #expect(try soak.merge(into: merged, shards).status == 0)
        var mergeSeconds = Date().timeIntervalSince(mergeStart)
        var expected: [Mode: (curves: [String: String], points: [String: Int])] = [:]
        for mode in Mode.allCases {
            let db = mode == .merge ? merged : reference
            expected[mode] = (try finishedCurves(db), try soak.pointCounts(db))
        }
        #expect(expected[.alone]?.curves.count == 6 && expected[.merge]?.curves.count == 12)

        print("kill soak: seed \(Self.seed) (ADAMBENCH_SOAK_SEED repeats it), \(Self.kills) kills to land")
        var random = Xoshiro256(seed: Self.seed, stream: "kill soak")
        var byMode: [Mode: Tally] = [:]
        var databases = 0
        // Until enough kills have landed, in every mode (a merge is short: its kills land less often).
        func enough() -> Bool {
            byMode.values.map(\.kills).reduce(0, +) >= Self.kills
                && Mode.allCases.allSatisfy { byMode[$0]?.kills ?? 0 > 0 }
        }
        while !enough() && databases < 10 * Self.kills {
            let mode = Mode.allCases[databases % Mode.allCases.count]
            databases += 1
            let db = dir.appendingPathComponent("soak-\(databases)-\(mode.rawValue).sqlite").path
            var tally = byMode[mode] ?? Tally()
            var finished = false
            for _ in 0..<30 {
                tally.rounds += 1
                let result: Soak.Round
                switch mode {
                case .alone:
                    result = try soak.round([{ try soak.start(db, jobs: 2) }], within: runSeconds, &random)
                case .beside:
                    result = try soak.round(
                        [{ try soak.start(db, jobs: 1) }, { try soak.start(db, jobs: 1) }], within: 2 * runSeconds,
                        &random)
                case .merge:
                    // Late enough to land in the merge's work rather than the program's start; a merge
                    // that ended first sets the window to its duration under the machine's load now.
                    result = try soak.round(
                        [{ try soak.startMerge(into: db, shards) }], within: mergeSeconds, from: 0.35, &random)
                    if result.landed == 0, let seconds = result.finishedIn { mergeSeconds = seconds }
                }
                tally.kills += result.landed
                if result.landed == 0 {
                    finished = true
                    break
                }
            }
            if !finished {
                // Every round was killed (under load a merge can outlast its window each time): the
                // same command, uninterrupted, finishes the database before it is compared.
                let out = try mode == .merge ? soak.merge(into: db, shards) : soak.run(db)
                #expect(out.status == 0, "\(db): finishing after \(tally.rounds) killed rounds: \(out.stderr)")
            }
            byMode[mode] = tally
            #expect(
                try finishedCurves(db) == expected[mode]?.curves, "\(db): curves differ from the uninterrupted ones")
            #expect(try soak.pointCounts(db) == expected[mode]?.points, "\(db): metric point counts differ")
        }
        let summary = Mode.allCases.map { "\($0.rawValue) \(byMode[$0]?.kills ?? 0) kills" }.joined(separator: ", ")
        print("kill soak (seed \(Self.seed)): \(databases) databases; \(summary)")
        #expect(byMode.values.map(\.kills).reduce(0, +) >= Self.kills, "\(summary)")
        #expect(Mode.allCases.allSatisfy { (byMode[$0]?.kills ?? 0) > 0 }, "every mode was killed: \(summary)")
    }
}

/// The soak's commands on one spec.
struct Soak {
    let spec: String
    let dir: URL

    var runArguments: [String] { [spec, "--scale", "paper", "--data-dir", RunnerTests.dataFolder] }

    func run(_ db: String, extra: [String] = []) throws -> CommandLineRun {
        try AdamBenchExecutable.run(["run"] + runArguments + ["--db", db] + extra)
    }

    func merge(into db: String, _ shards: [String]) throws -> CommandLineRun {
        try AdamBenchExecutable.run(["merge", "--into", db] + shards)
    }

    func start(_ db: String, jobs: Int) throws -> Started {
        try spawn(["run"] + runArguments + ["--db", db, "--jobs", "\(jobs)"])
    }

    func startMerge(into db: String, _ shards: [String]) throws -> Started {
        try spawn(["merge", "--into", db] + shards)
    }

    /// A started command and the file its standard error goes to.
    struct Started {
        let process: ChildProcess
        let stderr: String
    }

    func spawn(_ arguments: [String]) throws -> Started {
        let stderr = dir.appendingPathComponent("stderr-\(UUID())").path
        let process = try ChildProcess.spawn(AdamBenchExecutable.url.path, arguments, stderr: .file(stderr))
        return Started(process: process, stderr: stderr)
    }

    /// What a round did: the kills that landed (ended a process still working), and when the last
    /// process that ended by itself did (seconds from the start).
    struct Round {
        var landed = 0
        var finishedIn: Double?
    }

    /// Starts the processes together and kills each at its own moment, drawn uniformly in
    /// [`from` x `seconds`, `seconds`]. A process that ends by itself must succeed.
    func round(
        _ starts: [() throws -> Started], within seconds: Double, from low: Double = 0,
        _ random: inout Xoshiro256
    ) throws -> Round {
        let processes = try starts.map { try $0() }
        let began = Date()
        let moments = processes.map { _ in seconds * (low + (1 - low) * random.nextUnit()) }
        var result = Round()
        for (started, moment) in zip(processes, moments).sorted(by: { $0.1 < $1.1 }) {
            let process = started.process
            let left = moment - Date().timeIntervalSince(began)
            var end = process.wait(timeout: max(0, left))
            if end == nil {
                process.signal(SIGKILL)
                end = process.wait(timeout: childTimeout)
            }
            if end?.signal == SIGKILL {
                result.landed += 1
            } else {
                result.finishedIn = Date().timeIntervalSince(began)
                let stderr = (try? String(contentsOfFile: started.stderr, encoding: .utf8)) ?? ""
                #expect(end?.status == 0, "\(process.command) ended with \(String(describing: end)):\n\(stderr)")
            }
        }
        return result
    }

    /// Metric points by run key.
    func pointCounts(_ db: String) throws -> [String: Int] {
        let store = try ResultStore(path: db, readOnly: true)
        var counts: [String: Int] = [:]
        for run in try store.runs() { counts[run.key] = try store.metrics(runID: run.id).count }
        return counts
    }
}
