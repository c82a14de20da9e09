/// Adjusting p-values for many comparisons in one report.
public enum MultipleComparisons {
    public enum Method: String, Codable, Sendable, CaseIterable { case holm, bh }

    public static func adjust(_ p: [Double], method: Method) -> [Double] {
        switch method {
        case .holm: holm(p)
        case .bh: benjaminiHochberg(p)
        }
    }

    /// Holm's step-down: p_(i) * (m - i + 1), made monotone, capped at 1.
    public static func holm(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 0, count: m)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * p[i]))
            adjusted[i] = running
        }
        return adjusted
    }

    /// Holm's adjusted p-values with, for each hypothesis, the significance
    /// level γ its own interval is read at so that interval and adjusted p
    /// agree: the (1 − γ) interval excludes the null exactly when the
    /// adjusted p is below α. For the k-th smallest p, γ = α / (m − k + 1)
    /// up to the first step that fails; from there on, that step's level
    /// (p_(k) ≥ p_(f) > α / (m − f + 1), so those intervals keep the null).
    public static func holmSteps(_ p: [Double], alpha: Double) -> (adjusted: [Double], levels: [Double]) {
        let m = p.count
        let order = p.indices.sorted { p[$0] < p[$1] }
        var levels = [Double](repeating: alpha, count: m)
        var failed: Int?
        for (rank, i) in order.enumerated() {
            let step = alpha / Double(m - rank)
            if failed == nil && !(p[i] < step) { failed = rank }
            levels[i] = failed.map { alpha / Double(m - $0) } ?? step
        }
        return (holm(p), levels)
    }

    /// Benjamini–Hochberg step-up: p_(i) * m / i, made monotone from the top.
    public static func benjaminiHochberg(_ p: [Double]) -> [Double] {
        let m = p.count
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 0, count: m)
        var running = 1.0
        for rank in stride(from: m - 1, through: 0, by: -1) {
            let i = order[rank]
            running = min(running, Double(m) * p[i] / Double(rank + 1))
            adjusted[i] = min(1, running)
        }
        return adjusted
    }
}
