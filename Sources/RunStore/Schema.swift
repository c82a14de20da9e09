import GRDB

/// The schema is a public interface (docs/schema.md). Migrations are named
/// and append-only: never edit one that has shipped; add the next.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-runs-epochs-samples-events") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    id TEXT PRIMARY KEY NOT NULL,
                    study TEXT,
                    arm TEXT,
                    label TEXT,
                    algorithm TEXT NOT NULL,
                    dataset TEXT,
                    layers TEXT,
                    batch_size INTEGER,
                    epochs INTEGER,
                    seed INTEGER,
                    status TEXT NOT NULL CHECK (status IN ('running','completed','failed','interrupted','diverged')),
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    parameter_count INTEGER,
                    config_json TEXT,
                    host_json TEXT,
                    hostname TEXT,
                    pid INTEGER,
                    heartbeat_at TEXT,
                    command TEXT,
                    exit_status INTEGER,
                    sample_interval REAL,
                    message TEXT
                );
                CREATE INDEX runs_by_study ON runs(study, arm, seed);
                CREATE TABLE epochs (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    epoch INTEGER NOT NULL,
                    train_loss REAL,
                    train_error REAL,
                    test_error REAL,
                    test_error_goodness REAL,
                    test_error_softmax REAL,
                    train_seconds REAL,
                    eval_seconds REAL,
                    peak_rss_bytes INTEGER,
                    peak_tensor_bytes INTEGER,
                    peak_activation_bytes INTEGER,
                    learning_rate REAL,
                    PRIMARY KEY (run_id, epoch)
                );
                CREATE TABLE samples (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    t REAL NOT NULL,
                    metric TEXT NOT NULL,
                    value REAL NOT NULL
                );
                CREATE INDEX samples_by_run_metric_t ON samples(run_id, metric, t);
                CREATE TABLE events (
                    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                    t REAL NOT NULL,
                    kind TEXT NOT NULL,
                    message TEXT NOT NULL
                );
                CREATE INDEX events_by_run ON events(run_id, t);
                """)
        }
        // Issue 12: arms described like native runs, validation error per
        // epoch, and each study's analysis plan declared before it runs.
        m.registerMigration("v2-framework-validation-studies") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN framework TEXT;
                ALTER TABLE epochs ADD COLUMN validation_error REAL;
                CREATE TABLE studies (
                    name TEXT PRIMARY KEY NOT NULL,
                    baseline TEXT,
                    target_error REAL,
                    equivalence_margin REAL,
                    pilot_cv REAL,
                    smallest_effect REAL,
                    spec_json TEXT NOT NULL,
                    declared_at TEXT NOT NULL
                );
                """)
        }
        // Issue 21: what disturbed each epoch's timing, its CPU time and
        // energy; the study's quiet canary reference and quiet check; runs
        // superseded by a retimed rerun.
        m.registerMigration("v3-disturbance-energy") { db in
            try db.execute(sql: """
                ALTER TABLE epochs ADD COLUMN cpu_seconds REAL;
                ALTER TABLE epochs ADD COLUMN other_cpu_share REAL;
                ALTER TABLE epochs ADD COLUMN canary_seconds REAL;
                ALTER TABLE epochs ADD COLUMN energy_joules REAL;
                ALTER TABLE runs ADD COLUMN superseded_by TEXT;
                ALTER TABLE studies ADD COLUMN canary_reference_seconds REAL;
                ALTER TABLE studies ADD COLUMN quiet_json TEXT;
                """)
        }
        // Issue 22: what PyTorch's CUDA allocator held at its peak, per epoch.
        m.registerMigration("v4-cuda-memory") { db in
            try db.execute(sql: """
                ALTER TABLE epochs ADD COLUMN cuda_max_allocated_bytes INTEGER;
                ALTER TABLE epochs ADD COLUMN cuda_max_reserved_bytes INTEGER;
                """)
        }
        return m
    }
}
