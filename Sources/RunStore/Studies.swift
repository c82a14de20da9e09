import GRDB

extension RunStore {
    /// Records (or replaces) a study's declared analysis plan.
    public func declare(_ study: StudyRecord) throws(RunStoreError) {
        try write { try study.save($0) }
    }

    public func study(_ name: String) throws(RunStoreError) -> StudyRecord? {
        try read { try StudyRecord.fetchOne($0, key: name) }
    }

    public func studies() throws(RunStoreError) -> [StudyRecord] {
        try read { try StudyRecord.fetchAll($0, sql: "SELECT * FROM studies ORDER BY name") }
    }

    /// Every epoch of the given study's runs (all runs when nil), by run id,
    /// in epoch order: one query, however many runs.
    public func epochsByRun(study: String? = nil) throws(RunStoreError) -> [String: [EpochRecord]] {
        try read { db in
            let rows: [EpochRecord]
            if let study {
                rows = try EpochRecord.fetchAll(db, sql: """
                    SELECT epochs.* FROM epochs JOIN runs ON runs.id = epochs.run_id
                    WHERE runs.study = ? ORDER BY epochs.run_id, epochs.epoch
                    """, arguments: [study])
            } else {
                rows = try EpochRecord.fetchAll(db, sql: "SELECT * FROM epochs ORDER BY run_id, epoch")
            }
            return Dictionary(grouping: rows, by: \.runID)
        }
    }
}
