import Foundation
import GRDB

extension RunStore {
    /// Merges `sources` into `output` all or nothing: every source is
    /// checked first (a damaged one is named), the result is built under a
    /// temporary name beside `output` (from a copy of it when it exists) and
    /// renamed into place only when every source went in. A failure leaves
    /// `output` as it was, or absent; no source may be the output itself.
    /// - Returns: runs added per source.
    /// - Parameter statuses: only runs that ended so (nil: every run).
    public static func merge(_ sources: [String], into output: String,
                             statuses: Set<RunStatus>? = nil) throws(RunStoreError) -> [(source: String, added: Int)] {
        for source in sources {
            try openExisting(source).requireSound(.full)
            if sameFile(source, output) { throw .refused(path: source, message: "is the merge's output: merge into another file") }
        }
        let temporary = URL(fileURLWithPath: output).deletingLastPathComponent()
            .appendingPathComponent(".\(URL(fileURLWithPath: output).lastPathComponent).merging-\(getpid())").path
        func clean(_ path: String) { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        clean(temporary)
        var added: [(String, Int)] = []
        do {
            if FileManager.default.fileExists(atPath: output) {
                let current = try openExisting(output)
                try current.readOutsideTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary]) }
            }
            try checkFile(output, forWriting: true, verifying: true)
            do {
                let target = try open(temporary)
                for source in sources { added.append((source, try target.merge(from: source, statuses: statuses))) }
                try target.close()
            }
            // The old file's WAL belongs to it, not to the new one.
            for suffix in ["-wal", "-shm"] { unlink(output + suffix) }
            guard rename(temporary, output) == 0 else {
                throw RunStoreError.database(path: output, message: "cannot write (\(String(cString: strerror(errno))))")
            }
        } catch {
            clean(temporary)
            throw describe(error, path: output)
        }
        return added
    }

    /// Whether two paths name one file (the same device and inode).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Checkpoints and closes the database: its WAL is folded into the file.
    func close() throws(RunStoreError) {
        do {
            if !isReadOnly { try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") } }
            if let p = pool as? DatabasePool { try p.close() } else if let q = pool as? DatabaseQueue { try q.close() }
        } catch { throw Self.describe(error, path: path) }
    }

    /// Copies every run of `source` that this database does not already
    /// hold (by id), with its epochs, samples and events, and the studies'
    /// declared plans it lacks. Idempotent: merging the same file twice adds
    /// nothing the second time. A source from an older schema is read as it
    /// is (its missing columns stay NULL), never upgraded.
    /// - Returns: how many runs were added.
    @discardableResult
    func merge(from source: String, statuses: Set<RunStatus>? = nil) throws(RunStoreError) -> Int {
        let only = statuses.map { " AND status IN (" + $0.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")" } ?? ""
        let other = try RunStore.openExisting(source)
        let count: Int
        do {
            count = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS other", arguments: [other.path])
                defer { try? db.execute(sql: "DETACH DATABASE other") }
                var added = 0
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS merging(id TEXT PRIMARY KEY)")
                    try db.execute(sql: "DELETE FROM merging")
                    try db.execute(sql: "INSERT INTO merging SELECT id FROM other.runs WHERE id NOT IN (SELECT id FROM main.runs)" + only)
                    added = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM merging") ?? 0
                    for (table, filter) in [("runs", "id"), ("epochs", "run_id"), ("samples", "run_id"), ("events", "run_id")] {
                        let columns = try Self.sharedColumns(db, table).joined(separator: ", ")
                        try db.execute(sql: "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM other.\(table) WHERE \(filter) IN merging")
                    }
                    if try db.tableExists("studies", in: "other") {
                        let columns = try Self.sharedColumns(db, "studies").joined(separator: ", ")
                        try db.execute(sql: """
                            INSERT INTO main.studies (\(columns)) SELECT \(columns) FROM other.studies
                            WHERE name NOT IN (SELECT name FROM main.studies)
                            """)
                    }
                    return .commit
                }
                return added
            }
        } catch {
            throw Self.describe(error, path: path)
        }
        return count
    }

    /// Columns a table has in both databases (a source may predate a migration).
    private static func sharedColumns(_ db: Database, _ table: String) throws -> [String] {
        let mine = try db.columns(in: table, in: "main").map(\.name)
        let theirs = Set(try db.columns(in: table, in: "other").map(\.name))
        return mine.filter(theirs.contains)
    }
}
