import Analysis
import Foundation
import RunStore

/// "Where FF uses less memory than the best BP variant": per data set and
/// batch size, the depth from which FF's memory falls below every BP arm's,
/// from power laws fitted to each arm's runs against depth, and what FF's
/// time per epoch is there against the BP arm it beats last.
enum CrossoverTable {
    static let header = ["data set", "batch size", "memory", "crossover depth (95 % interval)", "BP arm beaten last", "FF time per epoch there"]

    static func rows(_ model: ReportModel, styles: ArmStyles) -> [[String]] {
        let completed = model.runs.filter { $0.status == .completed }
        var out: [[String]] = []
        let shaped = completed.compactMap { r in Figures.Shape(r).map { (r, $0) } }
        let panels = Dictionary(grouping: shaped) { Figures.panelKey($0.0, $0.1) }
        for key in panels.keys.sorted() {
            let runs = panels[key]!
            let arms = Dictionary(grouping: runs) { ArmInfo.of($0.0) }
            guard let ff = arms.keys.filter({ $0.algorithm == "ff" }).sorted(by: { $0.name < $1.name }).first else { continue }
            let bps = arms.keys.filter { $0.algorithm == "bp" && $0.framework == ff.framework }.sorted { $0.name < $1.name }
            let depths = Set(runs.map(\.1.depth)).sorted()
            guard !bps.isEmpty, depths.count >= 3, let first = runs.first else { continue }
            for m in [Metrics.peakActivations, Metrics.peakRSS] {
                func fit(_ arm: ArmInfo) -> ScalingFit? {
                    let points = (arms[arm] ?? []).compactMap { r, s -> (Double, Double)? in
                        guard let y = model.metrics[r.id]?.values[m.name], y > 0 else { return nil }
                        return (Double(s.depth), y)
                    }
                    return try? ScalingFit(x: points.map(\.0), y: points.map(\.1))
                }
                guard let f = fit(ff) else { continue }
                let crossings = bps.compactMap { v in fit(v).map { (v, Crossover(arm: f, other: $0)) } }
                guard crossings.count == bps.count else { continue }
                let what = m.name == Metrics.peakRSS.name ? "peak RSS (measured)" : "peak activations (exact)"
                let prefix = [ReportText.datasetTitle(first.0.dataset), String(first.1.batch), what]
                out.append(prefix + cells(crossings, depths: depths, ff: ff, runs: runs, model: model, styles: styles))
            }
        }
        return out
    }

    /// The crossover, the BP arm that sets it, and FF's time against that arm
    /// at the first depth studied at or beyond it.
    static func cells(_ crossings: [(ArmInfo, Crossover)], depths: [Int], ff: ArmInfo, runs: [(RunRecord, Figures.Shape)],
                      model: ReportModel, styles: ArmStyles) -> [String] {
        let range = "\(depths.first!)–\(depths.last!) layers"
        // A BP arm whose memory grows no faster than FF's is never passed as depth grows.
        if let (v, c) = crossings.first(where: { !$0.1.armLowerAbove || $0.1.x == nil }) {
            let never = depths.allSatisfy { c.armLower(at: Double($0)) == false }
            let always = depths.allSatisfy { c.armLower(at: Double($0)) == true }
            let note = always ? "FF is lower at every depth studied, but its memory grows faster with depth than \(styles.label(v))’s"
                : never ? "none: FF’s memory is above \(styles.label(v))’s at every depth studied and grows at least as fast"
                : "none beyond \(layers(c.x ?? 0)) layers: FF’s memory grows faster with depth than \(styles.label(v))’s"
            return [note, styles.label(v), "—"]
        }
        let (v, c) = crossings.max { ($0.1.x ?? 0) < ($1.1.x ?? 0) }!
        let x = c.x!
        let interval = c.low.flatMap { l in c.high.map { h in "\(layers(l))–\(layers(h))" } } ?? "unbounded: the exponents’ intervals overlap"
        let depth: Int
        let crossing: String
        if x <= Double(depths.first!) {
            crossing = "below the range: FF is lower at every depth studied (\(range)); the fits cross at \(layers(x)) (\(interval))"
            depth = depths.first!
        } else if x > Double(depths.last!) {
            return ["none in the range studied (\(range)); the fits cross at \(layers(x)) (\(interval)), beyond it", styles.label(v), "—"]
        } else {
            crossing = "\(layers(x)) (\(interval))"
            depth = depths.first { Double($0) >= x }!
        }
        return [crossing, styles.label(v), time(ff: ff, against: v, depth: depth, runs: runs, model: model)]
    }

    /// A depth from a fit, to 4 significant figures; one far beyond any
    /// network anyone trains is an extrapolation not worth its digits.
    static func layers(_ x: Double) -> String {
        x > 10_000 ? "over 10,000" : x < 0.01 ? "under 0.01" : Number.plain(x)
    }

    /// FF's time-per-epoch ratio against `v` at `depth`, as its comparison gives it.
    static func time(ff: ArmInfo, against v: ArmInfo, depth: Int, runs: [(RunRecord, Figures.Shape)], model: ReportModel) -> String {
        guard let (run, _) = runs.first(where: { $0.1.depth == depth }) else { return "—" }
        let unit = ComparisonUnit(run)
        guard let c = model.comparisons.first(where: { $0.unit == unit && $0.arm.name == ff.name && $0.baseline.name == v.name }),
              let e = c.endpoint(Metrics.epochTime) else { return "not compared at \(unit.layers ?? "?")" }
        guard let r = e.ratio else { return "\(ResultTables.verdictWords(e, c)) at \(unit.layers ?? "?")" }
        return "\(Number.interval(r.ratio, unit: "×")) at \(unit.layers ?? "?")"
    }
}
