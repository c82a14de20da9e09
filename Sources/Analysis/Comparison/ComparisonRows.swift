import Foundation

/// Comparisons as flat rows, one per endpoint: machine rows (stored names,
/// full precision) for CSV, and human rows (labels with units, numbers
/// rounded to what their interval supports) for tables and reports.
public enum ComparisonRows {
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

/// Numbers as people read them: rounded to the precision their spread supports.
public enum Number {
    /// Decimals that show a spread of `width` with two significant digits.
    public static func decimals(for width: Double) -> Int {
        guard width.isFinite, width > 0 else { return 2 }
        return max(0, min(6, 1 - Int(floor(log10(width)))))
    }

    /// Decimals for a value with a spread: as `decimals(for:)`, but a spread
    /// too small to matter (identical runs) shows the value to 3 significant digits.
    public static func decimals(for width: Double, of value: Double) -> Int {
        guard value.isFinite, value != 0, !(width > abs(value) * 1e-6) else { return decimals(for: width) }
        return max(0, min(6, 2 - Int(floor(log10(abs(value))))))
    }

    public static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "–" : (v > 0 ? "∞" : "−∞") }
        let s = String(format: "%.\(digits)f", v)
        return s.hasPrefix("-") ? "−" + s.dropFirst() : s
    }

    public static func meanSD(_ mean: Double, _ sd: Double) -> String {
        let d = decimals(for: sd > 0 ? sd : abs(mean) / 1000)
        return "\(fixed(mean, d)) ± \(fixed(sd, d))"
    }

    /// Up to 4 significant digits, no exponent, no trailing zeros.
    public static func plain(_ v: Double) -> String {
        guard v.isFinite else { return fixed(v, 0) }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        var s = fixed(v, max(0, min(6, 3 - Int(floor(log10(abs(v)))))))
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A ratio's estimate at the precision of its interval: "3.17×".
    public static func ratio(_ i: LeveledInterval) -> String {
        fixed(i.estimate, decimals(for: (i.high - i.low) / 2, of: i.estimate)) + "×"
    }

    /// "3.14× (2.75–3.59)"; signed values "+0.12 pp (−0.10 to +0.34)".
    public static func interval(_ i: LeveledInterval, unit: String, signed: Bool = false) -> String {
        let d = decimals(for: (i.high - i.low) / 2, of: i.estimate)
        func n(_ v: Double) -> String { (signed && v > 0 ? "+" : "") + fixed(v, d) }
        return "\(n(i.estimate))\(unit) (\(range(i, unit: "", signed: signed)))"
    }

    public static func range(_ i: LeveledInterval, unit: String, signed: Bool = false) -> String {
        var d = decimals(for: (i.high - i.low) / 2, of: i.estimate)
        // An end that rounds onto the null value (1, or 0) without being it gets the digits that show which side it is on.
        let null = signed ? 0.0 : 1.0
        while d < 8, [i.low, i.high].contains(where: { $0 != null && fixed($0, d) == fixed(null, d) }) { d += 1 }
        // Each end keeps two significant digits even in a wide interval (0.052, not 0).
        func n(_ v: Double) -> String {
            if !signed && v != 0 && abs(v) < 1e-4 { return String(format: "%.1e", v) }
            let own = v == 0 || !v.isFinite ? d : max(d, min(6, 1 - Int(floor(log10(abs(v))))))
            return (signed && v > 0 ? "+" : "") + fixed(v, signed ? d : own)
        }
        return signed ? "\(n(i.low)) to \(n(i.high))\(unit)" : "\(n(i.low))–\(n(i.high))\(unit)"
    }

    public static func ratio(_ v: Double) -> String { fixed(v, v >= 10 ? 1 : v >= 1 ? 2 : 3) + "×" }

    /// "95 %", "98.75 %".
    public static func percent(_ level: Double) -> String {
        var s = String(format: "%.2f", level * 100)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s + " %"
    }

    public static func p(_ v: Double?) -> String {
        guard let v else { return "–" }
        return v < 0.001 ? "<\u{00A0}0.001" : String(format: "%.3f", v)
    }
}
