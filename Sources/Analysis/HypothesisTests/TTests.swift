import Foundation

/// Two-sample and paired t-tests (two-sided), as SciPy's ttest_ind and ttest_rel.
public enum TTest {
    /// Welch's t: unequal variances, Welch–Satterthwaite degrees of freedom.
    public static func welch(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> TestResult {
        try requireFinite(x, "group 1", atLeast: 2)
        try requireFinite(y, "group 2", atLeast: 2)
        let n1 = Double(x.count), n2 = Double(y.count)
        let v1 = Stats.variance(x) / n1, v2 = Stats.variance(y) / n2
        let diff = Stats.mean(x) - Stats.mean(y)
        let se = (v1 + v2).squareRoot()
        let df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
        return try result("welch-t", diff: diff, se: se, df: df)
    }

    /// Student's t with pooled variance.
    public static func student(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> TestResult {
        try requireFinite(x, "group 1", atLeast: 2)
        try requireFinite(y, "group 2", atLeast: 2)
        let n1 = Double(x.count), n2 = Double(y.count)
        let df = n1 + n2 - 2
        let pooled = ((n1 - 1) * Stats.variance(x) + (n2 - 1) * Stats.variance(y)) / df
        let se = (pooled * (1 / n1 + 1 / n2)).squareRoot()
        return try result("student-t", diff: Stats.mean(x) - Stats.mean(y), se: se, df: df)
    }

    /// Paired t on the differences x_i - y_i.
    public static func paired(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> TestResult {
        guard x.count == y.count else { throw .mismatchedPairs(x.count, y.count) }
        let d = zip(x, y).map { $0 - $1 }
        try requireFinite(d, "paired differences", atLeast: 2)
        let n = Double(d.count)
        return try result("paired-t", diff: Stats.mean(d), se: (Stats.variance(d) / n).squareRoot(), df: n - 1)
    }

    private static func result(_ name: String, diff: Double, se: Double, df: Double) throws(AnalysisError) -> TestResult {
        if se == 0 {
            // Constant data: a difference is certain, no difference is undefined.
            guard diff != 0 else { throw .undefined(what: name, reason: "every value is the same in both groups") }
            return TestResult(test: name, statistic: diff > 0 ? .infinity : -.infinity, pValue: 0, df: df.isFinite ? df : nil, method: "t")
        }
        let t = diff / se
        return TestResult(test: name, statistic: t, pValue: Distributions.studentTwoSided(t, df: df), df: df, method: "t")
    }
}
