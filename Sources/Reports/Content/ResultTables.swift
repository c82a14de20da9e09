import Analysis
import Foundation

/// Comparisons as tables, one row per endpoint: machine rows (stored names,
/// full precision) for CSV, human rows (labels with units, numbers rounded
/// to what their interval supports) for the terminal, LaTeX and reports,
/// and a comparison's caption.
public enum ResultTables {
    static let numeric: Set<Int> = [1, 2, 3, 4, 5, 6]

    static func caption(_ c: ArmComparison, styles: ArmStyles) -> String {
        var text = "\(styles.label(c.arm)) against \(styles.label(c.baseline)) on \(ReportText.datasetTitle(c.unit.dataset)), \(c.configuration), \(c.paired ? "paired by seed" : "unpaired")."
        text += " Effects: geometric-mean ratios (×) for time and memory, the RMST ratio for time to target (arm columns: Kaplan–Meier medians in s), differences in percentage points (pp) for errors; exact quantities are stated, not tested."
        text += " Each primary verdict follows its Holm-adjusted interval (family of \(c.familySize)); † marks secondary metrics (95 % interval, no p)."
        if let t = c.target { text += " Target error \(Number.fixed(100 * t.error, 2)) % (\(t.source))." }
        return text
    }

    public static let machineHeader = [
        "study", "dataset", "configuration", "arm", "algorithm", "framework", "baseline", "metric", "kind", "primary",
        "n_arm", "n_baseline", "paired", "arm_mean", "arm_sd", "baseline_mean", "baseline_sd",
        "estimate", "low", "high", "confidence", "adjusted_low", "adjusted_high", "adjusted_confidence",
        "p", "p_adjusted", "family_size", "verdict", "equivalence_margin", "target_error",
        "sensitivity_test", "sensitivity_p", "detectable_ratio", "notes",
        "smallest_effect", "p_within_smallest_effect", "disturbed_epochs_arm", "epochs_arm",
        "disturbed_epochs_baseline", "epochs_baseline",
    ]

    static func full(_ v: Double?) -> String {
        guard let v else { return "" }
        return v.isFinite ? String(v) : (v.isNaN ? "nan" : v > 0 ? "inf" : "-inf")
    }

    public static func machine(_ comparisons: [ArmComparison], margins: [String: Double] = [:]) -> [[String]] {
        comparisons.flatMap { c in
            c.endpoints.map { e -> [String] in
                [c.unit.study ?? "", c.unit.dataset ?? "", c.configuration, c.arm.name, c.arm.algorithm, c.arm.framework,
                 c.baseline.name, e.metric, e.kind.rawValue, e.primary ? "true" : "false",
                 String(e.n[0]), String(e.n[1]), e.paired ? "true" : "false",
                 full(e.describe[0]?.mean), full(e.describe[0]?.sd), full(e.describe[1]?.mean), full(e.describe[1]?.sd),
                 full(e.estimate?.estimate ?? e.exact?.ratio), full(e.estimate?.low), full(e.estimate?.high), full(e.estimate?.confidence),
                 full(e.adjusted?.low), full(e.adjusted?.high), full(e.adjusted?.confidence),
                 full(e.pValue), full(e.pAdjusted), e.primary ? String(c.familySize) : "", e.verdict.rawValue,
                 full(e.equivalence?.margin), full(e.kind == .timeToTarget ? c.target?.error : nil),
                 e.sensitivity?.test ?? "", full(e.sensitivity?.pValue), full(e.detectableRatio),
                 (c.notes + e.notes).joined(separator: "; "),
                 full(e.practical?.delta), full(e.practical?.pValue),
                 String(c.disturbance[0].disturbedEpochs), String(c.disturbance[0].epochs),
                 String(c.disturbance[1].disturbedEpochs), String(c.disturbance[1].epochs)]
            }
        }
    }

    public static let humanHeader = ["configuration", "arm vs baseline"] + endpointHeader
    /// The columns of one comparison's table.
    public static let endpointHeader = ["metric", "n (arm/base)", "arm", "baseline", "effect (95 % CI)", "Holm-adjusted interval",
                                        "p (adj.)", "verdict"]

