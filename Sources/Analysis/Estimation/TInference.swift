import Foundation

/// A t-based inference on one scale: an estimate, its standard error and
/// degrees of freedom. Every interval and p-value of a comparison is read
/// off this one value, so a test and its interval cannot disagree: the
/// (1 − γ) interval excludes a null value exactly when the two-sided p of
/// that null is below γ.
public struct TInference: Codable, Sendable, Equatable {
    /// paired-t or welch-t.
    public var method: String
    public var estimate: Double
    public var standardError: Double
    public var df: Double
    /// Values behind it, per group (pairs count once per group).
    public var n: [Int]

    enum CodingKeys: String, CodingKey {
        case method, estimate, df, n
        case standardError = "standard_error"
    }

    /// Paired: the mean of the differences x_i − y_i.
    public static func paired(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> TInference {
        guard x.count == y.count else { throw .mismatchedPairs(x.count, y.count) }
        let d = zip(x, y).map { $0 - $1 }
        try requireFinite(d, "paired differences", atLeast: 2)
        let n = Double(d.count)
        return TInference(method: "paired-t", estimate: Stats.mean(d), standardError: (Stats.variance(d) / n).squareRoot(),
                          df: n - 1, n: [x.count, y.count])
    }

    /// Welch: mean(x) − mean(y), unequal variances, Welch–Satterthwaite df.
    public static func welch(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> TInference {
        try requireFinite(x, "group 1", atLeast: 2)
        try requireFinite(y, "group 2", atLeast: 2)
        let n1 = Double(x.count), n2 = Double(y.count)
        let v1 = Stats.variance(x) / n1, v2 = Stats.variance(y) / n2
        let se = (v1 + v2).squareRoot()
        // Both groups constant: no variation, so df is undefined; any finite value reads the same.
        let df = se > 0 ? (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1)) : n1 + n2 - 2
        return TInference(method: "welch-t", estimate: Stats.mean(x) - Stats.mean(y), standardError: se, df: df,
                          n: [x.count, y.count])
    }

    /// Paired when asked and possible, Welch otherwise.
    public static func make(_ x: [Double], _ y: [Double], paired: Bool) throws(AnalysisError) -> TInference {
        paired ? try Self.paired(x, y) : try welch(x, y)
    }

    /// The t statistic for a null value (infinite when there is no variation).
    public func t(null: Double = 0) -> Double {
        let diff = estimate - null
        if standardError == 0 { return diff == 0 ? 0 : (diff > 0 ? .infinity : -.infinity) }
        return diff / standardError
    }

    /// Two-sided p of the null value.
    public func pValue(null: Double = 0) -> Double {
        let t = t(null: null)
        if t.isInfinite { return 0 }
        if standardError == 0 { return 1 }
        return Distributions.studentTwoSided(t, df: df)
    }

    /// P(T ≥ t) for the null: the one-sided p of "estimate > null".
    public func pGreater(null: Double) -> Double {
        let t = t(null: null)
        if t.isInfinite { return t > 0 ? 0 : 1 }
        if standardError == 0 { return 1 }
        return Distributions.studentSF(t, df: df)
    }

    /// P(T ≤ t): the one-sided p of "estimate < null".
    public func pLess(null: Double) -> Double {
        let t = t(null: null)
        if t.isInfinite { return t < 0 ? 0 : 1 }
        if standardError == 0 { return 1 }
        return Distributions.studentSF(-t, df: df)
    }

    /// The two-sided interval at `confidence`.
    public func interval(_ confidence: Double) -> (low: Double, high: Double) {
        guard standardError > 0 else { return (estimate, estimate) }
        let half = Distributions.studentQuantile(0.5 + confidence / 2, df: df) * standardError
        return (estimate - half, estimate + half)
    }
}

/// A point estimate with a two-sided interval at a stated confidence.
public struct LeveledInterval: Codable, Sendable, Equatable {
    public var estimate: Double
    public var low: Double
    public var high: Double
    public var confidence: Double

    public init(estimate: Double, low: Double, high: Double, confidence: Double) {
        self.estimate = estimate
        self.low = low
        self.high = high
        self.confidence = confidence
    }

    public func contains(_ v: Double) -> Bool { low <= v && v <= high }
}
