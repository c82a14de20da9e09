import Analysis
import Charts
import Foundation
import RunStore

/// The report's figures as chart values, each with a file stem and caption.
enum Figures {
    struct Figure {
        var name: String
        var caption: String
        var chart: Chart
    }

    static let mib = 1.0 / 1_048_576

    /// Completed runs by unit and arm, by seed.
    static func groups(_ model: ReportModel) -> [UnitArm: [RunRecord]] {
        Dictionary(grouping: model.runs.filter { $0.status == .completed }) { UnitArm(unit: ComparisonUnit($0), arm: ArmInfo.of($0).name) }
            .mapValues { $0.sorted { ($0.seed ?? 0, $0.id) < ($1.seed ?? 0, $1.id) } }
    }

    static func unitTitle(_ u: ComparisonUnit) -> String {
        "\(ReportText.datasetTitle(u.dataset)), \(u.configuration)"
    }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    // MARK: - Efficiency: error against cumulative training time

    /// Validation (or test) error against cumulative training time, per
    /// arm: the median over seeds at each epoch, with the seeds' range as a
    /// band, and the unit's target error as a line.
    static func errorAgainstTime(_ model: ReportModel, unit: ComparisonUnit, styles: ArmStyles) -> Figure? {
        let g = groups(model)
        let keys = g.keys.filter { $0.unit == unit }.sorted()
        let runs = keys.flatMap { g[$0]! }
        let onValidation = !runs.isEmpty && runs.allSatisfy { model.metrics[$0.id]?.selectsOnValidation == true }
        let split = onValidation ? "validation" : "test"
        let series = keys.compactMap { key -> Series? in
            var byEpoch: [Int: (seconds: [Double], errors: [Double])] = [:]
            for run in g[key]! {
                for p in model.metrics[run.id]?.progress ?? [] {
                    guard let e = p.error else { continue }
                    byEpoch[p.epoch, default: ([], [])].seconds.append(p.seconds)
                    byEpoch[p.epoch, default: ([], [])].errors.append(100 * e)
                }
            }
            let points = byEpoch.keys.sorted().map { epoch -> Point in
                let v = byEpoch[epoch]!
                return Point(x: Stats.median(v.seconds), y: Stats.median(v.errors), low: v.errors.min(), high: v.errors.max())
            }
            return points.isEmpty ? nil : styles.series(key.arm, points: points)
        }
        guard !series.isEmpty else { return nil }
        let target = model.analysis.units.first { $0.unit == unit }?.target
        let lines = target.map { [ReferenceLine(y: 100 * $0.error, label: "target \(Number.fixed(100 * $0.error, 2)) %")] } ?? []
        return Figure(name: "error-vs-time-" + slug(unitTitle(unit)),
                      caption: "\(capitalized(split)) error against cumulative training time on \(unitTitle(unit)), per arm: the median over seeds at the end of each epoch, with the seeds' range as a band\(target == nil ? "" : "; the dashed line is the target error of the time-to-target comparison"). Lower and further left is better.",
                      chart: Chart(kind: .line, title: shortTitle(unit), xLabel: "cumulative training time (s)",
                                   yLabel: "\(split) error (%)", series: series, referenceLines: lines))
    }

    // MARK: - Ratios to the baseline

    /// One primary ratio metric for every comparison: the estimate with its
    /// 95 % interval, against a line at 1 (the baseline).
    static func ratios(_ model: ReportModel, metric: Metric, styles: ArmStyles) -> Figure? {
        let comparisons = model.comparisons.filter { c in c.endpoint(metric)?.estimate != nil }
        guard !comparisons.isEmpty else { return nil }
        let units = Array(Set(comparisons.map(\.unit))).sorted()
        let arms = Array(Set(comparisons.map(\.arm.name))).sorted()
        let series = arms.map { arm in
            styles.series(arm, points: units.enumerated().map { i, u in
                guard let i95 = comparisons.first(where: { $0.unit == u && $0.arm.name == arm })?.endpoint(metric)?.estimate else {
                    return Point(x: Double(i), y: .nan)
                }
                return Point(x: Double(i), y: i95.estimate, low: i95.low, high: i95.high)
            })
        }
        let baselines = Array(Set(comparisons.map { styles.label($0.baseline) })).sorted().joined(separator: ", ")
        let what = metric.kind == .timeToTarget ? "restricted mean time to target" : metric.what
        let axis = metric.kind == .timeToTarget ? "RMST to target / baseline" : "\(what) / baseline"
        return Figure(name: "ratio-" + slug(metric.name),
                      caption: "\(capitalized(what)) of each arm relative to the baseline (\(baselines)): the \(metric.kind == .timeToTarget ? "RMST" : "geometric-mean") ratio with its 95 % interval; the dashed line at 1 is the baseline. Below 1 is \(metric.kind == .ratio && metric.name.contains("rss") ? "less memory" : "faster").",
                      chart: Chart(kind: .dots(categories: units.map(shortUnit)), xLabel: "data set and network",
                                   yLabel: axis, series: series,
                                   size: units.count > 2 ? .doubleColumn : .singleColumn,
                                   referenceLines: [ReferenceLine(y: 1, label: "baseline")], yFromZero: true))
    }

