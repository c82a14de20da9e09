import Foundation

/// Wilcoxon signed-rank test on paired differences (two-sided), as SciPy's
/// wilcoxon(zero_method='wilcox', correction=False, method='auto'): zero
/// differences are dropped; exact null distribution when there are no
/// ties and no zeros (and n <= 50); with ties or zeros and n <= 13, the
/// exact sign-flip permutation distribution; otherwise the normal
/// approximation with tie correction. The statistic is min(R+, R-).
public enum Wilcoxon {
    public static func test(_ x: [Double], _ y: [Double]) throws(AnalysisError) -> TestResult {
        guard x.count == y.count else { throw .mismatchedPairs(x.count, y.count) }
        let all = zip(x, y).map { $0 - $1 }
        try requireFinite(all, "paired differences", atLeast: 1)
        let d = all.filter { $0 != 0 }
        let zeros = all.count - d.count
        guard !d.isEmpty else { throw .undefined(what: "wilcoxon-signed-rank", reason: "every paired difference is zero") }
        let (ranks, ties) = Stats.ranks(d.map(abs))
        var rPlus = 0.0, rMinus = 0.0
        for (r, v) in zip(ranks, d) { if v > 0 { rPlus += r } else { rMinus += r } }
        let statistic = min(rPlus, rMinus)
        let n = d.count
        let hasTies = ties.contains { $0 > 1 }

        if all.count <= 50 && !hasTies && zeros == 0 {
            let (cdf, sf) = exactTails(rPlus, n: n)
            return TestResult(test: "wilcoxon-signed-rank", statistic: statistic, pValue: min(1, 2 * min(sf, cdf)), df: nil, method: "exact")
        }
        if all.count <= 13 {
            return TestResult(test: "wilcoxon-signed-rank", statistic: statistic,
                              pValue: signFlipPValue(rPlus, ranks: ranks), df: nil, method: "permutation")
        }
        let nd = Double(n)
        let mean = nd * (nd + 1) / 4
        let tieTerm = Double(ties.reduce(0) { $0 + $1 * $1 * $1 - $1 })
        let se = ((nd * (nd + 1) * (2 * nd + 1) - tieTerm / 2) / 24).squareRoot()
        let z = (rPlus - mean) / se
        return TestResult(test: "wilcoxon-signed-rank", statistic: statistic,
                          pValue: min(1, 2 * Distributions.normalSF(abs(z))), df: nil, method: "asymptotic")
    }

    /// P(T+ <= ceil(r)) and P(T+ >= floor(r)) for n untied ranks 1…n.
    static func exactTails(_ r: Double, n: Int) -> (cdf: Double, sf: Double) {
        let maxSum = n * (n + 1) / 2
        var counts = [Double](repeating: 0, count: maxSum + 1)
        counts[0] = 1
        for k in 1...n {
            for s in stride(from: maxSum, through: k, by: -1) { counts[s] += counts[s - k] }
        }
        let total = pow(2.0, Double(n))
        let hi = Int(r.rounded(.up)), lo = Int(r.rounded(.down))
        let cdf = counts[0...min(max(hi, 0), maxSum)].reduce(0, +) / total
        let sf = lo > maxSum ? 0 : counts[max(lo, 0)...maxSum].reduce(0, +) / total
        return (cdf, sf)
    }

    /// Every assignment of signs to the (average) ranks, as SciPy's exact
    /// permutation test: 2 min(P(T+ <= r), P(T+ >= r)) with a 1e-14 relative tolerance.
    static func signFlipPValue(_ r: Double, ranks: [Double]) -> Double {
        let n = ranks.count
        let gamma = abs(r) * 1e-14
        var less = 0, greater = 0
        let total = 1 << n
        for mask in 0..<total {
            var s = 0.0
            for i in 0..<n where mask & (1 << i) != 0 { s += ranks[i] }
            if s <= r + gamma { less += 1 }
            if s >= r - gamma { greater += 1 }
        }
        return min(1, 2 * Double(min(less, greater)) / Double(total))
    }
}
