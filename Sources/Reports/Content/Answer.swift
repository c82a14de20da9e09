import Analysis
import RunStore
import Foundation

/// The answer to the research question, in sentences built from the
/// comparisons. Each verdict is the one its interval gives, and each
/// sentence quotes the interval its verdict follows: a direction only when
/// that interval excludes "no difference", "inconclusive" otherwise, never
/// "no difference". Accuracy comes first, because the time and memory
/// sentences mean "at similar accuracy" only when the arms are equivalent.
public enum Answer {
    static func sentences(_ c: ArmComparison, styles: ArmStyles) -> [String] {
        let n = Names(arm: styles.label(c.arm), base: styles.label(c.baseline))
        var out: [String] = []
        let accuracy = c.endpoint(Metrics.finalTestError)
        if let a = accuracy, let s = accuracySentence(a, c, n) { out.append(s) }
        let equivalent = accuracy?.verdict == .equivalent
        if let a = accuracy, a.equivalence != nil, !equivalent {
            out.append("So the time and memory figures below are not at equal accuracy; time to target compares the arms at an error both reach.")
        }
        for metric in [Metrics.epochTime, Metrics.peakRSS] {
            if let e = c.endpoint(metric), let s = ratioSentence(e, metric, c, n) { out.append(s) }
            // What the machine did to the timings, and the figure on every epoch, in a sentence of their own.
            if metric.name == Metrics.epochTime.name, let e = c.endpoint(metric) { out.append(disturbanceSentence(e, c, n)) }
        }
        if let e = c.endpoint(Metrics.timeToTarget) { out.append(timeToTargetSentence(e, c, n)) }
        if let e = c.endpoint(Metrics.peakActivations), let s = exactSentence(e, Metrics.peakActivations, c, n) { out.append(s) }
        return out
    }

    struct Names { var arm: String, base: String }

    static func subject(_ c: ArmComparison, _ m: Metric, _ n: Names) -> String { "\(n.arm)’s \(m.what)" }

    static func seedsText(_ c: ArmComparison) -> String {
        c.runs[0] == c.runs[1] ? "\(c.runs[0]) seeds per arm" : "\(c.runs[0]) and \(c.runs[1]) runs"
    }

    static func holmText(_ c: ArmComparison) -> String {
        "adjusted for \(c.familySize) primary comparison\(c.familySize == 1 ? "" : "s") (Holm)"
    }

    static func accuracySentence(_ e: Endpoint, _ c: ArmComparison, _ n: Names) -> String? {
        guard let q = e.equivalence else { return nil }
        let margin = "±\(Number.plain(q.margin)) pp"
        let d = Number.decimals(for: (q.difference.high - q.difference.low) / 2, of: q.difference.estimate)
        let size = Number.fixed(abs(q.difference.estimate), d)
        let ci = "95 % CI " + Number.range(q.difference, unit: " pp", signed: true)
        let base = n.base
        switch e.verdict {
        case .equivalent:
            let inside = e.adjusted.map { "its \(Number.percent($0.confidence)) interval, \(holmText(c)), \(Number.range($0, unit: " pp", signed: true)), lies inside the margin" }
                ?? "its interval lies inside the margin"
            return "\(subject(c, Metrics.finalTestError, n)) is equivalent to \(base)’s within \(margin): the difference is \(Number.fixed(q.difference.estimate, d)) pp and \(inside)."
        case .higher, .lower:
            let words = e.verdict == .higher ? "higher" : "lower"
            let verdict = e.verdict == .higher ? Metrics.finalTestError.higher : Metrics.finalTestError.lower
            return "\(subject(c, Metrics.finalTestError, n)) is \(size) pp \(words) than \(base)’s (\(ci)): \(n.arm) \(verdict), and the two are not equivalent within \(margin)."
        case .notShownEquivalent:
            let eq = e.adjusted ?? q.equivalenceInterval(alpha: 0.05)
            return "\(subject(c, Metrics.finalTestError, n)) differs from \(base)’s by \(Number.fixed(q.difference.estimate, d)) pp (\(ci)); its \(Number.percent(eq.confidence)) interval, \(Number.range(eq, unit: " pp", signed: true)), is not inside \(margin): not shown equivalent, inconclusive with \(seedsText(c))."
        default:
            return nil
        }
    }