    /// One row per endpoint for people, with the unit and the arms named
    /// (with their frameworks when the comparisons hold more than one).
    public static func human(_ comparisons: [ArmComparison]) -> [[String]] {
        let mixed = Set(comparisons.flatMap { [$0.arm.framework, $0.baseline.framework] }).count > 1
        return comparisons.flatMap { c in
            let arms = mixed ? "\(c.arm.titleWithFramework) vs \(c.baseline.titleWithFramework)" : "\(c.arm.title) vs \(c.baseline.title)"
            return endpointRows(c).map { [c.configuration, arms] + $0 }
        }
    }

    /// One row per endpoint that has values: "time per epoch (s)", "5.91 ± 0.30", …
    public static func endpointRows(_ c: ArmComparison) -> [[String]] {
        c.endpoints.compactMap { e -> [String]? in
            guard let m = e.definition, e.n.allSatisfy({ $0 > 0 }) else { return nil }
            var values = e.describe.map { d -> String in
                guard let d else { return "–" }
                if e.kind == .exact { return Number.plain(d.mean * m.scale) }
                return Number.meanSD(d.mean * m.scale, (d.sd ?? 0) * m.scale)
            }
            if let s = e.survival { values = [median(s.arm), median(s.baseline)] }
            return [m.label + (m.primary ? "" : " †"), "\(e.n[0])/\(e.n[1])", values[0], values[1], effect(e), adjusted(e),
                    Number.p(e.pAdjusted), verdictWords(e, c)]
        }
    }

    /// A Kaplan–Meier median with its censoring: "median 16.4 (2 censored)".
    static func median(_ a: SurvivalComparison.Arm) -> String {
        let m = a.median.map { "median \(Number.fixed($0, 1))" } ?? "median not reached"
        return a.censored > 0 ? "\(m) (\(a.censored) censored)" : m
    }

    /// The effect with its 95 % interval, on the estimand's scale.
    public static func effect(_ e: Endpoint) -> String {
        if let x = e.exact { return x.ratio.map { Number.ratio($0) + " (exact)" } ?? "varies" }
        guard let i = e.estimate else { return "–" }
        switch e.kind {
        case .accuracy: return Number.interval(i, unit: " pp", signed: true)
        default: return bound(e) + Number.interval(i, unit: "×")
        }
    }

    /// "≥ " when no run of the arm reached the target within the RMST window
    /// (its RMST is the whole window, the ratio a lower bound), "≤ " when no
    /// baseline run did.
    public static func bound(_ e: Endpoint) -> String {
        guard let s = e.survival else { return "" }
        return s.armNeverReachedByTau ? "≥ " : s.baselineNeverReachedByTau ? "≤ " : ""
    }

    public static func adjusted(_ e: Endpoint) -> String {
        guard let i = e.adjusted else { return "" }
        let level = Number.percent(i.confidence) + " "
        switch e.kind {
        case .accuracy: return level + Number.range(i, unit: " pp", signed: true)
        default: return level + Number.range(i, unit: "×")
        }
    }

    public static func verdictWords(_ e: Endpoint, _ c: ArmComparison) -> String {
        guard let m = e.definition else { return e.verdict.rawValue }
        let percent = e.practical.map { "\(Number.plain(PracticalEquivalence.percent($0.delta))) %" } ?? ""
        switch e.verdict {
        case .lower, .higher:
            let words = e.verdict == .lower ? m.lower : m.higher
            switch e.reading {
            case .beyond?: return "\(words) by more than \(percent)"
            case .unresolved?: return "\(words); by more than \(percent) not resolved"
            default: return words
            }
        case .inconclusive: return "inconclusive"
        case .practicallyEqual: return "practically equal (within ±\(percent))"
        case .unreliable: return "unreliable (machine busy)"
        case .equivalent: return "equivalent within ±\(Number.plain(e.equivalence?.margin ?? 0)) pp"
        case .notShownEquivalent: return "not shown equivalent"
        case .stated: return "exact, not tested"
        case .notComparable: return "not comparable"
        }
    }
}
