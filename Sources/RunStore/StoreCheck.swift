import Foundation
import GRDB

/// One thing wrong with a run database, as `ffbench runs check` prints it.
public struct StoreProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// SQLite's own check failed: pages or indexes are damaged.
        case damaged
        /// A stored value that cannot be true (a negative time, an error above 1).
        case impossible
        /// Epochs recorded out of order or numbered below 1.
        case order
        /// A status that contradicts the run's other fields.
        case status
        /// Marked running, but its heartbeat stopped: it counts as interrupted.
        case stale
    }
    public var kind: Kind
    public var runID: String?
    public var detail: String

    public var description: String {
        "\(kind.rawValue): " + (runID.map { "run \($0): " } ?? "") + detail
    }

    /// Whether reading the database for an answer must stop (a stale run is
    /// read as interrupted instead; see `RunStore.runs`).
    public var refusesAnswer: Bool { kind != .stale }
}

extension RunStore {
    /// How long a run may go without a heartbeat before it counts as
    /// interrupted. Heartbeats come every few seconds; ten minutes is far
    /// beyond any pause a live run makes (a long evaluation, a busy disk).
    public static let heartbeatTimeout: TimeInterval = 600

    public enum CheckDepth: Sendable {
        /// ffbench's invariants only: what `report` and `compare` run before reading
        /// (opening the file has already run SQLite's integrity check).
        case invariants
        /// SQLite's full integrity and foreign-key checks, then the invariants.
        case full
    }

