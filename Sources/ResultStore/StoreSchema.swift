import GRDB

/// The results database's schema, as named GRDB migrations (the history is the schema's version).
/// Documented in docs/STORE.md. A database is ours when its `application_id` is `applicationID`.
enum StoreSchema {
    /// "ADAM" in ASCII.
    static let applicationID: Int32 = 0x4144_414D

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-experiments-runs-metrics-checkpoints") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    CREATE TABLE experiments (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        title TEXT NOT NULL,
                        spec_path TEXT NOT NULL,
                        spec_text TEXT NOT NULL,
                        spec_sha256 TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE TABLE runs (
                        id INTEGER PRIMARY KEY,
                        run_key TEXT NOT NULL UNIQUE,
                        experiment_id INTEGER NOT NULL REFERENCES experiments(id),
                        scale TEXT NOT NULL,
                        label TEXT NOT NULL,
                        optimizer TEXT NOT NULL,
                        setting_json TEXT NOT NULL,
                        conventions_json TEXT NOT NULL,
                        model_json TEXT NOT NULL,
                        data_json TEXT NOT NULL,
                        training_json TEXT NOT NULL,
                        dataset TEXT NOT NULL,
                        dataset_sha256 TEXT NOT NULL,
                        seed INTEGER NOT NULL,
                        epochs_planned INTEGER NOT NULL,
                        estimated_flops REAL NOT NULL,
                        status TEXT NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'running', 'completed', 'diverged', 'failed')),
                        epochs_completed INTEGER NOT NULL DEFAULT 0,
                        steps_completed INTEGER NOT NULL DEFAULT 0,
                        diverged_step INTEGER,
                        last_finite_loss REAL,
                        error_text TEXT,
                        owner TEXT,
                        heartbeat_at REAL,
                        started_at TEXT,
                        finished_at TEXT,
                        train_seconds REAL NOT NULL DEFAULT 0,
                        provenance_json TEXT,
                        notes_json TEXT
                    );
                    CREATE INDEX runs_by_experiment ON runs(experiment_id, status);
                    CREATE TABLE metrics (
                        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        step INTEGER NOT NULL,
                        epoch REAL NOT NULL,
                        value REAL,
                        bits INTEGER NOT NULL,
                        wall_seconds REAL NOT NULL,
                        PRIMARY KEY (run_id, name, step)
                    ) WITHOUT ROWID;
                    CREATE TABLE checkpoints (
                        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                        epoch INTEGER NOT NULL,
                        step INTEGER NOT NULL,
                        parameters BLOB NOT NULL,
                        optimizer_state BLOB NOT NULL,
                        rng_state TEXT NOT NULL,
                        train_seconds REAL NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }
}