    static func shortUnit(_ u: ComparisonUnit) -> String {
        "\(ReportText.datasetTitle(u.dataset))\n\(u.layers ?? "") b\(u.batchSize.map(String.init) ?? "–")"
    }

    /// "Fashion-MNIST 2x500, b100, 3 ep.": a title that fits a single column.
    static func shortTitle(_ u: ComparisonUnit) -> String {
        "\(ReportText.datasetTitle(u.dataset)) \(u.layers ?? "–"), batch \(u.batchSize.map(String.init) ?? "–"), \(u.epochs.map(String.init) ?? "–") ep."
    }

    // MARK: - Where the memory goes

    static let ledgerCategories = ["weights", "gradients", "optimizer", "activations", "dataset", "other"]
    /// One colour per category in every figure, whichever categories a run has.
    static let ledgerColours = [Palette.bluishGreen, Palette.blue, Palette.orange, Palette.reddishPurple, Palette.skyBlue, Palette.yellow]
    static func ledgerColour(_ category: String) -> RGB { ledgerColours[ledgerCategories.firstIndex(of: category)!] }

    /// Stacked bars of the ledger by category at its peak, per arm and
    /// configuration, with the median peak RSS across the bar.
    static func memoryBreakdown(_ model: ReportModel, styles: ArmStyles) -> Figure? {
        let g = groups(model)
        let bars = model.timelines.filter { !$0.breakdown.isEmpty }
        guard !bars.isEmpty else { return nil }
        var series = ledgerCategories.compactMap { c -> Series? in
            guard bars.contains(where: { ($0.breakdown[c] ?? 0) > 0 }) else { return nil }
            return Series(name: c, points: bars.enumerated().map { i, b in Point(x: Double(i), y: (b.breakdown[c] ?? 0) * mib) },
                          color: ledgerColour(c), marker: .square)
        }
        let stacked = series.count
        series.append(Series(name: "peak RSS (median)", points: bars.enumerated().map { i, b in
            let rss = (g[UnitArm(unit: b.unit, arm: b.arm.name)] ?? []).compactMap { model.metrics[$0.id]?.values["peak_rss_bytes"] }
            return Point(x: Double(i), y: rss.isEmpty ? .nan : Stats.median(rss) * mib)
        }, color: Palette.black, marker: .diamond))
        let categories = bars.map { "\(styles.label($0.arm))\n\($0.unit.layers ?? "") b\($0.unit.batchSize.map(String.init) ?? "–")" }
        let shown = Set(bars.map(\.arm.name))
        let unledgered = Set(g.keys.map(\.arm).filter { !shown.contains($0) }).sorted().map(styles.label)
        let missing = unledgered.isEmpty ? "" : " \(ReportContent.list(unledgered)) kept no ledger (\(unledgered.count == 1 ? "it ran" : "they ran") a command) and \(unledgered.count == 1 ? "is" : "are") not shown; \(unledgered.count == 1 ? "its" : "their") peak RSS is among every run's values below."
        return Figure(name: "memory-breakdown",
                      caption: "Where the memory goes: the tensor ledger by category at the moment its total peaked (one run per arm and configuration, the lowest seed), stacked from zero, and the median peak RSS of the arm's runs (black marker). The gap between the stack and RSS is memory outside the tensors: the runtime, BLAS buffers, allocator slack." + missing,
                      chart: Chart(kind: .stackedBars(categories: categories, stacked: stacked), xLabel: "arm and configuration",
                                   yLabel: "memory (MiB)", series: series,
                                   size: categories.count > 4 ? .doubleColumn : .singleColumn, yFromZero: true))
    }

    // MARK: - Per epoch, per run, over time

