import Foundation

/// log(metric) = intercept + exponent * log(x), by least squares, with a
/// t-based confidence interval on the exponent.
public struct ScalingFit: Codable, Sendable, Equatable {
    public var exponent: Double
    public var intercept: Double
    public var exponentLow: Double
    public var exponentHigh: Double
    public var standardError: Double
    public var n: Int
    /// The means of log x and log y: the point every line of the fit's
    /// family passes through, whatever its exponent.
    public var centreLogX: Double
    public var centreLogY: Double

    public init(x: [Double], y: [Double], confidence: Double = 0.95) throws(AnalysisError) {
        guard x.count == y.count else { throw .mismatchedPairs(x.count, y.count) }
        try requireFinite(x, "x", atLeast: 3)
        try requireFinite(y, "metric", atLeast: 3)
        guard x.allSatisfy({ $0 > 0 }) && y.allSatisfy({ $0 > 0 }) else {
            throw .undefined(what: "scaling fit", reason: "logarithms need positive values")
        }
        let lx = x.map(log), ly = y.map(log)
        let mx = Stats.mean(lx), my = Stats.mean(ly)
        let sxx = lx.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) }
        guard sxx > 0 else { throw .undefined(what: "scaling fit", reason: "every x is the same") }
        let sxy = zip(lx, ly).reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let slope = sxy / sxx, offset = my - slope * mx
        exponent = slope
        intercept = offset
        (centreLogX, centreLogY) = (mx, my)
        let residual = zip(lx, ly).reduce(0.0) { acc, p in let r = p.1 - (offset + slope * p.0); return acc + r * r }
        n = x.count
        standardError = (residual / Double(n - 2) / sxx).squareRoot()
        let t = Distributions.studentQuantile(0.5 + confidence / 2, df: Double(n - 2))
        exponentLow = exponent - t * standardError
        exponentHigh = exponent + t * standardError
    }
}
