import Foundation

/// The estimand for positive, multiplicative quantities (time, memory):
/// the geometric-mean ratio arm / baseline, from a t procedure on the
/// logarithms (paired t on the per-seed log ratios when runs pair by seed,
/// Welch's t on the two groups' logs otherwise), back-transformed.
/// exp(mean log x − mean log y) is the ratio of geometric means.
public struct LogRatio: Codable, Sendable, Equatable {
    public var inference: TInference
    /// The geometric-mean ratio with its 95 % interval.
    public var ratio: LeveledInterval
    /// Two-sided p of "ratio = 1", from the same t procedure.
    public var pValue: Double

    enum CodingKeys: String, CodingKey {
        case inference, ratio
        case pValue = "p_value"
    }

    public init(arm: [Double], baseline: [Double], paired: Bool, confidence: Double = 0.95) throws(AnalysisError) {
        guard arm.allSatisfy({ $0 > 0 }) && baseline.allSatisfy({ $0 > 0 }) else {
            throw .undefined(what: "ratio", reason: "a ratio of geometric means needs positive values")
        }
        inference = try TInference.make(arm.map(log), baseline.map(log), paired: paired)
        pValue = inference.pValue()
        ratio = LeveledInterval(estimate: 1, low: 1, high: 1, confidence: confidence)
        ratio = interval(confidence)
    }

    /// The back-transformed interval at any confidence (e.g. a Holm step's).
    public func interval(_ confidence: Double) -> LeveledInterval {
        let (lo, hi) = inference.interval(confidence)
        return LeveledInterval(estimate: exp(inference.estimate), low: exp(lo), high: exp(hi), confidence: confidence)
    }
}

/// The estimand for accuracy: the mean difference arm − baseline in
/// percentage points (paired by seed when runs pair, Welch otherwise),
/// and equivalence within ±margin by two one-sided tests (TOST), which
/// rejects at α exactly when the (1 − 2α) interval lies inside the margin.
public struct Equivalence: Codable, Sendable, Equatable {
    public var inference: TInference
    /// Difference in percentage points with its 95 % interval.
    public var difference: LeveledInterval
    /// Two-sided p of "difference = 0".
    public var pDifference: Double
    public var margin: Double
    /// TOST: p of "difference ≤ −margin", p of "difference ≥ +margin", and their maximum.
    public var pLower: Double
    public var pUpper: Double
    public var pValue: Double

    enum CodingKeys: String, CodingKey {
        case inference, difference, margin
        case pDifference = "p_difference"
        case pLower = "p_lower"
        case pUpper = "p_upper"
        case pValue = "p_tost"
    }

    /// - Parameters: values in percentage points; margin > 0 in percentage points.
    public init(arm: [Double], baseline: [Double], paired: Bool, margin: Double, confidence: Double = 0.95) throws(AnalysisError) {
        guard margin > 0, margin.isFinite else { throw .undefined(what: "equivalence", reason: "the margin must be positive") }
        inference = try TInference.make(arm, baseline, paired: paired)
        self.margin = margin
        pDifference = inference.pValue()
        pLower = inference.pGreater(null: -margin)
        pUpper = inference.pLess(null: margin)
        pValue = max(pLower, pUpper)
        let (lo, hi) = inference.interval(confidence)
        difference = LeveledInterval(estimate: inference.estimate, low: lo, high: hi, confidence: confidence)
    }

    /// The (1 − 2α) interval TOST at level α reads: inside ±margin ⇔ equivalent.
    public func equivalenceInterval(alpha: Double) -> LeveledInterval {
        let (lo, hi) = inference.interval(1 - 2 * alpha)
        return LeveledInterval(estimate: inference.estimate, low: lo, high: hi, confidence: 1 - 2 * alpha)
    }

    public func isEquivalent(alpha: Double) -> Bool {
        let i = equivalenceInterval(alpha: alpha)
        return i.low > -margin && i.high < margin
    }
}

/// A ratio read against the smallest effect that matters, δ > 1: two
/// one-sided t tests on the logs against ±log δ (TOST), from the same
/// inference as the ratio's interval. The (1 − γ) interval lies inside
/// [1/δ, δ] exactly when both one-sided tests reject at γ/2, so the verdict
/// read off the interval ("practically equal") and this p agree.
public struct PracticalEquivalence: Codable, Sendable, Equatable {
    public var delta: Double
    /// p of "ratio ≤ 1/δ", p of "ratio ≥ δ", and their maximum.
    public var pLower: Double
    public var pUpper: Double
    public var pValue: Double

    enum CodingKeys: String, CodingKey {
        case delta
        case pLower = "p_lower"
        case pUpper = "p_upper"
        case pValue = "p_tost"
    }

    public init(_ r: LogRatio, delta: Double) {
        self.delta = delta
        pLower = r.inference.pGreater(null: -log(delta))
        pUpper = r.inference.pLess(null: log(delta))
        pValue = max(pLower, pUpper)
    }

    /// Where an interval lies against [1/δ, δ].
    public enum Reading: String, Codable, Sendable {
        /// Wholly inside: practically equal.
        case within
        /// Excludes 1 and lies wholly beyond δ (or below 1/δ).
        case beyond
        /// Excludes 1 but reaches into [1/δ, δ]: the direction is known, whether by more than δ is not.
        case unresolved
        /// Includes 1 and reaches beyond [1/δ, δ].
        case inconclusive
    }

    public static func read(_ i: LeveledInterval, delta: Double) -> Reading {
        if i.low > 1 / delta && i.high < delta { return .within }
        if i.high < 1 / delta || i.low > delta { return .beyond }
        if i.high < 1 || i.low > 1 { return .unresolved }
        return .inconclusive
    }

    /// "±10 %" for δ = 1.10.
    public static func percent(_ delta: Double) -> Double { (delta - 1) * 100 }
}
