import Foundation

/// Standardised effect sizes of group 1 against group 2.
public enum EffectSize {
    /// Cohen's d with the pooled standard deviation.
    public static func cohensD(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> Double {
        try requireFinite(x, "group 1", atLeast: 2)
        try requireFinite(y, "group 2", atLeast: 2)
        let n1 = Double(x.count), n2 = Double(y.count)
        let pooled = (((n1 - 1) * Stats.variance(x) + (n2 - 1) * Stats.variance(y)) / (n1 + n2 - 2)).squareRoot()
        let diff = Stats.mean(x) - Stats.mean(y)
        guard pooled > 0 else {
            throw .undefined(what: "cohen's d", reason: diff == 0 ? "every value is the same in both groups"
                             : "neither group varies, so a standardised difference is infinite")
        }
        return diff / pooled
    }

    public struct Hedges: Codable, Sendable, Equatable {
        public var g: Double
        public var low: Double
        public var high: Double
    }

    /// Hedges' g: d times the exact small-sample correction
    /// J = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2)), df = n1 + n2 - 2, with a
    /// normal-approximation interval, se² = (n1+n2)/(n1 n2) + g²/(2 (n1+n2)).
    public static func hedgesG(_ x: [Double], _ y: [Double], confidence: Double = 0.95) throws(AnalysisError) -> Hedges {
        let d = try cohensD(x, y)
        let n1 = Double(x.count), n2 = Double(y.count)
        let df = n1 + n2 - 2
        let j = exp(lgamma(df / 2) - lgamma((df - 1) / 2)) / (df / 2).squareRoot()
        let g = d * j
        let se = ((n1 + n2) / (n1 * n2) + g * g / (2 * (n1 + n2))).squareRoot()
        let z = Distributions.normalQuantile(0.5 + confidence / 2)
        return Hedges(g: g, low: g - z * se, high: g + z * se)
    }

    public struct Cliff: Codable, Sendable, Equatable {
        public var delta: Double
        /// negligible (< 0.147), small (< 0.33), medium (< 0.474), large.
        public var magnitude: String
    }

    /// Cliff's δ = (#{x > y} - #{x < y}) / (n1 n2).
    public static func cliffsDelta(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> Cliff {
        try requireFinite(x, "group 1", atLeast: 1)
        try requireFinite(y, "group 2", atLeast: 1)
        var greater = 0, less = 0
        for a in x { for b in y { if a > b { greater += 1 } else if a < b { less += 1 } } }
        let delta = Double(greater - less) / Double(x.count * y.count)
        let m = abs(delta)
        let label = m < 0.147 ? "negligible" : m < 0.33 ? "small" : m < 0.474 ? "medium" : "large"
        return Cliff(delta: delta, magnitude: label)
    }
}