    /// Test error per epoch per arm: mean over seeds with a 95 % t band.
    static func errorPerEpoch(_ model: ReportModel, unit: ComparisonUnit, styles: ArmStyles) -> Figure? {
        let g = groups(model)
        var trained = Set<Int>(), scored = Set<Int>()
        let series = g.keys.filter { $0.unit == unit }.sorted().compactMap { key -> Series? in
            var byEpoch: [Int: [Double]] = [:]
            for run in g[key]! {
                for e in model.epochs[run.id] ?? [] {
                    trained.insert(e.epoch)
                    if let t = e.testError { byEpoch[e.epoch, default: []].append(100 * t); scored.insert(e.epoch) }
                }
            }
            let points = byEpoch.keys.sorted().map { epoch -> Point in
                let v = byEpoch[epoch]!
                let ci = try? ConfidenceInterval.tMean(v)
                return Point(x: Double(epoch), y: Stats.mean(v), low: ci?.low, high: ci?.high)
            }
            return points.isEmpty ? nil : styles.series(key.arm, points: points)
        }
        guard !series.isEmpty else { return nil }
        return Figure(name: "test-error-" + slug(unitTitle(unit)),
                      caption: "Test error per epoch on \(unitTitle(unit)): mean over seeds with its 95 % t-interval."
                        + (scored == trained ? "" : " The test set was scored at epochs \(epochRanges(scored.sorted())) only (the validation split selects epochs; the test set scores the final model and these points)."),
                      chart: Chart(kind: .line, title: shortTitle(unit), xLabel: "epoch", yLabel: "test error (%)", series: series))
    }

    /// Sorted epochs as ranges: 1–5, 10 and 15.
    static func epochRanges(_ epochs: [Int]) -> String {
        var parts: [String] = [], i = 0
        while i < epochs.count {
            var j = i
            while j + 1 < epochs.count && epochs[j + 1] == epochs[j] + 1 { j += 1 }
            parts += j - i >= 2 ? ["\(epochs[i])–\(epochs[j])"] : (i...j).map { String(epochs[$0]) }
            i = j + 1
        }
        return ReportContent.list(parts)
    }

    /// Box plots of every run, per arm, across configurations; y from zero.
    static func boxes(_ model: ReportModel, styles: ArmStyles) -> [Figure] {
        let g = groups(model)
        let units = Array(Set(g.keys.map(\.unit))).sorted()
        let arms = Array(Set(g.keys.map(\.arm))).sorted()
        guard !units.isEmpty else { return [] }
        return [Metrics.epochTime, Metrics.peakRSS, Metrics.finalTestError].compactMap { m in
            let series = arms.map { arm in
                styles.series(arm, points: units.enumerated().map { i, unit in
                    let v = (g[UnitArm(unit: unit, arm: arm)] ?? []).compactMap { model.metrics[$0.id]?.values[m.name] }.map { $0 * m.scale }
                    return Point(x: Double(i), y: v.isEmpty ? .nan : Stats.median(v), values: v)
                })
            }
            guard series.contains(where: { $0.points.contains { !$0.values.isEmpty } }) else { return nil }
            return Figure(name: "box-" + slug(m.name),
                          caption: "\(capitalized(m.label)) of every run, per arm: box (quartiles, whiskers to 1.5 IQR) and one circle per run; the axis starts at zero.",
                          chart: Chart(kind: .box(categories: units.map(shortUnit)), xLabel: "data set and network", yLabel: m.label,
                                       series: series, size: units.count > 2 ? .doubleColumn : .singleColumn, yFromZero: true))
        }
    }

    /// Memory over one run: the ledger's categories stacked, RSS on top.
    static func timelines(_ model: ReportModel, unit: ComparisonUnit, styles: ArmStyles) -> [Figure] {
        model.timelines.filter { $0.unit == unit }.compactMap { t in
            var series = ledgerCategories.compactMap { c -> Series? in
                guard let points = t.series[.tensorBytes(c)], points.contains(where: { $0.value > 0 }) else { return nil }
                return Series(name: c, points: points.map { Point(x: $0.t, y: $0.value * mib) }, color: ledgerColour(c), marker: .square)
            }
            let stacked = series.count
            if let rss = t.series[.rss] {
                series.append(Series(name: "RSS", points: rss.map { Point(x: $0.t, y: $0.value * mib) }))
            }
            for (metric, name) in [(SampleMetric.gpuMemory, "GPU memory (run)"), (.gpuDeviceMemory, "GPU memory (devices)")] {
                if let g = t.series[metric] { series.append(Series(name: name, points: g.map { Point(x: $0.t, y: $0.value * mib) })) }
            }
            guard !series.isEmpty else { return nil }
            let title = "\(styles.label(t.arm)): \(shortTitle(unit))"
            return Figure(name: "memory-timeline-" + slug(t.arm.name + "-" + unitTitle(unit)),
                          caption: "Memory of one \(styles.label(t.arm)) run on \(unitTitle(unit)) (the lowest seed): "
                              + (stacked > 0 ? "tensor bytes by ledger category, stacked, and the process's RSS" : "the RSS of its process tree (it ran a command and kept no ledger)")
                              + (t.series.keys.contains { $0.isGPU } ? ", with GPU memory from nvidia-smi" : "") + ", as sampled while it trained.",
                          chart: Chart(kind: .timeline(stacked: stacked), title: title, xLabel: "time since start (s)",
                                       yLabel: "memory (MiB)", series: series))
        }
    }