    static func ratioSentence(_ e: Endpoint, _ m: Metric, _ c: ArmComparison, _ n: Names) -> String? {
        let isTime = m.name == Metrics.epochTime.name
        let how = isTime ? " (each run’s median over its undisturbed epochs)" : ""
        if e.verdict == .unreliable {
            return "\(subject(c, m, n))\(how) is unreliable: \(busyText(c, n)), so no ratio is given."
        }
        guard let r = e.ratio else {
            return e.n.contains(0) ? nil : "\(subject(c, m, n)) cannot be compared with \(n.base)’s: \(e.notes.first ?? "too few runs")."
        }
        let raw = "95 % CI \(Number.range(r.ratio, unit: ""))"
        let estimate = "\(Number.ratio(r.ratio)) \(n.base)’s"
        let adjusted = e.adjusted.map { "Holm-adjusted \(Number.percent($0.confidence)) CI \(Number.range($0, unit: ""))" }
        let cis = ([raw] + (adjusted.map { [$0] } ?? [])).joined(separator: "; ")
        let delta = e.practical.map { Number.plain(PracticalEquivalence.percent($0.delta)) + " %" } ?? ""
        // Times from different CPU models are said to be so, beside the numbers.
        let machines = isTime && c.cpuModels[0] != c.cpuModels[1]
            ? " Beware: \(n.arm) ran on \(c.cpuModels[0].joined(separator: ", ")) and \(n.base) on \(c.cpuModels[1].joined(separator: ", ")), so these times compare machines as well as algorithms." : ""
        let after = machines
        switch e.verdict {
        case .lower, .higher:
            let words = e.verdict == .lower ? m.lower : m.higher
            let size = e.reading == .beyond ? ", by more than \(delta)"
                : e.reading == .unresolved ? "; whether by more than \(delta) is not resolved" : ""
            return "\(subject(c, m, n))\(how) is \(estimate) (\(cis)): \(n.arm) \(words)\(size).\(after)"
        case .practicallyEqual:
            let p = e.practical.map { q in " (equivalence by two one-sided t tests on logs, p " + (q.pValue < 0.001 ? "< 0.001" : "= " + Number.p(q.pValue)) + ")" } ?? ""
            return "\(subject(c, m, n))\(how) is \(estimate) (\(cis)): practically equal, within ±\(delta)\(p).\(after)"
        default:
            if !r.ratio.contains(1), let adjusted {
                // The unadjusted interval excludes 1 but the verdict is the adjusted one's.
                return "\(subject(c, m, n))\(how) is \(estimate), but \(holmText(c)) its interval includes 1 (\(adjusted)): inconclusive with \(seedsText(c)).\(after)"
            }
            return "\(subject(c, m, n))\(how) is \(estimate) (\(raw)): inconclusive with \(seedsText(c)).\(after)"
        }
    }

    /// "the machine was busy during 4 of 5 FF runs".
    static func busyText(_ c: ArmComparison, _ n: Names) -> String {
        let parts = zip(c.disturbance, [n.arm, n.base]).filter { $0.0.unusableRuns > 0 }
            .map { "during \($0.0.unusableRuns) of \($0.0.runs) \($0.1) runs" }
        return "the machine was busy " + (parts.isEmpty ? "during too many runs" : parts.joined(separator: " and "))
            + " (no epoch of those runs was undisturbed)"
    }

    /// How many epochs and runs the disturbance rule flagged, per arm, and
    /// the same comparison on every epoch (a sensitivity analysis) when any was.
    static func disturbanceSentence(_ e: Endpoint, _ c: ArmComparison, _ n: Names) -> String {
        let counts = e.disturbance ?? c.disturbance
        guard c.disturbedEpochs > 0 else {
            return "Timing: no epoch of either arm was disturbed by the machine (\(counts[0].epochs) and \(counts[1].epochs) epochs checked against the disturbance rule)."
        }
        let parts = zip(counts, [n.arm, n.base]).map { d, name in
            "\(name) \(d.disturbedEpochs) of \(d.epochs) epochs in \(d.disturbedRuns) of \(d.runs) runs"
        }
        var text = "Timing: epochs disturbed by the machine and left out of time per epoch: \(parts.joined(separator: "; "))"
        let reasons = DisturbanceReason.allCases.compactMap { r -> String? in
            let k = counts[0].reasons[r.rawValue, default: 0] + counts[1].reasons[r.rawValue, default: 0]
            return k > 0 ? "\(r.words) (\(k))" : nil
        }
        if !reasons.isEmpty { text += " (\(reasons.joined(separator: ", ")))" }
        text += "."
        if let all = c.endpoint(Metrics.epochTimeAllEpochs), let r = all.ratio {
            text += " On all epochs, disturbed or not (a sensitivity analysis, not the answer), the ratio is \(Number.ratio(r.ratio)) (95 % CI \(Number.range(r.ratio, unit: "")))."
        }
        return text
    }

