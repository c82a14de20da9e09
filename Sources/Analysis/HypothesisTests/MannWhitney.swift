import Foundation

/// Mann–Whitney U (two-sided), as SciPy's mannwhitneyu(method='auto'):
/// exact when a group has at most 8 values and there are no ties,
/// otherwise the normal approximation with tie and continuity correction.
/// The statistic is U of the first group.
public enum MannWhitney {
    public static func test(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> TestResult {
        try requireFinite(x, "group 1", atLeast: 1)
        try requireFinite(y, "group 2", atLeast: 1)
        let n1 = x.count, n2 = y.count
        let (ranks, ties) = Stats.ranks(x + y)
        let r1 = Stats.sum(Array(ranks[0..<n1]))
        let u1 = r1 - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let u = max(u1, u2)
        let hasTies = ties.contains { $0 > 1 }
        if (n1 <= 8 || n2 <= 8) && !hasTies {
            let p = min(1, 2 * exactSF(Int(u.rounded()), n1, n2))
            return TestResult(test: "mann-whitney-u", statistic: u1, pValue: p, df: nil, method: "exact")
        }
        let n = Double(n1 + n2)
        let tieTerm = Double(ties.reduce(0) { $0 + $1 * $1 * $1 - $1 })
        let s = (Double(n1 * n2) / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        guard s > 0 else { throw .undefined(what: "mann-whitney-u", reason: "every value is the same in both groups") }
        let z = (u - Double(n1 * n2) / 2 - 0.5) / s
        return TestResult(test: "mann-whitney-u", statistic: u1, pValue: min(1, 2 * Distributions.normalSF(z)), df: nil, method: "asymptotic")
    }

    /// P(U >= u) under the null, by counting arrangements:
    /// c(k, m, n) = c(k - n, m - 1, n) + c(k, m, n - 1) (m of x, n of y, U = k).
    static func exactSF(_ u: Int, _ m: Int, _ n: Int) -> Double {
        let maxU = m * n
        // counts[j][k]: arrangements of i x-values and j y-values with U = k, built up over i.
        var previous = [[Double]](repeating: [1] + [Double](repeating: 0, count: maxU), count: n + 1)
        for _ in 1...m {
            var current = [[Double]](repeating: [Double](repeating: 0, count: maxU + 1), count: n + 1)
            for j in 0...n {
                for k in 0...maxU {
                    var c = 0.0
                    if k - j >= 0 { c += previous[j][k - j] } // the largest value is an x above all j y-values
                    if j > 0 { c += current[j - 1][k] }       // the largest value is a y
                    current[j][k] = c
                }
            }
            previous = current
        }
        let counts = previous[n]
        let total = counts.reduce(0, +)
        var tail = 0.0
        for k in max(0, u)...maxU { tail += counts[k] }
        return tail / total
    }
}