    // MARK: - Scaling

    /// Depth, width and batch size of a unit's network ("4x2000", batch 100).
    struct Shape: Hashable {
        var depth: Int, width: Int, batch: Int

        init?(_ run: RunRecord) {
            guard let layers = run.layers, let batch = run.batchSize else { return nil }
            let parts = layers.split(separator: "x")
            if parts.count == 2, let d = Int(parts[0]), let w = Int(parts[1]) { (depth, width) = (d, w) }
            else {
                let widths = layers.split(separator: "-").compactMap { Int($0) }
                guard widths.count >= 2, Set(widths.dropFirst()).count == 1 else { return nil }
                (depth, width) = (widths.count - 1, widths[1])
            }
            self.batch = batch
        }

        subscript(_ factor: Factor) -> Int {
            switch factor { case .depth: depth; case .width: width; case .batch: batch }
        }
    }

    enum Factor: String, CaseIterable { case depth = "hidden layers", width = "layer width", batch = "batch size" }

    /// Log–log plots of peak activation bytes and peak RSS against each
    /// factor a study varies (at least 3 values, others held fixed), per arm,
    /// with the least-squares exponent and its 95 % interval in the legend.
    static func scaling(_ model: ReportModel, styles: ArmStyles) -> [Figure] {
        let completed = model.runs.filter { $0.status == .completed }
        var out: [Figure] = []
        for dataset in Set(completed.compactMap(\.dataset)).sorted() {
            let runs = completed.filter { $0.dataset == dataset }.compactMap { r in Shape(r).map { (r, $0) } }
            for factor in Factor.allCases {
                let others = Factor.allCases.filter { $0 != factor }
                let fixedGroups = Dictionary(grouping: runs) { pair in others.map { pair.1[$0] } }
                for key in fixedGroups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    let group = fixedGroups[key]!
                    guard Set(group.map { $0.1[factor] }).count >= 3 else { continue }
                    let fixed = zip(others, key).map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
                    for m in [Metrics.peakActivations, Metrics.peakRSS] {
                        var series: [Series] = []
                        var exponents: [String] = []
                        for arm in Set(group.map { ArmInfo.of($0.0).name }).sorted() {
                            let points = group.filter { ArmInfo.of($0.0).name == arm }.compactMap { r, shape -> Point? in
                                guard let y = model.metrics[r.id]?.values[m.name], y > 0 else { return nil }
                                return Point(x: Double(shape[factor]), y: y * m.scale)
                            }
                            guard points.count >= 3, let fit = try? ScalingFit(x: points.map(\.x), y: points.map(\.y)) else { continue }
                            let text = "exponent \(Number.fixed(fit.exponent, 2)) (95 % CI \(Number.fixed(fit.exponentLow, 2)) to \(Number.fixed(fit.exponentHigh, 2)))"
                            exponents.append("\(styles.label(arm)) \(text)")
                            series.append(styles.series(arm, points: points, fit: PowerLaw(intercept: fit.intercept / log(10), exponent: fit.exponent),
                                                        suffix: ": \(Number.fixed(fit.exponent, 2)) [\(Number.fixed(fit.exponentLow, 2)), \(Number.fixed(fit.exponentHigh, 2))]"))
                        }
                        guard !series.isEmpty else { continue }
                        out.append(Figure(name: "scaling-" + slug("\(m.name)-\(dataset)-\(factor.rawValue)-\(fixed)"),
                                          caption: "\(capitalized(m.what)) against \(factor.rawValue) on \(ReportText.datasetTitle(dataset)) (\(fixed)), log–log: every run, and the least-squares line in log space; the legend gives each arm's exponent with its 95 % interval (\(exponents.joined(separator: "; "))). An exponent near 0 means the quantity does not grow with \(factor.rawValue).",
                                          chart: Chart(kind: .logLog, title: "\(ReportText.datasetTitle(dataset)), \(fixed)", xLabel: factor.rawValue,
                                                       yLabel: m.label, series: series)))
                    }
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
