import Analysis
import Foundation
import RunStore

/// Everything a report shows, gathered from the run database once. A
/// report is a pure function of this model, so of the database.
public struct ReportModel: Sendable {
    public struct Timeline: Sendable {
        public var dataset: String, configuration: String, arm: String, runID: String
        /// metric ("rss_bytes", "tensor_bytes.weights", …) -> (t, value) in time order.
        public var series: [String: [(t: Double, value: Double)]]
    }

    public struct Curve: Sendable {
        public var dataset: String, configuration: String, arm: String
        /// Per epoch: mean test error over seeds with its 95 % t-interval (in %).
        public var epochs: [(epoch: Int, mean: Double, low: Double, high: Double)]
    }

    public var title: String
    public var study: String?
    public var database: String
    public var targetError: Double
    public var runs: [RunRecord]
    public var epochs: [String: [EpochRecord]]
    public var comparisons: [GroupComparison]
    public var curves: [Curve]
    public var hosts: [String]
    /// Per-run figures (RunMetrics) of every compared run, by run id.
    public var metrics: [String: RunMetrics]
    /// Memory over time of one run (the lowest seed) per configuration and arm.
    public var timelines: [Timeline]
    /// The newest stored time: the only date a report prints or embeds.
    public var asOf: String

    public static func load(store: RunStore, study: String?, targetError: Double, resamples: Int = 9_999) throws(RunStoreError) -> ReportModel {
        let runs = try store.runs(study: study)
        let epochs = try store.read { db in
            try Dictionary(grouping: EpochRecord.fetchAll(db, sql: "SELECT * FROM epochs ORDER BY run_id, epoch"), by: \.runID)
        }
        var options = ComparisonOptions()
        options.resamples = resamples
        let report = try StoreComparison.compare(store: store, study: study, metrics: RunMetrics.names, targetError: targetError, options: options)
        var curves: [Curve] = []
        let completed = runs.filter { $0.status == .completed && ($0.algorithm == "ff" || $0.algorithm == "bp") }
        let groups = Dictionary(grouping: completed) { "\($0.dataset ?? "-")|\($0.layers ?? "-")|\($0.batchSize ?? 0)|\($0.algorithm)" }
        for key in groups.keys.sorted() {
            let parts = key.split(separator: "|").map(String.init)
            var byEpoch: [Int: [Double]] = [:]
            for run in groups[key]! {
                for e in epochs[run.id] ?? [] { if let t = e.testError { byEpoch[e.epoch, default: []].append(100 * t) } }
            }
            let points = byEpoch.keys.sorted().map { epoch -> (Int, Double, Double, Double) in
                let values = byEpoch[epoch]!
                let m = Stats.mean(values)
                if let ci = try? ConfidenceInterval.tMean(values) { return (epoch, m, ci.low, ci.high) }
                return (epoch, m, m, m)
            }
            curves.append(Curve(dataset: parts[0], configuration: "\(parts[1]), batch \(parts[2])", arm: parts[3], epochs: points))
        }
        let hosts = Set(runs.compactMap { run -> String? in
            guard let json = run.hostJSON, let data = json.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return "\(object["hostname"] ?? "?"): \(object["cpu_model"] ?? "?"), \(object["cores"] ?? "?") cores, \(object["blas_config"] ?? "")"
        }).sorted()
        var timelines: [Timeline] = []
        for key in groups.keys.sorted() {
            let parts = key.split(separator: "|").map(String.init)
            guard let first = groups[key]!.min(by: { ($0.seed ?? 0, $0.id) < ($1.seed ?? 0, $1.id) }) else { continue }
            let samples = try store.samples(first.id)
            guard !samples.isEmpty else { continue }
            let byMetric = Dictionary(grouping: samples, by: \.metric)
            var series: [String: [(t: Double, value: Double)]] = [:]
            for (metric, rows) in byMetric where metric == "rss_bytes" || metric.hasPrefix("tensor_bytes.") {
                series[metric] = thin(rows.sorted { $0.t < $1.t }.map { ($0.t, $0.value) }, to: 400)
            }
            timelines.append(Timeline(dataset: parts[0], configuration: "\(parts[1]), batch \(parts[2])", arm: parts[3],
                                      runID: first.id, series: series))
        }
        let asOf = runs.compactMap { $0.finishedAt ?? $0.startedAt }.max() ?? "no runs"
        return ReportModel(title: study.map { "ffbench report: \($0)" } ?? "ffbench report", study: study,
                           database: (store.path as NSString).lastPathComponent, targetError: targetError, runs: runs,
                           epochs: epochs, comparisons: report.comparisons, curves: curves, hosts: hosts,
                           metrics: Dictionary(uniqueKeysWithValues: report.runs.map { ($0.runID, $0) }),
                           timelines: timelines, asOf: asOf)
    }
}

/// At most `count` points, evenly spaced in index and always keeping the
/// last: a timeline figure needs its shape, not 100,000 points.
func thin(_ points: [(t: Double, value: Double)], to count: Int) -> [(t: Double, value: Double)] {
    guard points.count > count, count >= 2 else { return points }
    let step = Double(points.count - 1) / Double(count - 1)
    return (0..<count).map { points[Int((Double($0) * step).rounded())] }
}
