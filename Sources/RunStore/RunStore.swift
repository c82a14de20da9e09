import Foundation
import GRDB

/// The SQLite run database (WAL mode, so several processes can write at
/// once and readers never block writers). Opening checks the file before
/// touching it: not SQLite, read-only or from a newer ffbench all fail with
/// one line and leave the file as it was.
public final class RunStore: Sendable {
    public let path: String
    /// A pool (readers beside one writer) for stores opened to write; a
    /// read-only queue for stores opened to read, which never change the file.
    let pool: any DatabaseWriter
    public let isReadOnly: Bool

    /// Opens (creating if needed) a database for reading and writing, and
    /// marks runs whose process died without finishing as `interrupted`.
    public static func open(_ path: String) throws(RunStoreError) -> RunStore {
        try checkFile(path, forWriting: true, verifying: true)
        let store = try RunStore(path: path)
        _ = try store.markStaleRuns()
        return store
    }

    /// Opens an existing database: read-only (reports, exports, listings),
    /// which neither creates nor changes the file, or `writable` (removing a
    /// run), which creates nothing either. A missing file is an error.
    /// Unless `verifying` is false (`runs check`, which reports damage
    /// rather than refusing it), a file whose pages are damaged is refused.
    public static func openExisting(_ path: String, writable: Bool = false, verifying: Bool = true) throws(RunStoreError) -> RunStore {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        try checkFile(path, forWriting: writable, verifying: verifying)
        if writable {
            let store = try RunStore(path: path)
            _ = try store.markStaleRuns()
            return store
        }
        return try RunStore(readingOnly: path)
    }

    private init(readingOnly path: String) throws(RunStoreError) {
        self.path = path
        isReadOnly = true
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(60)
        do {
            pool = try Self.waitingWhileLocked { try DatabaseQueue(path: path, configuration: config) }
            try pool.read { db in
                guard try db.tableExists("runs") else { throw RunStoreError.database(path: path, message: "not an ffbench run database (no runs table)") }
            }
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    private init(path: String) throws(RunStoreError) {
        self.path = path
        isReadOnly = false
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
    private static func migrate(_ pool: any DatabaseWriter) throws {
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

    /// Everything that can be known without modifying the file, including
    /// SQLite's integrity check when `verifying`: a damaged index is found
    /// before a run is added or a listing read, not an epoch later.
    static func checkFile(_ path: String, forWriting: Bool, verifying: Bool) throws(RunStoreError) {
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        guard fm.fileExists(atPath: path) else {
            if !dir.isEmpty && !fm.fileExists(atPath: dir) {
                throw .database(path: path, message: "folder \(dir) does not exist")
            }
            if forWriting && access(RunStoreError.folder(of: path), W_OK) != 0 { throw .readOnlyFolder(path: path) }
            return
        }
        var st = stat()
        if forWriting && stat(path, &st) == 0 && (st.st_mode & 0o222) == 0 {
            // Honoured even for root, who could write anyway: the user marked it read-only.
            throw .readOnly(path: path)
        }
        // SQLite writes its journal (-wal, -shm) beside the file: a writable
        // file in a read-only folder fails, and SQLite blames the file.
        if forWriting && access(RunStoreError.folder(of: path), W_OK) != 0 { throw .readOnlyFolder(path: path) }
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
                    if verifying {
                        // The full check, not the quick one: a row missing from an index passes the quick
                        // check, and queries through that index then miss it. 1.4 s on a 290 MB file of 2
                        // million samples, milliseconds on a study's usual few megabytes.
                        let report = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                        if report != ["ok"] { throw RunStoreError.damaged(path: path, detail: report.joined(separator: "\n")) }
                    }
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
            case .SQLITE_CORRUPT: return .damaged(path: path, detail: e.message ?? "malformed")
            default: return .database(path: path, message: e.message ?? "\(e.resultCode)")
            }
        }
        return .database(path: path, message: "\(error)")
    }

    /// Runs `body` in one immediate write transaction. Internal: outside
    /// this module the store speaks in records, never in SQL.
    func write<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do { return try pool.write(body) } catch { throw Self.describe(error, path: path) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do { return try pool.read(body) } catch { throw Self.describe(error, path: path) }
    }

    /// A read outside any transaction (what VACUUM INTO needs).
    func readOutsideTransaction<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do {
            if let q = pool as? DatabaseQueue { return try q.inDatabase(body) }
            return try pool.unsafeReentrantRead(body)
        } catch { throw Self.describe(error, path: path) }
    }

    /// Whether a table or a column exists: a store opened read-only may be
    /// of an older schema, which reads are written to tolerate.
    func has(table: String, column: String? = nil) throws(RunStoreError) -> Bool {
        try read { db in
            guard try db.tableExists(table) else { return false }
            guard let column else { return true }
            return try db.columns(in: table).contains { $0.name == column }
        }
    }

}
