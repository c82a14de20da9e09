import Analysis
import Foundation
import RunStore

/// Everything a report shows, gathered from the run database once. A
/// report is a pure function of this model, so of the database.
public struct ReportModel: Sendable {
    public struct Timeline: Sendable {
        public var unit: ComparisonUnit, arm: ArmInfo, runID: String
        /// Memory metric (RSS, a ledger category, GPU memory) -> (t, value) in time order.
        public var series: [SampleMetric: [(t: Double, value: Double)]]
        /// The ledger's categories at the sample where its total peaked
        /// (from every sample, before thinning), in bytes.
        public var breakdown: [String: Double]
    }

    public var title: String
    public var study: String?
    public var database: String
    public var runs: [RunRecord]
    public var epochs: [String: [EpochRecord]]
    public var analysis: StudyComparison
    public var hosts: [String]
    /// Per-run figures of every completed run, by run id.
    public var metrics: [String: RunMetrics]
    /// Memory over time of one run (the lowest seed) per unit and arm.
    public var timelines: [Timeline]
    /// nvidia-smi's samples summarised, by run id (runs with any).
    public var gpu: [String: [SampleMetric: SampleSummary]]
    /// The quiet checks the studies made when they started, in words.
    public var quietChecks: [String]
    /// Whether energy was measured, and if not why (from the runs' host facts).
    public var energy: String
    /// The newest stored time: the only date a report prints or embeds.
    public var asOf: String

    public var comparisons: [ArmComparison] { analysis.comparisons }

    public static func load(store: RunStore, study: String?, overrides: PlanDeclaration = .init()) throws(RunStoreError) -> ReportModel {
        let runs = try store.runs(study: study)
        let epochs = try store.epochsByRun(study: study)
        let analysis = StudyComparison.make(runs: runs, epochs: epochs, studies: try store.studies(), overrides: overrides)
        let hosts = Set(runs.compactMap { $0.host?.summary }).sorted()
        var timelines: [Timeline] = []
        let completed = runs.filter { $0.status == .completed }
        let groups = Dictionary(grouping: completed) { UnitArm(unit: ComparisonUnit($0), arm: ArmInfo.of($0).name) }
        for key in groups.keys.sorted() {
            guard let first = groups[key]!.min(by: { ($0.seed ?? 0, $0.id) < ($1.seed ?? 0, $1.id) }) else { continue }
            let samples = try store.samples(first.id)
            guard !samples.isEmpty else { continue }
            let byMetric = Dictionary(grouping: samples, by: \.metric)
            var series: [SampleMetric: [(t: Double, value: Double)]] = [:]
            for (metric, rows) in byMetric where metric.isMemoryCurve {
                series[metric] = thin(rows.sorted { $0.t < $1.t }.map { ($0.t, $0.value) }, to: 400)
            }
            var breakdown: [String: Double] = [:]
            if let peak = byMetric[.tensorBytes]?.max(by: { ($0.value, -$0.t) < ($1.value, -$1.t) }) {
                for s in samples where s.t == peak.t { if let c = s.metric.tensorCategory { breakdown[c] = s.value } }
            }
            timelines.append(Timeline(unit: key.unit, arm: ArmInfo.of(first), runID: first.id, series: series, breakdown: breakdown))
        }
        let studyRecords = try store.studies().filter { s in study == nil ? runs.contains { $0.study == s.name } : s.name == study }
        let quietChecks = studyRecords.compactMap { s in s.quiet.map { "Quiet check when study \(s.name) last started: \($0.summary)" } }
        let energies = Set(runs.compactMap { $0.host?.energy }).sorted()
        let energy = energies.isEmpty ? "not measured: the runs stored no energy counter (recorded before ffbench measured energy)" : energies.joined(separator: "; ")
        let asOf = runs.compactMap { $0.finishedAt ?? $0.startedAt }.max() ?? "no runs"
        // A database of one study is titled by it.
        let studies = Set(runs.compactMap(\.study))
        let name = study ?? (studies.count == 1 && runs.allSatisfy { $0.study != nil } ? studies.first : nil)
        return ReportModel(title: name.map { "ffbench report: \($0)" } ?? "ffbench report", study: study,
                           database: (store.path as NSString).lastPathComponent, runs: runs, epochs: epochs,
                           analysis: analysis, hosts: hosts,
                           metrics: Dictionary(uniqueKeysWithValues: analysis.runs.map { ($0.runID, $0) }),
                           timelines: timelines, gpu: try store.sampleSummaries(completed.map(\.id), metrics: GPUTable.metrics),
                           quietChecks: quietChecks, energy: energy, asOf: asOf)
    }
}

/// A unit and an arm name: how figures group runs.
struct UnitArm: Hashable, Comparable {
    var unit: ComparisonUnit
    var arm: String
    static func < (a: UnitArm, b: UnitArm) -> Bool { a.unit != b.unit ? a.unit < b.unit : a.arm < b.arm }
}

/// At most `count` points, evenly spaced in index and always keeping the
/// last: a timeline figure needs its shape, not 100,000 points.
func thin(_ points: [(t: Double, value: Double)], to count: Int) -> [(t: Double, value: Double)] {
    guard points.count > count, count >= 2 else { return points }
    let step = Double(points.count - 1) / Double(count - 1)
    return (0..<count).map { points[Int((Double($0) * step).rounded())] }
}
