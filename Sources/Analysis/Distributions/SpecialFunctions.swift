import Foundation

/// Distribution functions in double precision. The incomplete beta uses
/// the continued fraction (modified Lentz) with the symmetry swap, which
/// keeps relative accuracy near 1e-14 in both tails.
public enum Distributions {
    /// Regularized incomplete beta I_x(a, b).
    public static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        if x > (a + 1) / (a + b + 2) { return 1 - incompleteBeta(1 - x, b, a) }
        let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        return exp(lnFront) * betaContinuedFraction(x, a, b) / a
    }

    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m)
            var num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + num * d; if abs(d) < tiny { d = tiny }
            c = 1 + num / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
    public static func normalSF(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }

    /// Inverse of the standard normal CDF (Wichura's AS 241, about 1e-16).
    public static func normalQuantile(_ p: Double) -> Double {
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r
                + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let den = (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1)
            return q * num / den
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1)
        } else {
            r -= 5
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1)
        }
        return q < 0 ? -value : value
    }

    /// Upper tail of Student's t with `df` degrees of freedom: P(T > t).
    public static func studentSF(_ t: Double, df: Double) -> Double {
        if t.isInfinite { return t > 0 ? 0 : 1 }
        let tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5)
        return t > 0 ? tail : 1 - tail
    }

    /// Two-sided p-value of a t statistic.
    public static func studentTwoSided(_ t: Double, df: Double) -> Double {
        if t.isInfinite { return 0 }
        return min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5))
    }

    /// Quantile of Student's t (bisection on the CDF, then Newton-free refinement).
    public static func studentQuantile(_ p: Double, df: Double) -> Double {
        if p == 0.5 { return 0 }
        if p < 0.5 { return -studentQuantile(1 - p, df: df) }
        // Bracket the quantile, then bisect to full precision.
        var lo = 0.0, hi = 1.0
        while 1 - studentSF(hi, df: df) < p { lo = hi; hi *= 2; if hi > 1e300 { return .infinity } }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if studentSF(mid, df: df) > 1 - p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Upper tail of the F distribution: P(F > f).
    public static func fisherSF(_ f: Double, _ d1: Double, _ d2: Double) -> Double {
        if f <= 0 { return 1 }
        if f.isInfinite { return 0 }
        return incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2)
    }
}
