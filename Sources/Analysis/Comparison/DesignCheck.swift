import Foundation

/// What a study's design can and cannot show, known before it runs.
public enum DesignCheck {
    /// Warnings for a study whose arms all run `seeds` seeds (so runs pair by seed).
    public static func warnings(seeds: Int, plan: AnalysisPlan) -> [String] {
        var w: [String] = []
        if seeds < 2 { return ["\(seeds) seed per arm: nothing can be compared; use at least 2 (better 6 or more)"] }
        if seeds < 6 {
            w.append("\(seeds) seeds per arm: with fewer than 6 pairs no exact rank test (the sensitivity analysis) can reach p < 0.05 (the smallest two-sided p is 2/2^\(seeds) = \(Number.plain(2 / pow(2, Double(seeds)))))")
        }
        let level = detectionLevel(plan)
        if let r = Power.detectableRatio(seeds: seeds, cv: plan.pilotCV, paired: true, alpha: level) {
            if r > plan.smallestEffect {
                let needed = Power.seedsNeeded(ratio: plan.smallestEffect, cv: plan.pilotCV, paired: true, alpha: level)
                w.append("with \(seeds) seeds per arm and a pilot CV of \(Number.plain(100 * plan.pilotCV)) %, the smallest ratio detectable with 80 % power (paired, α = \(Number.plain(level)), Holm's first step) is \(Number.fixed(r, 2))×, above the smallest effect of interest \(Number.fixed(plan.smallestEffect, 2))×" + (needed.map { "; \($0) seeds would detect it" } ?? ""))
            }
        }
        return w
    }

    /// The level an a priori figure is computed at: Holm's first step over the primary family.
    public static func detectionLevel(_ plan: AnalysisPlan) -> Double { plan.alpha / Double(Metrics.primary.count) }
}
