import Foundation
import GRDB

/// Typed reads: every question the other modules ask of a run database.
extension RunStore {
    /// Runs in the order they started. A run still marked running whose
    /// heartbeat stopped reads as interrupted, with the reason as its
    /// message, even where the file cannot be written to say so.
    public func runs(study: String? = nil, now: Date = Date()) throws(RunStoreError) -> [RunRecord] {
        try read { db in
            if let study {
                return try RunRecord.fetchAll(db, sql: "SELECT * FROM runs WHERE study = ? ORDER BY started_at, id", arguments: [study])
            }
            return try RunRecord.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at, id")
        }.map { Self.asRead($0, now: now) }
    }

    static func asRead(_ run: RunRecord, now: Date) -> RunRecord {
        guard let silence = silence(of: run, now: now) else { return run }
        var read = run
        read.status = .interrupted
        read.message = staleMessage(run, silence: silence)
        return read
    }

    /// A run by full id or unique prefix.
    public func run(_ id: String) throws(RunStoreError) -> RunRecord {
        let matches = try read { db in
            try RunRecord.fetchAll(db, sql: "SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                                   arguments: [id.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                                       .replacingOccurrences(of: "_", with: "\\_") + "%"])
        }
        guard matches.count == 1 else { throw .unknownRun(path: path, id: id) }
        return Self.asRead(matches[0], now: Date())
    }

    public func epochs(_ runID: String) throws(RunStoreError) -> [EpochRecord] {
        try read { try EpochRecord.fetchAll($0, sql: "SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch", arguments: [runID]) }
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

    /// Epochs recorded per run (one query).
    public func epochCounts() throws(RunStoreError) -> [String: Int] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT run_id, COUNT(*) AS n FROM epochs GROUP BY run_id")
                .map { ($0["run_id"] as String, $0["n"] as Int) })
        }
    }

    public func samples(_ runID: String, metric: SampleMetric? = nil) throws(RunStoreError) -> [SampleRecord] {
        try read { db in
            if let metric {
                return try SampleRecord.fetchAll(db, sql: "SELECT * FROM samples WHERE run_id = ? AND metric = ? ORDER BY t",
                                                 arguments: [runID, metric])
            }
            return try SampleRecord.fetchAll(db, sql: "SELECT * FROM samples WHERE run_id = ? ORDER BY t, metric", arguments: [runID])
        }
    }

    /// Largest and mean value and count of each of `metrics` per run (runs
    /// without any are absent): one indexed lookup per run and metric.
    public func sampleSummaries(_ runIDs: [String], metrics: [SampleMetric]) throws(RunStoreError) -> [String: [SampleMetric: SampleSummary]] {
        try read { db in
            var out: [String: [SampleMetric: SampleSummary]] = [:]
            for id in runIDs {
                for metric in metrics {
                    guard let row = try Row.fetchOne(db, sql: "SELECT MAX(value) AS high, AVG(value) AS mean, COUNT(*) AS n FROM samples WHERE run_id = ? AND metric = ?",
                                                     arguments: [id, metric]), let n = row["n"] as Int?, n > 0 else { continue }
                    out[id, default: [:]][metric] = SampleSummary(max: row["high"], mean: row["mean"], count: n)
                }
            }
            return out
        }
    }

    public func events(_ runID: String) throws(RunStoreError) -> [EventRecord] {
        try read { try EventRecord.fetchAll($0, sql: "SELECT * FROM events WHERE run_id = ? ORDER BY t", arguments: [runID]) }
    }

    public func sampleCount(_ runID: String) throws(RunStoreError) -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM samples WHERE run_id = ?", arguments: [runID]) ?? 0 }
    }

    /// The status of the newest run of a study's arm and seed (nil: none yet).
    public func latestStatus(study: String, arm: String, seed: Int64) throws(RunStoreError) -> RunStatus? {
        try read { db in
            try RunStatus.fetchOne(db, sql: """
                SELECT status FROM runs WHERE study = ? AND arm = ? AND seed = ? ORDER BY started_at DESC, id DESC LIMIT 1
                """, arguments: [study, arm, seed])
        }
    }

    /// The id of the newest run of a study's arm and seed.
    public func latestRunID(study: String, arm: String, seed: Int64) throws(RunStoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: """
                SELECT id FROM runs WHERE study = ? AND arm = ? AND seed = ? ORDER BY started_at DESC, id DESC LIMIT 1
                """, arguments: [study, arm, seed])
        }
    }

    /// Whether a run of the study's arm and seed ended in one of `statuses`.
    public func hasRun(study: String, arm: String, seed: Int64, in statuses: Set<RunStatus>) throws(RunStoreError) -> Bool {
        try read { db in
            let marks = Array(repeating: "?", count: statuses.count).joined(separator: ", ")
            let arguments: [any DatabaseValueConvertible] = [study, arm, seed] + statuses.map(\.rawValue).sorted()
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE study = ? AND arm = ? AND seed = ? AND status IN (\(marks))",
                                    arguments: StatementArguments(arguments)) ?? 0
        } > 0
    }

    public func study(_ name: String) throws(RunStoreError) -> StudyRecord? {
        guard try has(table: "studies") else { return nil }
        return try read { try StudyRecord.fetchOne($0, key: name) }
    }

    /// Every study's declared plan (none in a database older than migration v2).
    public func studies() throws(RunStoreError) -> [StudyRecord] {
        guard try has(table: "studies") else { return [] }
        return try read { try StudyRecord.fetchAll($0, sql: "SELECT * FROM studies ORDER BY name") }
    }

}

/// The tables a user may export whole.
public enum ExportTable: String, CaseIterable, Sendable {
    case runs, epochs, samples, events, studies
}

/// A table's cells as they are stored: what exports write.
public enum StoredValue: Sendable, Equatable, Encodable {
    case null, integer(Int64), real(Double), text(String)

    /// As a CSV field: empty for NULL, numbers in full precision.
    public var csvText: String {
        switch self {
        case .null: ""
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .text(let s): s
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .integer(let i): try c.encode(i)
        case .real(let d): try c.encode(d)
        case .text(let s): try c.encode(s)
        }
    }
}

extension RunStore {
    /// A whole table, columns in schema order, rows in insertion order.
    public func export(_ table: ExportTable) throws(RunStoreError) -> (columns: [String], rows: [[StoredValue]]) {
        guard try has(table: table.rawValue) else { return ([], []) }
        return try read { db in
            let columns = try db.columns(in: table.rawValue).map(\.name)
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.rawValue) ORDER BY rowid").map { row in
                columns.map { c -> StoredValue in
                    switch (row[c] as DatabaseValue).storage {
                    case .null, .blob: .null
                    case .int64(let i): .integer(i)
                    case .double(let d): .real(d)
                    case .string(let s): .text(s)
                    }
                }
            }
            return (columns, rows)
        }
    }
}

/// A sampled metric of one run, summarised.
public struct SampleSummary: Sendable, Equatable {
    public var max: Double
    public var mean: Double
    public var count: Int
}
