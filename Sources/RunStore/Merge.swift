import GRDB

extension RunStore {
    static let runColumns = "id, study, arm, label, algorithm, dataset, layers, batch_size, epochs, seed, status, started_at, finished_at, parameter_count, config_json, host_json, hostname, pid, heartbeat_at, command, exit_status, sample_interval, message"

    /// Copies every run of `source` that this database does not already
    /// hold (by id), with its epochs, samples and events. Idempotent:
    /// merging the same file twice adds nothing the second time.
    /// - Returns: how many runs were added.
    @discardableResult
    public func merge(from source: String) throws(RunStoreError) -> Int {
        try RunStore.checkFile(source, forWriting: false)
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
                    try db.execute(sql: "INSERT INTO main.runs (\(Self.runColumns)) SELECT \(Self.runColumns) FROM other.runs WHERE id IN merging")
                    try db.execute(sql: "INSERT INTO main.epochs SELECT * FROM other.epochs WHERE run_id IN merging")
                    try db.execute(sql: "INSERT INTO main.samples SELECT * FROM other.samples WHERE run_id IN merging")
                    try db.execute(sql: "INSERT INTO main.events SELECT * FROM other.events WHERE run_id IN merging")
                    return .commit
                }
                return added
            }
        } catch {
            throw Self.describe(error, path: path)
        }
        return count
    }
}
