import Foundation
import RunStore

/// Per-run figures computed from the `runs` and `epochs` tables (docs/analysis.md).
public struct RunMetrics: Codable, Sendable {
    public static let names = ["mean_epoch_seconds", "total_train_seconds", "total_wall_seconds", "peak_rss_bytes",
                               "peak_tensor_bytes", "peak_activation_bytes", "final_test_error", "best_test_error",
                               "time_to_target_seconds", "epochs_to_target"]

    public var runID: String
    public var values: [String: Double]
    /// Whether the run reached the target test error.
    public var reachedTarget: Bool

    enum CodingKeys: String, CodingKey {
        case values
        case runID = "run_id"
        case reachedTarget = "reached_target"
    }

    public init(run: RunRecord, epochs: [EpochRecord], targetError: Double) {
        runID = run.id
        var v: [String: Double] = [:]
        let train = epochs.compactMap(\.trainSeconds)
        if !train.isEmpty {
            v["mean_epoch_seconds"] = train.reduce(0, +) / Double(train.count)
            v["total_train_seconds"] = train.reduce(0, +)
            v["total_wall_seconds"] = train.reduce(0, +) + epochs.compactMap(\.evalSeconds).reduce(0, +)
        }
        if let m = epochs.compactMap(\.peakRSSBytes).max() { v["peak_rss_bytes"] = Double(m) }
        if let m = epochs.compactMap(\.peakTensorBytes).max() { v["peak_tensor_bytes"] = Double(m) }
        if let m = epochs.compactMap(\.peakActivationBytes).max() { v["peak_activation_bytes"] = Double(m) }
        if let last = epochs.last?.testError { v["final_test_error"] = last }
        if let best = epochs.compactMap(\.testError).min() { v["best_test_error"] = best }
        reachedTarget = false
        // Time to target: cumulative training time at which the test error
        // first reaches the target, linearly interpolated between epochs
        // (at the end of epoch 1 if the first epoch already reaches it).
        var cumulative = 0.0, previousTime = 0.0
        var previousError: Double?
        for e in epochs {
            guard let seconds = e.trainSeconds else { break }
            cumulative += seconds
            // An epoch without evaluation (--eval-every) adds time only.
            guard let error = e.testError else { continue }
            if error <= targetError {
                var t = cumulative
                if let pe = previousError, pe > error { t = previousTime + (pe - targetError) / (pe - error) * (cumulative - previousTime) }
                v["time_to_target_seconds"] = t
                v["epochs_to_target"] = Double(e.epoch)
                reachedTarget = true
                break
            }
            previousTime = cumulative
            previousError = error
        }
        values = v
    }
}

/// Every FF-vs-BP comparison in a store: runs grouped by data set, layers
/// and batch size; FF against BP on each metric; multiple-comparison
/// adjustment across all of them.
public enum StoreComparison {
    public struct Report: Codable, Sendable {
        public var targetError: Double
        public var correction: String
        public var comparisons: [GroupComparison]
        public var runs: [RunMetrics]
        enum CodingKeys: String, CodingKey {
            case comparisons, runs, correction
            case targetError = "target_error"
        }
    }

    public static func compare(store: RunStore, study: String?, metrics: [String], targetError: Double,
                               correction: MultipleComparisons.Method = .holm,
                               options: ComparisonOptions = .init()) throws(RunStoreError) -> Report {
        let runs = try store.runs(study: study).filter { $0.status == .completed && ($0.algorithm == "ff" || $0.algorithm == "bp") }
        let epochsByRun = try store.read { db in
            try Dictionary(grouping: EpochRecord.fetchAll(db, sql: "SELECT * FROM epochs ORDER BY run_id, epoch"), by: \.runID)
        }
        let metricsByRun = Dictionary(uniqueKeysWithValues: runs.map {
            ($0.id, RunMetrics(run: $0, epochs: epochsByRun[$0.id] ?? [], targetError: targetError))
        })
        struct Key: Hashable { var dataset: String; var layers: String; var batch: Int }
        let grouped = Dictionary(grouping: runs) { Key(dataset: $0.dataset ?? "-", layers: $0.layers ?? "-", batch: $0.batchSize ?? 0) }
        var results: [GroupComparison] = []
        for key in grouped.keys.sorted(by: { ($0.dataset, $0.layers, $0.batch) < ($1.dataset, $1.layers, $1.batch) }) {
            let group = grouped[key]!
            let ff = group.filter { $0.algorithm == "ff" }.sorted { ($0.seed ?? 0) < ($1.seed ?? 0) }
            let bp = group.filter { $0.algorithm == "bp" }.sorted { ($0.seed ?? 0) < ($1.seed ?? 0) }
            let paired = !ff.isEmpty && ff.map(\.seed) == bp.map(\.seed)
            for metric in metrics {
                let a = ff.compactMap { metricsByRun[$0.id]?.values[metric] }
                let b = bp.compactMap { metricsByRun[$0.id]?.values[metric] }
                var r = Compare.groups(["ff", "bp"], first: a, second: b, paired: paired && a.count == ff.count && b.count == bp.count,
                                       censored: [ff.count - a.count, bp.count - b.count], metric: metric, options: options)
                r.dataset = key.dataset
                r.configuration = "\(key.layers), batch \(key.batch)"
                if ff.isEmpty || bp.isEmpty { r.notes.append("only one arm has runs: nothing to compare") }
                results.append(r)
            }
        }
        Compare.adjust(&results, method: correction)
        return Report(targetError: targetError, correction: correction.rawValue, comparisons: results,
                      runs: runs.compactMap { metricsByRun[$0.id] })
    }
}
