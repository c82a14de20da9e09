/// Levene's test for equal variances with the median as centre
/// (the Brown–Forsythe variant, SciPy's default).
public enum Levene {
    public static func test(_ groups: [[Double]]) throws(AnalysisError) -> TestResult {
        guard groups.count >= 2 else { throw .tooFewValues(what: "levene", count: groups.count, needed: 2) }
        for (i, g) in groups.enumerated() { try requireFinite(g, "group \(i + 1)", atLeast: 2) }
        let z = groups.map { g in let m = Stats.median(g); return g.map { abs($0 - m) } }
        let zbar = z.map(Stats.mean)
        let ntot = Double(groups.reduce(0) { $0 + $1.count })
        let k = Double(groups.count)
        let grand = zip(z, zbar).reduce(0.0) { $0 + Double($1.0.count) * $1.1 } / ntot
        let numer = (ntot - k) * zip(z, zbar).reduce(0.0) { $0 + Double($1.0.count) * ($1.1 - grand) * ($1.1 - grand) }
        let denom = (k - 1) * zip(z, zbar).reduce(0.0) { acc, pair in acc + pair.0.reduce(0.0) { $0 + ($1 - pair.1) * ($1 - pair.1) } }
        guard denom > 0 else {
            guard numer > 0 else { throw .undefined(what: "levene", reason: "no spread around the medians in any group") }
            return TestResult(test: "levene-median", statistic: .infinity, pValue: 0, df: nil, method: "F")
        }
        let w = numer / denom
        return TestResult(test: "levene-median", statistic: w, pValue: Distributions.fisherSF(w, k - 1, ntot - k), df: nil, method: "F")
    }
}
