import Foundation
import GRDB

/// The SQLite run database (WAL mode, so several processes can write at
/// once and readers never block writers). Opening checks the file before
/// touching it: not SQLite, read-only or from a newer ffbench all fail with
/// one line and leave the file as it was.
public final class RunStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) a database for reading and writing, and
    /// marks runs whose process died without finishing as `interrupted`.
    public static func open(_ path: String) throws(RunStoreError) -> RunStore {
        try checkFile(path, forWriting: true)
        let store = try RunStore(path: path)
        _ = try store.markStaleRuns()
        return store
    }

    /// Opens an existing database without changing it (reports, exports).
    public static func openExisting(_ path: String) throws(RunStoreError) -> RunStore {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        try checkFile(path, forWriting: false)
        return try RunStore(path: path)
    }

    private init(path: String) throws(RunStoreError) {
        self.path = path
        var config = Configuration()
        // Other processes (a study's runs) write too: wait for them rather
        // than failing. (GRDB 7 starts write transactions IMMEDIATE, so two
        // writers never deadlock upgrading a read lock.)
        config.busyMode = .timeout(60)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try Self.waitingWhileLocked { try DatabasePool(path: path, configuration: config) }
            try Self.waitingWhileLocked { try Self.migrate(pool) }
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// Two processes creating the same file can both find the schema
    /// missing; the second then fails to create tables the first just made.
    /// That is success, not an error.
    private static func migrate(_ pool: DatabasePool) throws {
        do {
            try Schema.migrator.migrate(pool)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            guard try pool.read(Schema.migrator.hasCompletedMigrations) else { throw error }
        }
    }

    /// The busy timeout covers waiting for a lock, but SQLite answers BUSY
    /// at once, without waiting, where waiting could deadlock: a transaction
    /// that has read and must then write after another connection committed
    /// (a stale snapshot). Setting up a fresh file (WAL mode, the schema)
    /// while a study's other runs set up the same file can meet that case;
    /// setting up is idempotent, so try again.
    static func waitingWhileLocked<T>(for seconds: Double = 60, _ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        var pause = 0.005
        while true {
            do {
                return try body()
            } catch let error as DatabaseError
                where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode.primaryResultCode) && Date() < deadline {
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.25)
            }
        }
    }

    /// Everything that can be known without modifying the file.
    static func checkFile(_ path: String, forWriting: Bool) throws(RunStoreError) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty && !fm.fileExists(atPath: dir) {
                throw .database(path: path, message: "folder \(dir) does not exist")
            }
            return
        }
        var st = stat()
        if forWriting && stat(path, &st) == 0 && (st.st_mode & 0o222) == 0 {
            // Honoured even for root, who could write anyway: the user marked it read-only.
            throw .readOnly(path: path)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .database(path: path, message: "cannot be read") }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if header.isEmpty { return } // an empty file becomes a new database
        guard header == Data("SQLite format 3\0".utf8) else { throw .notSQLite(path: path) }
        // Migrations this ffbench does not know mean a newer schema.
        do {
            var config = Configuration()
            config.readonly = true
            // Another process may hold the file exclusively while it switches it to WAL.
            config.busyMode = .timeout(60)
            let applied: [String] = try waitingWhileLocked {
                let queue = try DatabaseQueue(path: path, configuration: config)
                defer { try? queue.close() }
                return try queue.read { db in
                    guard try db.tableExists("grdb_migrations") else { return [] }
                    return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                }
            }
            let unknown = applied.filter { !Schema.migrator.migrations.contains($0) }
            if !unknown.isEmpty { throw RunStoreError.newerSchema(path: path, unknown: unknown) }
        } catch let e as RunStoreError {
            throw e
        } catch {
            throw describe(error, path: path)
        }
    }

    static func describe(_ error: Error, path: String) -> RunStoreError {
        if let e = error as? RunStoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB: return .notSQLite(path: path)
            case .SQLITE_READONLY: return .readOnly(path: path)
            case .SQLITE_FULL: return .database(path: path, message: "disk full")
            default: return .database(path: path, message: e.message ?? "\(e.resultCode)")
            }
        }
        return .database(path: path, message: "\(error)")
    }

    /// Runs `body` in one immediate write transaction.
    public func write<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do { return try pool.write(body) } catch { throw Self.describe(error, path: path) }
    }

    public func read<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do { return try pool.read(body) } catch { throw Self.describe(error, path: path) }
    }

    // MARK: - Runs

    public func insert(_ run: RunRecord) throws(RunStoreError) {
        try write { try run.insert($0) }
    }

    /// Ends a run: status, finish time, optional message and exit status.
    public func finish(_ id: String, status: RunStatus, message: String? = nil, exitStatus: Int? = nil) throws(RunStoreError) {
        try write { db in
            try db.execute(sql: """
                UPDATE runs SET status = ?, finished_at = ?, message = COALESCE(?, message), exit_status = COALESCE(?, exit_status)
                WHERE id = ?
                """, arguments: [status.rawValue, Timestamp.now(), message, exitStatus, id])
        }
    }

    public func runs(study: String? = nil) throws(RunStoreError) -> [RunRecord] {
        try read { db in
            if let study {
                return try RunRecord.fetchAll(db, sql: "SELECT * FROM runs WHERE study = ? ORDER BY started_at, id", arguments: [study])
            }
            return try RunRecord.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at, id")
        }
    }

    /// A run by full id or unique prefix.
    public func run(_ id: String) throws(RunStoreError) -> RunRecord {
        let matches = try read { db in
            try RunRecord.fetchAll(db, sql: "SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                                   arguments: [id.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"])
        }
        guard matches.count == 1 else { throw .unknownRun(path: path, id: id) }
        return matches[0]
    }

    public func epochs(_ runID: String) throws(RunStoreError) -> [EpochRecord] {
        try read { try EpochRecord.fetchAll($0, sql: "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [runID]) }
    }

    public func samples(_ runID: String, metric: String? = nil) throws(RunStoreError) -> [SampleRecord] {
        try read { db in
            if let metric {
                return try SampleRecord.fetchAll(db, sql: "SELECT * FROM samples WHERE run_id = ? AND metric = ? ORDER BY t",
                                                 arguments: [runID, metric])
            }
            return try SampleRecord.fetchAll(db, sql: "SELECT * FROM samples WHERE run_id = ? ORDER BY t, metric", arguments: [runID])
        }
    }

    public func events(_ runID: String) throws(RunStoreError) -> [EventRecord] {
        try read { try EventRecord.fetchAll($0, sql: "SELECT * FROM events WHERE run_id = ? ORDER BY t", arguments: [runID]) }
    }

    public func sampleCount(_ runID: String) throws(RunStoreError) -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM samples WHERE run_id = ?", arguments: [runID]) ?? 0 }
    }

    /// Deletes a run and everything recorded for it.
    public func delete(_ id: String) throws(RunStoreError) {
        let run = try self.run(id)
        try write { db in
            for table in ["samples", "events", "epochs"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE run_id = ?", arguments: [run.id])
            }
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [run.id])
        }
    }

    /// Runs still marked `running` whose process is gone (same host, dead
    /// PID) or whose heartbeat stopped (any host, 10 minutes) become
    /// `interrupted`. Returns their ids.
    @discardableResult
    public func markStaleRuns(now: Date = Date(), hostname: String = ProcessInfo.processInfo.hostName) throws(RunStoreError) -> [String] {
        let running = try read { try RunRecord.fetchAll($0, sql: "SELECT * FROM runs WHERE status = 'running'") }
        let stale = running.filter { run in
            if run.hostname == hostname, let pid = run.pid, pid > 0, pid != Int(getpid()) {
                if kill(pid_t(pid), 0) != 0 && errno == ESRCH { return true }
            }
            if let beat = run.heartbeatAt.flatMap(Timestamp.date) { return now.timeIntervalSince(beat) > 600 }
            return false
        }
        for run in stale {
            try write { db in
                try db.execute(sql: """
                    UPDATE runs SET status = 'interrupted', message = ? WHERE id = ? AND status = 'running'
                    """, arguments: ["process \(run.pid.map(String.init) ?? "?") on \(run.hostname ?? "?") stopped without finishing", run.id])
            }
        }
        return stale.map(\.id)
    }

    public func integrityCheck() throws(RunStoreError) -> String {
        try read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
