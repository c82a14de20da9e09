import Foundation

/// Where one power law falls below another: the x at which
/// `arm` (y = e^a x^p) and `other` (y = e^b x^q) cross, and on which side
/// of it `arm` is the lower. The interval comes from the fitted exponents
/// alone: each line is turned about its centre (mean log x, mean log y)
/// through its exponent's 95 % interval, and the crossing is taken at every
/// pair of ends; when some pair gives parallel lines or lines that cross
/// the other way, the interval is unbounded (nil ends).
public struct Crossover: Codable, Sendable, Equatable {
    /// The crossing (nil when the fitted lines are parallel).
    public var x: Double?
    public var low: Double?
    public var high: Double?
    /// `arm` is the lower above the crossing (its exponent is the smaller);
    /// false: below it.
    public var armLowerAbove: Bool

    public init(arm: ScalingFit, other: ScalingFit) {
        func crossing(_ p: Double, _ q: Double) -> Double? {
            // ln y = cy + e (ln x - cx) for each line.
            let slope = p - q
            guard abs(slope) > 1e-12 else { return nil }
            let lx = ((other.centreLogY - q * other.centreLogX) - (arm.centreLogY - p * arm.centreLogX)) / slope
            return exp(lx)
        }
        x = crossing(arm.exponent, other.exponent)
        armLowerAbove = arm.exponent < other.exponent
        let ends = [arm.exponentLow, arm.exponentHigh].flatMap { p in
            [other.exponentLow, other.exponentHigh].map { q in (p, q) }
        }
        // Every pair of ends must cross on the same side as the fit itself;
        // otherwise the exponents' intervals allow lines that never cross, and
        // the interval is unbounded.
        let crossings = ends.map { p, q in (p < q) == armLowerAbove ? crossing(p, q) : nil }
        let bounded = x != nil && !crossings.contains { $0 == nil }
        low = bounded ? crossings.compactMap { $0 }.min() : nil
        high = bounded ? crossings.compactMap { $0 }.max() : nil
    }

    /// Whether `arm` is the lower at `depth`, by the fits.
    public func armLower(at depth: Double) -> Bool? {
        guard let x else { return nil }
        return armLowerAbove ? depth > x : depth < x
    }
}
