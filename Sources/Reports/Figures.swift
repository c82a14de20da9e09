import Analysis
import Charts
import Foundation
import RunStore

/// The report's figures as chart values, each with a file stem.
public enum Figures {
    public static func all(_ model: ReportModel) -> [(name: String, caption: String, chart: Chart)] {
        var out: [(String, String, Chart)] = []
        // Test error per epoch, mean over seeds with a 95 % CI band, FF vs BP.
        let keys = Array(Set(model.curves.map { "\($0.dataset)|\($0.configuration)" })).sorted()
        for key in keys {
            let curves = model.curves.filter { "\($0.dataset)|\($0.configuration)" == key }.sorted { $0.arm > $1.arm }
            let parts = key.split(separator: "|").map(String.init)
            let series = curves.map { c in
                Series(name: c.arm, points: c.epochs.map { Point(x: Double($0.epoch), y: $0.mean, low: $0.low, high: $0.high) })
            }
            let stem = "test-error-" + slug("\(parts[0])-\(parts[1])")
            out.append((stem, "Test error per epoch on \(parts[0]) (\(parts[1])): mean over seeds with 95 % t-interval.",
                        Chart(kind: .line, title: "\(parts[0]), \(parts[1])", xLabel: "epoch", yLabel: "test error (%)", series: series)))
        }
        // One dot chart per headline metric: FF vs BP per configuration, mean with 95 % t-interval and every run.
        let metrics: [(String, String, Double)] = [
            ("mean_epoch_seconds", "time per epoch (s)", 1), ("total_train_seconds", "total training time (s)", 1),
            ("time_to_target_seconds", "time to target error (s)", 1), ("peak_rss_bytes", "peak RSS (MiB)", 1.0 / 1_048_576),
            ("peak_activation_bytes", "peak activation memory (MiB)", 1.0 / 1_048_576),
        ]
        for (metric, label, scale) in metrics {
            let rows = model.comparisons.filter { $0.metric == metric && $0.describe.count == 2 }
            guard !rows.isEmpty else { continue }
            let categories = rows.map { "\($0.dataset ?? "") \($0.configuration?.split(separator: ",").first.map(String.init) ?? "")" }
            let series = ["ff", "bp"].enumerated().map { arm, name in
                Series(name: name, points: rows.enumerated().map { i, r in
                    let ci = r.meanCI.count > arm ? r.meanCI[arm] : nil
                    let d = r.describe[arm]
                    return Point(x: Double(i), y: d.mean * scale, low: ci.map { $0.low * scale }, high: ci.map { $0.high * scale })
                })
            }
            out.append((slug(metric), "\(label.prefix(1).uppercased() + label.dropFirst()), FF and BP: mean over runs with 95 % t-interval.",
                        Chart(kind: .dots(categories: categories), xLabel: "data set and network", yLabel: label, series: series,
                              size: categories.count > 2 ? .doubleColumn : .singleColumn)))
        }
        out += boxes(model)
        out += timelines(model)
        out += scaling(model)
        return out
    }

    typealias Figure = (name: String, caption: String, chart: Chart)
    static let mib = 1.0 / 1_048_576

    /// Per-run values of one metric for one configuration and arm.
    static func values(_ model: ReportModel, dataset: String, configuration: String, arm: String, metric: String) -> [Double] {
        model.runs.filter { r in
            r.status == .completed && r.algorithm == arm && (r.dataset ?? "-") == dataset
                && "\(r.layers ?? "-"), batch \(r.batchSize ?? 0)" == configuration
        }.sorted { ($0.seed ?? 0, $0.id) < ($1.seed ?? 0, $1.id) }.compactMap { model.metrics[$0.id]?.values[metric] }
    }

