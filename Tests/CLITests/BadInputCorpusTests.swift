import Crypto
import Foundation
import ResultStore
import TestSupport
import Testing

/// Bad input end to end: each case runs the CLI on one bad spec, data file, database, merge, SLURM
/// folder, trace file or option, and expects one clear message naming what was wrong and what was
/// expected, a non-zero exit, no Swift trap, and every database involved unchanged (by SHA-256).
@Suite struct BadInputCorpusTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        /// Added to the command's environment.
        var environment: [String: String] = [:]
        /// Run as a user without privileges (nobody, through `setpriv`, when the tests run as root:
        /// root may write any file, so a read-only file would not be read-only for it).
        var unprivileged = false
        /// Writes the inputs into the folder; returns the arguments and a text the message must hold.
        let setup: @Sendable (URL) throws -> (arguments: [String], message: String)
        var description: String { name }
    }

    static let minimal = """
        name: bad
        data: {dataset: mnist}
        model: {name: logistic-regression}
        training: {epochs: 1, batch-size: 8, seeds: [1], training-subset: 64, test-subset: 64}
        optimizers:
          - {name: sgd, label: SGD, hyperparameters: {lr: [0.1, 0.3]}}

        """

    /// A spec file `name.yaml` in `dir` with `text`; the arguments of `plan` on it.
    static func spec(_ dir: URL, _ text: String, command: String = "plan") throws -> [String] {
        let path = dir.appendingPathComponent("spec.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return [command, path, "--scale", "paper", "--data-dir", RunnerTests.dataFolder]
            + (command == "run" ? ["--db", dir.appendingPathComponent("db.sqlite").path] : [])
    }

    /// A data folder whose MNIST file `file` is replaced by `bytes` (nil: missing; the rest links the real data).
    static func data(_ dir: URL, replacing file: String, with bytes: Data?, directory: Bool = false) throws -> String {
        let data = dir.appendingPathComponent("data/mnist")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let real = URL(fileURLWithPath: RunnerTests.dataFolder).appendingPathComponent("mnist")
        for name in [
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
        ] where name != file {
            try FileManager.default.createSymbolicLink(
                at: data.appendingPathComponent(name), withDestinationURL: real.appendingPathComponent(name))
        }
        if directory {
            try FileManager.default.createDirectory(
                at: data.appendingPathComponent(file), withIntermediateDirectories: true)
        } else if let bytes {
            try bytes.write(to: data.appendingPathComponent(file))
        }
        return dir.appendingPathComponent("data").path
    }

    static func realLabels() throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: RunnerTests.dataFolder).appendingPathComponent(
                "mnist/t10k-labels-idx1-ubyte"))
    }

    /// A run of a small spec with a real database, for the database and merge cases.
    static func recordedDatabase(_ dir: URL, name: String = "db.sqlite", spec text: String = minimal) throws -> String {
        let args = try spec(dir, text, command: "run")
        let db = dir.appendingPathComponent(name).path
        let out = try AdamBenchExecutable.run(Array(args.dropLast(2)) + ["--db", db])
        guard out.status == 0 else { throw CommandFailureInTest("setup run failed: \(out.stderr)") }
        return db
    }

    static func runSpec(_ dir: URL, db: String) -> [String] {
        [
            "run", dir.appendingPathComponent("spec.yaml").path, "--db", db, "--scale", "paper", "--data-dir",
            RunnerTests.dataFolder,
        ]
    }

    /// Starts a process that takes `db`'s write lock (BEGIN EXCLUSIVE) and holds it for `seconds`;
    /// returns once it holds it.
    static func holdWriteLock(_ db: String, seconds: Int) throws {
        let held = db + ".held"
        let script =
            "import sqlite3, time, pathlib; c = sqlite3.connect('\(db)', isolation_level=None); "
            + "c.execute('BEGIN EXCLUSIVE'); pathlib.Path('\(held)').touch(); time.sleep(\(seconds))"
        let wait = "i=0; while [ ! -e '\(held)' ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done"
        _ = try Shell.run("sh", ["-c", "python3 -c \"\(script)\" >/dev/null 2>&1 & \(wait)"])
        guard FileManager.default.fileExists(atPath: held) else {
            throw CommandFailureInTest("the lock holder did not start")
        }
    }

    static func trace(_ dir: URL, _ text: String) throws -> [String] {
        let path = dir.appendingPathComponent("trace.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return ["trace", path]
    }

    static let cases: [Case] = [
        // Specs.
        Case(name: "spec: not YAML") { try (spec($0, "name: [bad\n"), "not valid YAML") },
        Case(name: "spec: empty") { try (spec($0, ""), "the spec is empty") },
        Case(name: "spec: missing file") {
            (["plan", $0.appendingPathComponent("none.yaml").path], "none.yaml:1:1: cannot read the spec file")
        },
        Case(name: "spec: a word for a number") {
            try (spec($0, minimal.replacingOccurrences(of: "epochs: 1", with: "epochs: ten")), "training.epochs")
        },
        Case(name: "spec: out of range") {
            try (
                spec($0, minimal.replacingOccurrences(of: "batch-size: 8", with: "batch-size: 0")),
                "training.batch-size"
            )
        },
        Case(name: "spec: unknown optimizer") {
            try (spec($0, minimal.replacingOccurrences(of: "name: sgd", with: "name: sgdd")), "optimizers[0].name")
        },
        Case(name: "spec: unknown field") {
            try (spec($0, minimal + "\nselecton: {metric: train_loss}\n"), "selecton: unknown field")
        },
        Case(name: "spec: unknown hyperparameter") {
            try (spec($0, minimal.replacingOccurrences(of: "lr:", with: "rate:")), "rate: unknown hyperparameter")
        },
        Case(name: "spec: duplicate labels") {
            try (spec($0, minimal + "  - {name: adam, label: SGD}\n"), "duplicate optimizer label 'SGD'")
        },
        Case(name: "spec: empty grid") {
            try (spec($0, minimal.replacingOccurrences(of: "[0.1, 0.3]", with: "[]")), "lr: empty grid")
        },
        Case(name: "spec: claim names an unknown label") {
            try (
                spec(
                    $0,
                    minimal
                        + "claims:\n  - {id: c, statement: s, relation: better, subject: SGD, versus: [Adam]}\n"),
                "no optimizer labelled 'Adam'"
            )
        },
        Case(name: "spec: scale names an unknown optimizer") {
            try (spec($0, minimal + "scales: {quick: {optimizers: [Adam]}}\n"), "no optimizer labelled 'Adam'")
        },
        Case(name: "spec: tuning extends an unknown axis") {
            try (
                spec($0, minimal + "tuning: {extend: [momentum]}\n"),
                "tuning.extend: no optimizer has a hyperparameter 'momentum'"
            )
        },
        Case(name: "spec: paper values for an unknown label") {
            try (
                spec(
                    $0,
                    minimal.replacingOccurrences(
                        of: "name: bad\n", with: "name: bad\npaper: {values: {Adam: [[1, 0.3]]}}\n")),
                "paper.values.Adam: no optimizer labelled 'Adam'"
            )
        },
        Case(name: "spec: two specs with one name") {
            let a = try spec($0, minimal)[1]
            let b = $0.appendingPathComponent("copy.yaml").path
            try FileManager.default.copyItem(atPath: a, toPath: b)
            return (["plan", a, b, "--data-dir", RunnerTests.dataFolder], "name 'bad' is also the name of")
        },
        Case(name: "spec: unknown scale") {
            var args = try spec($0, minimal)
            args[3] = "huge"
            return (args, "scale 'huge' is not defined")
        },
        // Data files.
        Case(name: "data: a file missing") {
            let data = try data($0, replacing: "t10k-labels-idx1-ubyte", with: nil)
            return (
                try spec($0, minimal, command: "run").dropLast(4) + [
                    "--data-dir", data, "--db", $0.appendingPathComponent("d.sqlite").path,
                ], "t10k-labels-idx1-ubyte: file is missing"
            )
        },
        Case(name: "data: truncated") {
            let data = try data($0, replacing: "t10k-labels-idx1-ubyte", with: try realLabels().prefix(100))
            return (
                try spec($0, minimal, command: "run").dropLast(4) + [
                    "--data-dir", data, "--db", $0.appendingPathComponent("d.sqlite").path,
                ], "t10k-labels-idx1-ubyte"
            )
        },
        Case(name: "data: wrong magic") {
            var bytes = try realLabels()
            bytes[2] = 0x0F
            let data = try data($0, replacing: "t10k-labels-idx1-ubyte", with: bytes)
            return (
                try spec($0, minimal, command: "run").dropLast(4) + [
                    "--data-dir", data, "--db", $0.appendingPathComponent("d.sqlite").path,
                ], "t10k-labels-idx1-ubyte"
            )
        },
        Case(name: "data: checksum mismatch") {
            var bytes = try realLabels()
            bytes[100] ^= 1
            let data = try data($0, replacing: "t10k-labels-idx1-ubyte", with: bytes)
            return (
                try spec($0, minimal, command: "run").dropLast(4) + [
                    "--data-dir", data, "--db", $0.appendingPathComponent("d.sqlite").path,
                ], "checksum mismatch"
            )
        },
        Case(name: "data: a directory where a file should be") {
            let data = try data($0, replacing: "t10k-labels-idx1-ubyte", with: nil, directory: true)
            return (
                try spec($0, minimal, command: "run").dropLast(4) + [
                    "--data-dir", data, "--db", $0.appendingPathComponent("d.sqlite").path,
                ], "t10k-labels-idx1-ubyte: is a folder; expected the dataset's file"
            )
        },
        Case(name: "data: verify a missing folder") {
            (["data", "verify", "--data-dir", $0.appendingPathComponent("nowhere").path], "nowhere")
        },
        // Databases.
        Case(name: "db: not SQLite") {
            let db = $0.appendingPathComponent("notes.sqlite").path
            try "precious notes".write(toFile: db, atomically: true, encoding: .utf8)
            _ = try spec($0, minimal)
            return (runSpec($0, db: db), "not a SQLite database")
        },
        Case(name: "db: truncated") {
            let db = try recordedDatabase($0)
            let cut = $0.appendingPathComponent("cut.sqlite").path
            try Data(contentsOf: URL(fileURLWithPath: db)).prefix(3000).write(to: URL(fileURLWithPath: cut))
            return (["report", "--db", cut, "--out", $0.appendingPathComponent("r").path], "cut.sqlite")
        },
        Case(name: "db: another application's SQLite file") {
            let db = $0.appendingPathComponent("other.sqlite").path
            try SQLiteFile.execute("CREATE TABLE t(x); PRAGMA application_id = 42", at: db)
            _ = try spec($0, minimal)
            return (runSpec($0, db: db), "other.sqlite")
        },
        Case(name: "db: a newer schema") {
            let db = try recordedDatabase($0)
            try SQLiteFile.execute("INSERT INTO grdb_migrations VALUES ('v99-from-the-future')", at: db)
            return (runSpec($0, db: db), "written by a newer AdamBench")
        },
        Case(name: "db: another process holds the write lock for long", environment: ["ADAMBENCH_BUSY_TIMEOUT": "1"]) {
            let db = try recordedDatabase($0)
            try holdWriteLock(db, seconds: 30)
            return (runSpec($0, db: db), "another process has held the database's write lock for over 1 s")
        },
        Case(name: "db: a read-only file, for a user who may not write it", unprivileged: true) {
            let db = try recordedDatabase($0)
            guard chmod(db, 0o444) == 0 else { throw CommandFailureInTest("chmod \(db)") }
            return (runSpec($0, db: db), "may not write the database")
        },
        Case(name: "db: a folder its user may not write", unprivileged: true) {
            let folder = $0.appendingPathComponent("archive")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let db = try recordedDatabase($0, name: "archive/db.sqlite")
            // The file is writable by all: only the folder is in the way.
            guard chmod(db, 0o666) == 0, chmod(folder.path, 0o555) == 0 else {
                throw CommandFailureInTest("chmod \(folder.path)")
            }
            return (runSpec($0, db: db), "may not write the folder")
        },
        Case(name: "db: a busy timeout that is not a number", environment: ["ADAMBENCH_BUSY_TIMEOUT": "soon"]) {
            _ = try spec($0, minimal)
            return (
                runSpec($0, db: $0.appendingPathComponent("b.sqlite").path),
                "ADAMBENCH_BUSY_TIMEOUT=soon: expected a positive number of seconds"
            )
        },
        Case(name: "db: report on a database that holds no runs (copied without its -wal)") {
            let db = $0.appendingPathComponent("copy.sqlite").path
            try ResultStore(path: db).checkpointIfLastWriter()  // the schema alone: what such a copy holds
            return (["report", "--db", db, "--out", $0.appendingPathComponent("r").path], "copy.sqlite: holds no runs")
        },
        Case(name: "db: report on a missing database") {
            (["report", "--db", $0.appendingPathComponent("none.sqlite").path], "none.sqlite: no such database")
        },
        Case(name: "db: plan on a missing database") {
            var args = try spec($0, minimal)
            args += ["--db", $0.appendingPathComponent("none.sqlite").path]
            return (args, "none.sqlite: no such database")
        },
        Case(name: "db: a folder that does not exist") {
            _ = try spec($0, minimal)
            return (runSpec($0, db: "/nonexistent-folder/r.sqlite"), "the folder /nonexistent-folder does not exist")
        },
        Case(name: "db: compare with a text file") {
            let db = try recordedDatabase($0)
            let notes = $0.appendingPathComponent("notes.txt").path
            try "notes".write(toFile: notes, atomically: true, encoding: .utf8)
            return (["compare", db, notes], "notes.txt")
        },
        // Merges.
        Case(name: "merge: a shard of another campaign (another spec under the same name)") {
            let a = try recordedDatabase($0, name: "a.sqlite")
            let b = try recordedDatabase(
                $0, name: "b.sqlite", spec: minimal.replacingOccurrences(of: "[0.1, 0.3]", with: "[0.1, 1.0]"))
            return (
                ["merge", "--into", $0.appendingPathComponent("m.sqlite").path, a, b], "its spec text differs between"
            )
        },
        Case(name: "merge: into a text file") {
            let a = try recordedDatabase($0, name: "a.sqlite")
            let notes = $0.appendingPathComponent("notes.sqlite").path
            try "precious".write(toFile: notes, atomically: true, encoding: .utf8)
            return (["merge", "--into", notes, a], "not a SQLite database")
        },
        Case(name: "merge: no shards") { (["merge", "--into", $0.appendingPathComponent("m.sqlite").path], "shard") },
        // SLURM work folders.
        Case(name: "slurm: status of a missing folder") {
            (["slurm", "status", $0.appendingPathComponent("none").path], "no campaign here")
        },
        Case(name: "slurm: a foreign campaign file") {
            let dir = $0.appendingPathComponent("camp")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try "{\"not\": \"a campaign\"}".write(
                to: dir.appendingPathComponent("campaign.json"), atomically: true, encoding: .utf8)
            return (["slurm", "continue", dir.path], "not a campaign file")
        },
        Case(name: "slurm: zero shards") {
            let args = try spec($0, minimal)
            return (["slurm", args[1], "--shards", "0", "--workdir", $0.appendingPathComponent("c").path], "--shards")
        },
        // Trace files.
        Case(name: "trace: ragged vectors") {
            try (
                trace(
                    $0,
                    #"{"cases": [{"id": "r", "optimizer": "adam", "hyperparameters": {}, "initial": [1, 2], "gradients": [[1, 2], [1]]}]}"#
                ),
                "case 'r', field 'gradients[1]': has 1 values, expected 2"
            )
        },
        Case(name: "trace: unknown optimizer") {
            try (
                trace(
                    $0,
                    #"{"cases": [{"id": "u", "optimizer": "adamm", "hyperparameters": {}, "initial": [1], "gradients": [[1]]}]}"#
                ),
                "case 'u', field 'optimizer'"
            )
        },
        Case(name: "trace: unknown field") {
            try (
                trace(
                    $0,
                    #"{"cases": [{"id": "f", "optimizer": "sgd", "hyperparameters": {"rate": 1}, "initial": [1], "gradients": [[1]]}]}"#
                ),
                "case 'f', field 'hyperparameters.rate'"
            )
        },
        Case(name: "trace: tensor shapes that do not partition the vector") {
            try (
                trace(
                    $0,
                    #"{"cases": [{"id": "t", "optimizer": "adafactor", "hyperparameters": {}, "tensors": [[2, 2]], "initial": [1, 2, 3], "gradients": [[1, 1, 1]]}]}"#
                ),
                "case 't', field 'tensors': the shapes hold 4 values, expected 3"
            )
        },
        Case(name: "trace: not JSON") { try (trace($0, "{cases"), "trace.json") },
        // Options.
        Case(name: "option: --jobs 0") {
            _ = try spec($0, minimal)
            return (runSpec($0, db: $0.appendingPathComponent("j.sqlite").path) + ["--jobs", "0"], "--jobs")
        },
        Case(name: "option: --shard 3/2") {
            _ = try spec($0, minimal)
            return (runSpec($0, db: $0.appendingPathComponent("s.sqlite").path) + ["--shard", "3/2"], "--shard")
        },
        Case(name: "option: --time-limit 0") {
            _ = try spec($0, minimal)
            return (
                runSpec($0, db: $0.appendingPathComponent("t.sqlite").path) + ["--time-limit", "0"], "--time-limit"
            )
        },
        Case(name: "option: --outcomes missing") {
            _ = try spec($0, minimal)
            return (
                runSpec($0, db: $0.appendingPathComponent("o.sqlite").path) + [
                    "--outcomes", $0.appendingPathComponent("m.sqlite").path,
                ],
                "m.sqlite: no such database"
            )
        },
    ]

    @Test func theCorpusHasAtLeastFortyCases() { #expect(Self.cases.count >= 40) }

    @Test(arguments: cases)
    func oneClearMessageANonZeroExitAndNothingChanged(_ c: Case) throws {
        let dir = try temporaryDirectory()
        let (arguments, message) = try c.setup(dir)
        let before = try Self.databaseHashes(dir)
        let out =
            c.unprivileged
            ? try Unprivileged.run(arguments, environment: c.environment)
            : try AdamBenchExecutable.run(arguments, environment: c.environment)
        #expect(out.status != 0, "\(c.name): exit 0\n\(out.stdout)")
        // A trap ends the process by a signal (SIGILL 4, SIGTRAP 5) and prints "Fatal error".
        #expect(
            out.status != 132 && out.status != 133 && !out.stderr.contains("Fatal error"), "\(c.name): \(out.stderr)")
        #expect(out.stderr.contains(message), "\(c.name): expected '\(message)' in:\n\(out.stderr)")
        let after = try Self.databaseHashes(dir).filter { before[$0.key] != nil }
        #expect(after == before, "\(c.name): a database changed")
    }

    /// SHA-256 of every database file that existed before the command (the ones it might harm).
    static func databaseHashes(_ dir: URL) throws -> [String: String] {
        var hashes: [String: String] = [:]
        let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".sqlite") {
            let data = try Data(contentsOf: dir.appendingPathComponent(file))
            hashes[file] = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        }
        return hashes
    }
}

struct CommandFailureInTest: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
