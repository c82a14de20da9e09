import Foundation
import GRDB

/// Typed writes: runs begin and end, their rows arrive in batches.
extension RunStore {
    public func insert(_ run: RunRecord) throws(RunStoreError) {
        try write { try run.insert($0) }
    }

    /// Rows of any runs, in one transaction.
    public func insert(epochs: [EpochRecord] = [], samples: [SampleRecord] = [], events: [EventRecord] = []) throws(RunStoreError) {
        try write { db in try Self.insert(db, epochs: epochs, samples: samples, events: events) }
    }

    /// One flush of a run's writer: its queued rows and its heartbeat, in one transaction.
    public func append(run id: String, epochs: [EpochRecord], samples: [SampleRecord], events: [EventRecord]) throws(RunStoreError) {
        try write { db in
            try Self.insert(db, epochs: epochs, samples: samples, events: events)
            try db.execute(sql: "UPDATE runs SET heartbeat_at = ? WHERE id = ?", arguments: [Timestamp.now(), id])
        }
    }

    private static func insert(_ db: Database, epochs: [EpochRecord], samples: [SampleRecord], events: [EventRecord]) throws {
        let sample = try db.cachedStatement(sql: "INSERT INTO samples (run_id, t, metric, value) VALUES (?, ?, ?, ?)")
        for s in samples { try sample.execute(arguments: [s.runID, s.t, s.metric, s.value]) }
        for e in events { try e.insert(db) }
        for e in epochs { try e.upsert(db) }
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

    /// Records (or replaces) a study's declared analysis plan; an unchanged
    /// plan keeps the time it was first declared.
    public func declare(_ study: StudyRecord) throws(RunStoreError) {
        try write { db in
            var s = study
            if let old = try StudyRecord.fetchOne(db, key: study.name) {
                // The quiet reference is the fastest canary any start of the study measured.
                s.canaryReferenceSeconds = [old.canaryReferenceSeconds, study.canaryReferenceSeconds].compactMap { $0 }.min()
                s.quietJSON = study.quietJSON ?? old.quietJSON
                var plan = s
                (plan.declaredAt, plan.canaryReferenceSeconds, plan.quietJSON) = (old.declaredAt, old.canaryReferenceSeconds, old.quietJSON)
                if plan == old { s.declaredAt = old.declaredAt }
                if s == old { return }
            }
            try s.save(db)
        }
    }

    /// A recorded command's canary, known only when it ends, for its epochs that have none of their own.
    public func setCanary(run id: String, seconds: Double) throws(RunStoreError) {
        try write { db in
            try db.execute(sql: "UPDATE epochs SET canary_seconds = ? WHERE run_id = ? AND canary_seconds IS NULL",
                           arguments: [seconds, id])
        }
    }

    /// Marks runs as superseded by their retimed reruns (kept, no longer compared).
    public func supersede(_ pairs: [(old: String, new: String)]) throws(RunStoreError) {
        try write { db in
            for (old, new) in pairs {
                try db.execute(sql: "UPDATE runs SET superseded_by = ? WHERE id = ?", arguments: [new, old])
            }
        }
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
    /// PID) or whose heartbeat stopped (any host, `heartbeatTimeout`) become
    /// `interrupted`. Returns their ids.
    @discardableResult
    public func markStaleRuns(now: Date = Date(), hostname: String = ProcessInfo.processInfo.hostName) throws(RunStoreError) -> [String] {
        let running = try read { try RunRecord.fetchAll($0, sql: "SELECT * FROM runs WHERE status = 'running'") }
        var stale: [(id: String, message: String)] = []
        for run in running {
            if run.hostname == hostname, let pid = run.pid, pid > 0, pid != Int(getpid()),
               kill(pid_t(pid), 0) != 0 && errno == ESRCH {
                stale.append((run.id, "process \(pid) on \(hostname) stopped without finishing"))
            } else if let silence = Self.silence(of: run, now: now) {
                stale.append((run.id, Self.staleMessage(run, silence: silence)))
            }
        }
        for (id, message) in stale {
            try write { db in
                try db.execute(sql: "UPDATE runs SET status = 'interrupted', message = ? WHERE id = ? AND status = 'running'",
                               arguments: [message, id])
            }
        }
        return stale.map(\.id)
    }
}