    /// Box plots with every run drawn: the spread behind each mean.
    static func boxes(_ model: ReportModel) -> [Figure] {
        let metrics: [(String, String, Double)] = [
            ("mean_epoch_seconds", "time per epoch (s)", 1), ("peak_rss_bytes", "peak RSS (MiB)", mib),
            ("final_test_error", "final test error (%)", 100),
        ]
        var out: [Figure] = []
        for (metric, label, scale) in metrics {
            let rows = model.comparisons.filter { $0.metric == metric && $0.n.reduce(0, +) > 0 }
            guard !rows.isEmpty else { continue }
            let categories = rows.map { "\($0.dataset ?? "") \($0.configuration?.split(separator: ",").first.map(String.init) ?? "")" }
            let series = ["ff", "bp"].map { arm in
                Series(name: arm, points: rows.enumerated().map { i, r in
                    let v = values(model, dataset: r.dataset ?? "-", configuration: r.configuration ?? "", arm: arm, metric: metric)
                    return Point(x: Double(i), y: v.isEmpty ? .nan : Stats.median(v) * scale, values: v.map { $0 * scale })
                })
            }
            out.append(("box-" + slug(metric), "\(label.prefix(1).uppercased() + label.dropFirst()) of every run, FF and BP: box (quartiles, whiskers to 1.5 IQR) and one circle per run.",
                        Chart(kind: .box(categories: categories), xLabel: "data set and network", yLabel: label, series: series,
                              size: categories.count > 2 ? .doubleColumn : .singleColumn)))
        }
        return out
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
            let stem = "memory-timeline-" + slug("\(t.dataset)-\(t.configuration)-\(t.arm)")
            return (stem, "Memory of one \(t.arm.uppercased()) run on \(t.dataset) (\(t.configuration)): tensor bytes by ledger category, stacked, and the process's RSS, as sampled while it trained.",
                    Chart(kind: .timeline(stacked: stacked), title: "\(t.arm.uppercased()), \(t.dataset), \(t.configuration)",
                          xLabel: "time since start (s)", yLabel: "memory (MiB)", series: series))
        }
    }

    /// Log–log plots of a metric against parameter count (one batch size)
    /// and against batch size (one network), with the fitted power law,
    /// wherever an arm has at least three distinct x values.
    static func scaling(_ model: ReportModel) -> [Figure] {
        let completed = model.runs.filter { $0.status == .completed && ($0.algorithm == "ff" || $0.algorithm == "bp") }
        let metrics: [(String, String, Double)] = [("mean_epoch_seconds", "time per epoch (s)", 1), ("peak_rss_bytes", "peak RSS (MiB)", mib)]
        var out: [Figure] = []
        let datasets = Set(completed.compactMap(\.dataset)).sorted()
        for dataset in datasets {
            let runs = completed.filter { $0.dataset == dataset }
            // Against parameters, per batch size; against batch size, per network.
            var sweeps: [(String, String, [RunRecord], (RunRecord) -> Double?)] = []
            for b in Set(runs.compactMap(\.batchSize)).sorted() {
                sweeps.append(("parameters", "batch \(b)", runs.filter { $0.batchSize == b }, { $0.parameterCount.map(Double.init) }))
            }
            for l in Set(runs.compactMap(\.layers)).sorted() {
                sweeps.append(("batch size", l, runs.filter { $0.layers == l }, { $0.batchSize.map(Double.init) }))
            }
            for (xName, fixed, group, x) in sweeps {
                for (metric, label, scale) in metrics {
                    var series: [Series] = []
                    for arm in ["ff", "bp"] {
                        let points = group.filter { $0.algorithm == arm }.compactMap { r -> Point? in
                            guard let xv = x(r), let y = model.metrics[r.id]?.values[metric], xv > 0, y > 0 else { return nil }
                            return Point(x: xv, y: y * scale)
                        }
                        guard Set(points.map(\.x)).count >= 3,
                              let fit = try? ScalingFit(x: points.map(\.x), y: points.map(\.y)) else { continue }
                        series.append(Series(name: String(format: "%@ (exponent %.2f)", arm, fit.exponent), points: points,
                                             fit: PowerLaw(intercept: fit.intercept / log(10), exponent: fit.exponent)))
                    }
                    guard !series.isEmpty else { continue }
                    out.append(("scaling-" + slug("\(metric)-\(dataset)-\(xName)-\(fixed)"),
                                "\(label.prefix(1).uppercased() + label.dropFirst()) against \(xName) on \(dataset) (\(fixed)), log–log: every run, and the least-squares line in log space with its exponent.",
                                Chart(kind: .logLog, title: "\(dataset), \(fixed)", xLabel: xName, yLabel: label, series: series)))
                }
            }
        }
        return out
    }

    static func slug(_ s: String) -> String {
        String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }).replacingOccurrences(of: "--", with: "-")
    }
}
