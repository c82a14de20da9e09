import Analysis
import Charts
import Foundation
import RunStore

/// The time–memory frontier: what each arm costs in time per epoch for
/// what it saves in memory, at every configuration, and which arms no other
/// beats on both at their configuration (the Pareto front).
extension Figures {
    /// One arm at one configuration: medians over its runs.
    struct Cost {
        var arm: String
        var shape: Shape
        var seconds: Double
        var memory: Double
    }

    /// Where networks are compared at one effective batch: study, data set,
    /// batch (zero-padded, so keys sort by it) and epochs.
    static func panelKey(_ run: RunRecord, _ shape: Shape) -> String {
        "\(run.study ?? "")|\(run.dataset ?? "")|\(String(format: "%012d", shape.batch))|\(run.epochs ?? 0)"
    }

    /// Per data set and batch size (the effective batch every arm shares),
    /// two panels: peak RSS (measured) and peak activation memory (the
    /// ledger's, exact); each arm's configurations joined in depth order.
    static func frontiers(_ model: ReportModel, styles: ArmStyles) -> [Figure] {
        let g = groups(model)
        var out: [Figure] = []
        let keyed = g.keys.compactMap { key -> (UnitArm, Shape, String)? in
            guard let run = g[key]?.first, let shape = Shape(run) else { return nil }
            return (key, shape, panelKey(run, shape))
        }
        let panels = Dictionary(grouping: keyed, by: \.2)
        for key in panels.keys.sorted() {
            let members = panels[key]!.map { ($0.0, $0.1) }
            // A frontier needs several arms and several networks: with one network it is two dots.
            guard Set(members.map(\.0.arm)).count >= 2, Set(members.map(\.1)).count >= 2,
                  let unit = members.first?.0.unit, let batch = members.first?.1.batch else { continue }
            for m in [Metrics.peakRSS, Metrics.peakActivations] {
                let costs = members.compactMap { key, shape -> Cost? in
                    let runs = g[key] ?? []
                    let t = runs.compactMap { model.metrics[$0.id]?.values[Metrics.epochTime.name] }
                    let y = runs.compactMap { model.metrics[$0.id]?.values[m.name] }
                    guard !t.isEmpty, !y.isEmpty else { return nil }
                    return Cost(arm: key.arm, shape: shape, seconds: Stats.median(t), memory: Stats.median(y))
                }
                guard Set(costs.map(\.arm)).count >= 2 else { continue }
                let series = Set(costs.map(\.arm)).sorted().map { arm in
                    let points = costs.filter { $0.arm == arm }.sorted { ($0.shape.depth, $0.shape.width) < ($1.shape.depth, $1.shape.width) }
                        .map { c in
                            Point(x: c.seconds, y: c.memory * m.scale, label: "\(c.shape.depth)×\(c.shape.width)",
                                  ringed: onFront(c, among: costs))
                        }
                    var s = styles.series(arm, points: points)
                    s.connected = true
                    return s
                }
                let what = m.name == Metrics.peakRSS.name ? "peak RSS (measured)" : "peak activation memory (the ledger's, exact)"
                out.append(Figure(
                    name: "frontier-" + slug("\(m.name)-\(unit.dataset ?? "")-batch-\(batch)"),
                    caption: "Time–memory frontier on \(ReportText.datasetTitle(unit.dataset)), batch \(batch): time per epoch against \(what), log–log, one point per arm and network (the median of its runs; labels give hidden layers × width), each arm's networks joined in order of depth. A ringed point is on the Pareto front of its network: no other arm there is both faster and smaller.",
                    chart: Chart(kind: .logLog, title: "\(ReportText.datasetTitle(unit.dataset)), batch \(batch)", xLabel: "time per epoch (s)",
                                 yLabel: m.label, series: series, size: .doubleColumn)))
            }
        }
        return out
    }

    /// No other arm at the same network is at least as fast and as small, and better in one.
    static func onFront(_ c: Cost, among all: [Cost]) -> Bool {
        !all.contains { o in
            o.shape == c.shape && o.arm != c.arm && o.seconds <= c.seconds && o.memory <= c.memory
                && (o.seconds < c.seconds || o.memory < c.memory)
        }
    }
}
