import GRDB

extension RunStore {
    /// Copies every run of `source` that this database does not already
    /// hold (by id), with its epochs, samples and events, and the studies'
    /// declared plans it lacks. Idempotent: merging the same file twice adds
    /// nothing the second time. A source from an older schema is read as it
    /// is (its missing columns stay NULL), never upgraded.
    /// - Returns: how many runs were added.
    @discardableResult
    public func merge(from source: String) throws(RunStoreError) -> Int {
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
                    try db.execute(sql: "INSERT INTO merging SELECT id FROM other.runs WHERE id NOT IN (SELECT id FROM main.runs)")
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