    static func timeToTargetSentence(_ e: Endpoint, _ c: ArmComparison, _ n: Names) -> String {
        guard let t = c.target else { return "Time to target cannot be compared: \(e.notes.first ?? "no target error")." }
        let split = t.onValidation ? "validation" : "test"
        let source = t.source == "declared" ? "declared by the study" : t.source == "given" ? "given with --target-error"
            : "the median best \(split) error of \(t.derivedFrom.map { $0 == c.arm.name ? n.arm : $0 == c.baseline.name ? n.base : $0 } ?? "?"), the least accurate arm"
        let what = "Time to a \(split) error of \(Number.fixed(100 * t.error, 2)) % (\(source))"
        guard let s = e.survival else { return "\(what): not comparable (\(e.notes.first ?? "no data"))." }
        let medians = "medians \(n.arm) \(median(s.arm)), \(n.base) \(median(s.baseline))"
        let censored = [(s.arm, n.arm), (s.baseline, n.base)].filter { $0.0.censored > 0 }
            .map { "\($0.0.censored) of \($0.0.n) \($0.1) runs never reached it and count as censored" }
        var text = "\(what): \(n.arm)’s restricted mean time to target over the first \(Number.fixed(s.tau, 1)) s of training is \(ResultTables.bound(e))\(Number.ratio(s.ratio)) \(n.base)’s"
        let raw = "95 % CI \(Number.range(s.ratio, unit: ""))"
        let adjusted = e.adjusted.map { "Holm-adjusted \(Number.percent($0.confidence)) CI \(Number.range($0, unit: ""))" }
        switch e.verdict {
        case .lower, .higher:
            text += " (\(([raw] + (adjusted.map { [$0] } ?? [])).joined(separator: "; "))): \(n.arm) \(e.verdict == .lower ? Metrics.timeToTarget.lower : Metrics.timeToTarget.higher)"
        default:
            if !s.ratio.contains(1), let adjusted {
                text += ", but \(holmText(c)) its interval includes 1 (\(adjusted)): inconclusive with \(seedsText(c))"
            } else {
                text += " (\(raw)): inconclusive with \(seedsText(c))"
            }
        }
        text += "; \(medians)"
        if !censored.isEmpty { text += "; " + censored.joined(separator: ", ") }
        text += "."
        for (never, who, how) in [(s.armNeverReachedByTau, n.arm, "later"), (s.baselineNeverReachedByTau, n.base, "sooner")] where never {
            text += " No \(who) run reached the target within those \(Number.fixed(s.tau, 1)) s, so its restricted mean is the whole window and the ratio is a bound, not an estimate of how much \(how) \(n.arm) gets there."
        }
        if s.arm.unreliable || s.baseline.unreliable { text += " With more than one censored run in an arm this result is unreliable." }
        return text
    }

    static func median(_ a: SurvivalComparison.Arm) -> String {
        a.median.map { "\(Number.fixed($0, 1)) s" } ?? "not reached"
    }

    static func exactSentence(_ e: Endpoint, _ m: Metric, _ c: ArmComparison, _ n: Names) -> String? {
        guard let x = e.exact, x.identical, let a = x.arm.first, let b = x.baseline.first else { return nil }
        let ratio = x.ratio.map { " (\(Number.ratio($0)))" } ?? ""
        return "Exact, identical in every seed and so not tested: \(subject(c, m, n)) is \(Number.plain(a * m.scale)) \(m.unit) against \(n.base)’s \(Number.plain(b * m.scale)) \(m.unit)\(ratio)."
    }

    /// Warnings that qualify every answer.
    static func warnings(_ comparisons: [ArmComparison], styles: ArmStyles) -> [String] {
        var w: [String] = []
        for c in comparisons where c.cpuModels[0] != c.cpuModels[1] || c.cpuModels.contains(where: { $0.count > 1 }) {
            let arm = styles.label(c.arm), base = styles.label(c.baseline)
            w.append("\(arm) against \(base) (\(ReportText.datasetTitle(c.unit.dataset)), \(c.configuration)): the runs came from different CPU models — \(arm) on \(c.cpuModels[0].joined(separator: ", ")); \(base) on \(c.cpuModels[1].joined(separator: ", ")). Their times are not comparable.")
        }
        return w
    }

    /// What the design could detect (a priori, from the runs each ratio uses): time per epoch and peak
    /// RSS each with its own count, since disturbed runs can leave time fewer seeds than memory.
    static func design(_ c: ArmComparison) -> String {
        let parts = [Metrics.epochTime, Metrics.peakRSS].compactMap { m -> String? in
            guard let e = c.endpoint(m), let r = e.detectableRatio else { return nil }
            let seeds = e.paired ? "\(e.n[0]) seeds per arm, paired" : "\(e.n[0]) and \(e.n[1]) runs, unpaired"
            return "\(m.what) \(Number.fixed(r, 2))× (or \(Number.fixed(1 / r, 2))×) with \(seeds)"
        }
        guard !parts.isEmpty else { return "" }
        return "The smallest ratio this study could detect with 80 % power at Holm's first-step level, for a run-to-run variation of \(Number.plain(100 * c.plan.pilotCV)) % (\(c.plan.declared.contains("pilot_cv") ? "the study's declared pilot CV" : "the default pilot CV")): \(parts.joined(separator: "; "))."
    }
}
