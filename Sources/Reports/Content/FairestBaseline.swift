import Analysis
import Foundation
import RunStore

/// FF's memory against the fairest BP baseline: where a configuration has
/// several BP arms (plain BP and its memory-saving variants, at the same
/// effective batch), the one with the lowest median peak RSS — the
/// baseline a careful opponent would pick for a memory claim.
enum FairestBaseline {
    struct Choice {
        /// FF against the fairest BP arm.
        var comparison: ArmComparison
        /// Every BP arm FF was compared with, by median peak RSS (lowest first).
        var peaks: [(arm: ArmInfo, bytes: Double)]
    }

    /// One choice per configuration and FF arm with two or more BP arms to
    /// compare against.
    static func choices(_ model: ReportModel) -> [Choice] {
        let groups = Figures.groups(model)
        let byArm = Dictionary(grouping: model.comparisons.filter { $0.arm.algorithm == "ff" && $0.baseline.algorithm == "bp" }) {
            UnitArm(unit: $0.unit, arm: $0.arm.name)
        }
        return byArm.keys.sorted().compactMap { key in
            let cs = byArm[key]!
            guard cs.count >= 2 else { return nil }
            let peaks = cs.compactMap { c -> (ArmInfo, Double, ArmComparison)? in
                let values = (groups[UnitArm(unit: c.unit, arm: c.baseline.name)] ?? []).compactMap { model.metrics[$0.id]?.values[Metrics.peakRSS.name] }
                return values.isEmpty ? nil : (c.baseline, Stats.median(values), c)
            }.sorted { ($0.1, $0.0.name) < ($1.1, $1.0.name) }
            guard let best = peaks.first else { return nil }
            return Choice(comparison: best.2, peaks: peaks.map { ($0.0, $0.1) })
        }
    }

    static func sentences(_ choice: Choice, styles: ArmStyles) -> [String] {
        let c = choice.comparison
        let n = Answer.Names(arm: styles.label(c.arm), base: styles.label(c.baseline))
        func mib(_ b: Double) -> String { Number.fixed(b / 1_048_576, 1) + " MiB" }
        let batch = c.unit.batchSize.map(String.init) ?? "?"
        // Arms whose medians print the same are tied: say so rather than let the name decide silently.
        let tied = choice.peaks.filter { mib($0.bytes) == mib(choice.peaks[0].bytes) }
        let others = choice.peaks.dropFirst(tied.count).map { "\(styles.label($0.arm)) \(mib($0.bytes))" }.joined(separator: ", ")
        let rest = others.isEmpty ? "" : "; \(others)"
        var out: [String]
        if tied.count > 1 {
            let names = ReportContent.list(tied.map { styles.label($0.arm) })
            out = ["Of the \(choice.peaks.count) BP arms at batch \(batch), \(names) share the lowest peak RSS (median \(mib(choice.peaks[0].bytes))\(rest)): any of them is the fairest BP baseline for a memory claim, and FF is measured against \(n.base) here."]
        } else {
            out = ["Of the \(choice.peaks.count) BP arms at batch \(batch), \(n.base) has the lowest peak RSS (median \(mib(choice.peaks[0].bytes))\(rest)): the fairest BP baseline for a memory claim, and the one FF is measured against here."]
        }
        for metric in [Metrics.peakRSS, Metrics.epochTime] {
            if let e = c.endpoint(metric), let s = Answer.ratioSentence(e, metric, c, n) { out.append(s) }
        }
        if let e = c.endpoint(Metrics.peakActivations), let s = Answer.exactSentence(e, Metrics.peakActivations, c, n) { out.append(s) }
        return out
    }
}
