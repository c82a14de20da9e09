import Foundation
import Synchronization
import GRDB
import Testing
@testable import RunStore

func temporaryPath(_ name: String, _ label: String = #function) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-store-\(label.filter(\.isLetter))-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

func sampleRun(study: String = "s", arm: String = "ff", seed: Int64 = 1) -> RunRecord {
    RunRecord(study: study, arm: arm, algorithm: "ff", dataset: "mnist", layers: "2x10", batchSize: 10, epochs: 1,
              seed: seed, hostname: ProcessInfo.processInfo.hostName, pid: Int(getpid()))
}

@Suite struct RunStoreTests {
    @Test func schemaHasTheDocumentedTablesColumnsAndIndex() throws {
        let store = try RunStore.open(temporaryPath("a.sqlite"))
        let columns: [String: [String]] = try store.read { db in
            var out: [String: [String]] = [:]
            for table in ["runs", "epochs", "samples", "events"] {
                out[table] = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
            }
            return out
        }
        let required: [String: [String]] = [
            "runs": ["id", "study", "arm", "algorithm", "dataset", "layers", "batch_size", "epochs", "seed", "status",
                     "started_at", "finished_at", "parameter_count", "config_json", "host_json"],
            "epochs": ["run_id", "epoch", "train_loss", "train_error", "test_error", "train_seconds", "eval_seconds",
                       "peak_rss_bytes", "peak_tensor_bytes"],
            "samples": ["run_id", "t", "metric", "value"],
            "events": ["run_id", "t", "kind", "message"],
        ]
        for (table, names) in required {
            for name in names { #expect(columns[table]?.contains(name) == true, "\(table).\(name)") }
        }
        let indexColumns: [String] = try store.read { db in
            try Row.fetchAll(db, sql: "PRAGMA index_info(samples_by_run_metric_t)").map { $0["name"] as String }
        }
        #expect(indexColumns == ["run_id", "metric", "t"])
        let mode: String? = try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    /// A database written before migration v3 (no disturbance or energy
    /// columns) reads as it is, untouched, with those fields absent.
    @Test func aVersion2DatabaseReadsWithTheDisturbanceFieldsMissing() throws {
        let path = temporaryPath("v2.sqlite")
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v2-framework-validation-studies")
        let run = sampleRun()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (id, study, arm, algorithm, status, started_at) VALUES (?, 's', 'ff', 'ff', 'completed', ?)",
                           arguments: [run.id, Timestamp.now()])
            try db.execute(sql: "INSERT INTO epochs (run_id, epoch, train_seconds) VALUES (?, 1, 2.5)", arguments: [run.id])
            try db.execute(sql: "INSERT INTO studies (name, spec_json, declared_at) VALUES ('s', '{}', ?)", arguments: [Timestamp.now()])
        }
        try queue.close()
        var epochs: [EpochRecord] = [], runs: [RunRecord] = [], study: StudyRecord?
        let untouched = try unchanged(path) {
            let store = try RunStore.openExisting(path)
            (epochs, runs, study) = (try store.epochs(run.id), try store.runs(), try store.study("s"))
        }
        #expect(untouched)
        #expect(epochs.count == 1 && epochs[0].trainSeconds == 2.5)
        #expect(epochs[0].otherCPUShare == nil && epochs[0].canarySeconds == nil && epochs[0].cpuSeconds == nil && epochs[0].energyJoules == nil)
        #expect(runs.first?.supersededBy == nil && study != nil && study?.canaryReferenceSeconds == nil)
    }

    private func unchanged(_ path: String, _ body: () throws -> Void) rethrows -> Bool {
        let before = try? Data(contentsOf: URL(fileURLWithPath: path))
        try body()
        let after = try? Data(contentsOf: URL(fileURLWithPath: path))
        let siblings = ["-wal", "-shm"].filter { FileManager.default.fileExists(atPath: path + $0) }
        return before == after && siblings.isEmpty
    }

    @Test func aFileThatIsNotSQLiteIsRejectedUntouched() {
        let path = temporaryPath("notes.sqlite")
        FileManager.default.createFile(atPath: path, contents: Data("these are my notes, not a database\n".utf8))
        #expect(unchanged(path) {
            #expect(throws: RunStoreError.notSQLite(path: path)) { try RunStore.open(path) }
        })
    }

    @Test func aReadOnlyFileIsRejectedUntouched() throws {
        let path = temporaryPath("ro.sqlite")
        do { let s = try RunStore.open(path); try s.insert(sampleRun()) }
        // Checkpoint away the WAL so the main file holds everything.
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE") }
        try q.close()
        chmod(path, 0o444)
        #expect(unchanged(path) {
            #expect(throws: RunStoreError.readOnly(path: path)) { try RunStore.open(path) }
        })
    }

    @Test func aDatabaseFromANewerSchemaIsRejectedUntouched() throws {
        let path = temporaryPath("newer.sqlite")
        do { _ = try RunStore.open(path) }
        let q = try DatabaseQueue(path: path)
        try q.writeWithoutTransaction { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE")
        }
        try q.close()
        #expect(unchanged(path) {
            #expect(throws: RunStoreError.newerSchema(path: path, unknown: ["v9-from-the-future"])) { try RunStore.open(path) }
        })
        #expect(RunStoreError.newerSchema(path: path, unknown: ["v9"]).description.contains("newer ffbench"))
    }

    @Test func staleRunningRowsBecomeInterrupted() throws {
        let path = temporaryPath("stale.sqlite")
        let store = try RunStore.open(path)
        // A PID that certainly ended: a child we started and reaped.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        var dead = sampleRun()
        dead.pid = Int(p.processIdentifier)
        try store.insert(dead)
        var alive = sampleRun(seed: 2)
        alive.pid = Int(getpid())
        try store.insert(alive)
        var silent = sampleRun(seed: 3)
        silent.hostname = "another-machine"
        silent.heartbeatAt = Timestamp.string(Date().addingTimeInterval(-3600))
        try store.insert(silent)

        let reopened = try RunStore.open(path)
        let status = Dictionary(uniqueKeysWithValues: try reopened.runs().map { ($0.id, $0.status) })
        #expect(status[dead.id] == .interrupted)
        #expect(status[alive.id] == .running)
        #expect(status[silent.id] == .interrupted)
    }

    @Test func mergeIsIdempotentAndKeepsEverything() throws {
        let a = try RunStore.open(temporaryPath("a.sqlite")), b = try RunStore.open(temporaryPath("b.sqlite"))
        let runA = sampleRun(), runB = sampleRun(arm: "bp")
        try a.insert(runA); try b.insert(runB)
        for (store, run) in [(a, runA), (b, runB)] {
            try store.write { db in
                try EpochRecord(runID: run.id, epoch: 1, testError: 0.1).insert(db)
                for i in 0..<100 { try SampleRecord(runID: run.id, t: Double(i), metric: "rss_bytes", value: 1).insert(db) }
                try EventRecord(runID: run.id, t: 0, kind: "phase", message: "training").insert(db)
            }
        }
        let all = try RunStore.open(temporaryPath("all.sqlite"))
        #expect(try all.merge(from: a.path) == 1)
        #expect(try all.merge(from: b.path) == 1)
        #expect(try all.merge(from: a.path) == 0)
        #expect(try all.merge(from: b.path) == 0)
        #expect(try all.runs().count == 2)
        #expect(try all.sampleCount(runA.id) == 100 && all.sampleCount(runB.id) == 100)
        #expect(try all.epochs(runB.id).count == 1 && all.events(runA.id).count == 1)
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let path = temporaryPath("busy.sqlite")
        _ = try RunStore.open(path)
        let writers = 4, rowsEach = 2000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    // Separate connections, as separate processes would have.
                    let store = try RunStore.open(path)
                    let run = sampleRun(seed: Int64(w))
                    try store.insert(run)
                    for chunk in 0..<20 {
                        try store.write { db in
                            for i in 0..<(rowsEach / 20) {
                                try SampleRecord(runID: run.id, t: Double(chunk * 100 + i), metric: "m", value: 1).insert(db)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = try RunStore.open(path)
        let total = try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM samples") }
        #expect(total == writers * rowsEach)
        #expect(try store.check(.full).isEmpty)
    }

    /// A study starts its runs together, so two processes open a fresh file
    /// at once. The first holds it exclusively while it switches the file to
    /// WAL; the second must wait for it, not fail with "database is locked".
    @Test func openingWaitsWhileAnotherProcessHoldsTheFileExclusively() throws {
        let path = temporaryPath("held.sqlite")
        let other = try DatabaseQueue(path: path) // rollback journal, as a new file starts
        try other.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        let holding = DispatchSemaphore(value: 0)
        let released = Mutex(false)
        Thread.detachNewThread {
            try? other.inTransaction(.exclusive) { db in
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                holding.signal()
                Thread.sleep(forTimeInterval: 0.5)
                released.withLock { $0 = true }
                return .commit
            }
        }
        holding.wait()
        let store = try RunStore.open(path)
        #expect(released.withLock { $0 })
        try store.insert(sampleRun())
        #expect(try store.runs().count == 1)
    }
}
