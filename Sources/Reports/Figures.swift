import Analysis
import Charts
import Foundation
import RunStore

/// The report's figures as chart values, each with a file stem.
public enum Figures {
    public typealias Figure = (name: String, caption: String, chart: Chart)
    static let mib = 1.0 / 1_048_576

    public static func all(_ model: ReportModel) -> [Figure] {
        curves(model) + boxes(model) + timelines(model) + scaling(model)
    }

    static func completed(_ model: ReportModel) -> [UnitArm: [RunRecord]] {
        Dictionary(grouping: model.runs.filter { $0.status == .completed }) { UnitArm(unit: ComparisonUnit($0), arm: ArmInfo.of($0).name) }
            .mapValues { $0.sorted { ($0.seed ?? 0, $0.id) < ($1.seed ?? 0, $1.id) } }
    }

    static func units(_ model: ReportModel) -> [ComparisonUnit] {
        Array(Set(completed(model).keys.map(\.unit))).sorted()
    }

    /// Test error per epoch per arm: mean over seeds with a 95 % t band.
    static func curves(_ model: ReportModel) -> [Figure] {
        let groups = completed(model)
        return units(model).compactMap { unit in
            let series = groups.keys.filter { $0.unit == unit }.sorted().map { key -> Series in
                var byEpoch: [Int: [Double]] = [:]
                for run in groups[key]! {
                    for e in model.epochs[run.id] ?? [] { if let t = e.testError { byEpoch[e.epoch, default: []].append(100 * t) } }
                }
                return Series(name: key.arm, points: byEpoch.keys.sorted().map { epoch in
                    let v = byEpoch[epoch]!
                    let ci = try? ConfidenceInterval.tMean(v)
                    return Point(x: Double(epoch), y: Stats.mean(v), low: ci?.low, high: ci?.high)
                })
            }.filter { !$0.points.isEmpty }
            guard !series.isEmpty else { return nil }
            let title = "\(unit.dataset ?? "–"), \(unit.configuration)"
            return ("test-error-" + slug(title), "Test error per epoch on \(title): mean over seeds with 95 % t-interval.",
                    Chart(kind: .line, title: title, xLabel: "epoch", yLabel: "test error (%)", series: series))
        }
    }

    /// Box plots with every run drawn: the spread behind each estimate.
    static func boxes(_ model: ReportModel) -> [Figure] {
        let groups = completed(model)
        let arms = Array(Set(groups.keys.map(\.arm))).sorted()
        let unitList = units(model)
        guard !unitList.isEmpty else { return [] }
        let categories = unitList.map { "\($0.dataset ?? "") \($0.layers ?? "")" }
        return [Metrics.epochTime, Metrics.peakRSS, Metrics.finalTestError].compactMap { m in
            let series = arms.map { arm in
                Series(name: arm, points: unitList.enumerated().map { i, unit in
                    let v = (groups[UnitArm(unit: unit, arm: arm)] ?? []).compactMap { model.metrics[$0.id]?.values[m.name] }.map { $0 * m.scale }
                    return Point(x: Double(i), y: v.isEmpty ? .nan : Stats.median(v), values: v)
                })
            }
            return ("box-" + slug(m.name), "\(m.label.prefix(1).uppercased() + m.label.dropFirst()) of every run, per arm: box (quartiles, whiskers to 1.5 IQR) and one circle per run.",
                    Chart(kind: .box(categories: categories), xLabel: "data set and network", yLabel: m.label, series: series,
                          size: categories.count > 2 ? .doubleColumn : .singleColumn))
        }
    }

    /// Memory over one run: the ledger's categories stacked, RSS on top.
    static func timelines(_ model: ReportModel) -> [Figure] {
        model.timelines.compactMap { t in
            let categories = ["weights", "gradients", "optimizer", "activations", "dataset", "other"]
            var series = categories.compactMap { c -> Series? in
                guard let points = t.series["tensor_bytes." + c], points.contains(where: { $0.value > 0 }) else { return nil }
                return Series(name: c, points: points.map { Point(x: $0.t, y: $0.value * mib) })
            }
            let stacked = series.count
            if let rss = t.series["rss_bytes"] {
                series.append(Series(name: "RSS", points: rss.map { Point(x: $0.t, y: $0.value * mib) }))
            }
            guard !series.isEmpty else { return nil }
            let title = "\(t.arm.title), \(t.unit.dataset ?? "–"), \(t.unit.configuration)"
            return ("memory-timeline-" + slug(title), "Memory of one \(t.arm.title) run on \(t.unit.dataset ?? "–") (\(t.unit.configuration)): tensor bytes by ledger category, stacked, and the process's RSS, as sampled while it trained.",
                    Chart(kind: .timeline(stacked: stacked), title: title, xLabel: "time since start (s)", yLabel: "memory (MiB)", series: series))
        }
    }

    /// Log–log plots of a metric against parameter count (one batch size)
    /// and against batch size (one network), with the fitted power law,
    /// wherever an arm has at least three distinct x values.
    static func scaling(_ model: ReportModel) -> [Figure] {
        let completed = model.runs.filter { $0.status == .completed }
        var out: [Figure] = []
        for dataset in Set(completed.compactMap(\.dataset)).sorted() {
            let runs = completed.filter { $0.dataset == dataset }
            var sweeps: [(String, String, [RunRecord], (RunRecord) -> Double?)] = []
            for b in Set(runs.compactMap(\.batchSize)).sorted() {
                sweeps.append(("parameters", "batch \(b)", runs.filter { $0.batchSize == b }, { $0.parameterCount.map(Double.init) }))
            }
            for l in Set(runs.compactMap(\.layers)).sorted() {
                sweeps.append(("batch size", l, runs.filter { $0.layers == l }, { $0.batchSize.map(Double.init) }))
            }
            for (xName, fixed, group, x) in sweeps {
                for m in [Metrics.epochTime, Metrics.peakRSS] {
                    var series: [Series] = []
                    for arm in Set(group.map { ArmInfo.of($0).name }).sorted() {
                        let points = group.filter { ArmInfo.of($0).name == arm }.compactMap { r -> Point? in
                            guard let xv = x(r), let y = model.metrics[r.id]?.values[m.name], xv > 0, y > 0 else { return nil }
                            return Point(x: xv, y: y * m.scale)
                        }
                        guard Set(points.map(\.x)).count >= 3,
                              let fit = try? ScalingFit(x: points.map(\.x), y: points.map(\.y)) else { continue }
                        series.append(Series(name: String(format: "%@ (exponent %.2f)", arm, fit.exponent), points: points,
                                             fit: PowerLaw(intercept: fit.intercept / log(10), exponent: fit.exponent)))
                    }
                    guard !series.isEmpty else { continue }
                    out.append(("scaling-" + slug("\(m.name)-\(dataset)-\(xName)-\(fixed)"),
                                "\(m.label.prefix(1).uppercased() + m.label.dropFirst()) against \(xName) on \(dataset) (\(fixed)), log–log: every run, and the least-squares line in log space with its exponent.",
                                Chart(kind: .logLog, title: "\(dataset), \(fixed)", xLabel: xName, yLabel: m.label, series: series)))
                }
            }
        }
        return out
    }

    static func slug(_ s: String) -> String {
        var out = String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
        while out.contains("--") { out = out.replacingOccurrences(of: "--", with: "-") }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