    /// Every problem found, one per line of `ffbench runs check`.
    public func check(_ depth: CheckDepth = .full, now: Date = Date()) throws(RunStoreError) -> [StoreProblem] {
        var problems: [StoreProblem] = []
        if depth == .full {
            let report: [String]
            do {
                // One row per problem, the first prefixed by a "*** in database main ***" line.
                report = try read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
                    .flatMap { $0.split(whereSeparator: \.isNewline).map(String.init) }
                    .filter { !$0.hasPrefix("***") }
            } catch .damaged(_, let detail) {
                // Damage to a table's root page stops SQLite's check itself.
                report = ["SQLite's integrity check could not finish (\(detail))"]
            }
            if report != ["ok"] {
                // Reading the tables of a damaged file can fail or mislead: its damage is the answer.
                return report.map { StoreProblem(kind: .damaged, runID: nil, detail: $0) }
            }
            let orphans = try read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }
            for row in orphans {
                let table: String = row[0]
                problems.append(StoreProblem(kind: .damaged, runID: nil, detail: "a row of \(table) belongs to no run"))
            }
        }
        do {
            problems += try invariants(now: now)
        } catch let error as RunStoreError {
            throw error
        } catch {
            throw Self.describe(error, path: path)
        }
        return problems
    }

    /// Refuses a database an answer must not be read from, naming its first
    /// problem; stale runs pass (they read as interrupted) and are returned.
    @discardableResult
    public func requireSound(_ depth: CheckDepth) throws(RunStoreError) -> [StoreProblem] {
        let all = try check(depth)
        let problems = all.filter(\.refusesAnswer)
        guard let first = problems.first else { return all }
        let more = problems.count > 1 ? " and \(problems.count - 1) more problems" : ""
        if first.kind == .damaged {
            throw .damaged(path: path, detail: problems.prefix(3).map(\.detail).joined(separator: "; ") + more)
        }
        throw .refused(path: path, message: "holds values that cannot be true: \(first)\(more) (ffbench runs check --db \(path) lists them)")
    }

    private func invariants(now: Date) throws -> [StoreProblem] {
        var problems: [StoreProblem] = []
        let epochColumns = try read { try $0.columns(in: "epochs").map(\.name) }
        try read { db in
            // Epochs enter in increasing order (the recorder refuses others), so stored order is entry order.
            let order = try Row.fetchAll(db, sql: """
                SELECT run_id, epoch, previous FROM (
                    SELECT run_id, epoch, LAG(epoch) OVER (PARTITION BY run_id ORDER BY rowid) AS previous FROM epochs)
                WHERE epoch < 1 OR epoch <= previous ORDER BY run_id, epoch
                """)
            for row in order {
                let epoch: Int = row["epoch"]
                let previous: Int? = row["previous"]
                let detail = epoch < 1 ? "epoch \(epoch) is numbered below 1"
                    : "epoch \(epoch) was recorded after epoch \(previous ?? 0)"
                problems.append(StoreProblem(kind: .order, runID: row["run_id"], detail: detail))
            }
            for bound in Self.bounds where epochColumns.contains(bound.column) {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT run_id, epoch, \(bound.column) AS value FROM epochs WHERE \(bound.violated) ORDER BY run_id, epoch
                    """)
                for row in rows {
                    let value: Double = row["value"]
                    let epoch: Int = row["epoch"]
                    problems.append(StoreProblem(kind: .impossible, runID: row["run_id"],
                                                 detail: "epoch \(epoch): \(bound.column) \(value) \(bound.rule)"))
                }
            }
            let runs = try RunRecord.fetchAll(db, sql: "SELECT * FROM runs ORDER BY started_at, id")
            for run in runs {
                if run.status == .running && run.finishedAt != nil {
                    problems.append(StoreProblem(kind: .status, runID: run.id, detail: "marked running but has a finish time (\(run.finishedAt!))"))
                }
                if run.status == .completed && run.finishedAt == nil {
                    problems.append(StoreProblem(kind: .status, runID: run.id, detail: "marked completed but has no finish time"))
                }
                if let silence = Self.silence(of: run, now: now) {
                    problems.append(StoreProblem(kind: .stale, runID: run.id, detail: Self.staleMessage(run, silence: silence)))
                }
            }
        }
        return problems
    }

    /// What each epoch value may be. Times of 0 are impossible for a
    /// training epoch (nothing trains in no time) but possible for an
    /// evaluation a recorder did not time separately.
    private static let bounds: [(column: String, violated: String, rule: String)] = [
        ("train_seconds", "train_seconds <= 0", "is not above 0"),
        ("eval_seconds", "eval_seconds < 0", "is negative"),
        ("cpu_seconds", "cpu_seconds < 0", "is negative"),
        ("canary_seconds", "canary_seconds <= 0", "is not above 0"),
        ("energy_joules", "energy_joules < 0", "is negative"),
        ("other_cpu_share", "other_cpu_share < 0 OR other_cpu_share > 1", "is outside [0, 1]"),
        ("train_loss", "train_loss < 0", "is negative"),
        ("peak_rss_bytes", "peak_rss_bytes < 0", "is negative"),
        ("peak_tensor_bytes", "peak_tensor_bytes < 0", "is negative"),
        ("peak_activation_bytes", "peak_activation_bytes < 0", "is negative"),
        ("cuda_max_allocated_bytes", "cuda_max_allocated_bytes < 0", "is negative"),
        ("cuda_max_reserved_bytes", "cuda_max_reserved_bytes < 0", "is negative"),
    ] + ["train_error", "test_error", "test_error_goodness", "test_error_softmax", "validation_error"].map {
        ($0, "\($0) < 0 OR \($0) > 1", "is outside [0, 1]")
    }

    /// How long a run marked running has been silent, when longer than the
    /// heartbeat timeout (nil for a live run or a finished one).
    static func silence(of run: RunRecord, now: Date) -> TimeInterval? {
        guard run.status == .running, let beat = Timestamp.date(run.heartbeatAt ?? run.startedAt) else { return nil }
        let silent = now.timeIntervalSince(beat)
        return silent > heartbeatTimeout ? silent : nil
    }

    /// Says what was seen (no heartbeat), not what was guessed (that the process died).
    static func staleMessage(_ run: RunRecord, silence: TimeInterval) -> String {
        let minutes = Int((silence / 60).rounded(.down))
        return "marked running, but no heartbeat for \(minutes) min (process \(run.pid.map(String.init) ?? "?") on \(run.hostname ?? "?")); counted as interrupted"
    }
}
