import Foundation

extension Distributions {
    /// CDF of the noncentral t with `df` degrees of freedom and
    /// noncentrality `nc`, as scipy.stats.nct.cdf. For t ≥ 0 (Lenth's AS 243
    /// series): F = Φ(−δ) + ½ Σⱼ [pⱼ I_x(j + ½, ν/2) + qⱼ I_x(j + 1, ν/2)],
    /// x = t²/(t² + ν), pⱼ = e^{−δ²/2}(δ²/2)^j / j!, qⱼ = δ e^{−δ²/2}(δ²/2)^j / (√2 Γ(j + 3/2));
    /// for t < 0, F(t; ν, δ) = 1 − F(−t; ν, −δ).
    public static func noncentralTCDF(_ t: Double, df: Double, nc: Double) -> Double {
        if t < 0 { return 1 - noncentralTCDF(-t, df: df, nc: -nc) }
        if t.isInfinite { return 1 }
        let x = t * t / (t * t + df)
        let half = nc * nc / 2
        var sum = 0.0
        // Terms peak near j = δ²/2; sum from 0 until past the peak and negligible.
        var j = 0.0
        while true {
            let logWeight = -half + (half > 0 ? j * log(half) : (j == 0 ? 0 : -.infinity))
            let p = exp(logWeight - lgamma(j + 1))
            let q = nc * exp(logWeight - lgamma(j + 1.5)) / 2.0.squareRoot()
            let term = p * incompleteBeta(x, j + 0.5, df / 2) + q * incompleteBeta(x, j + 1, df / 2)
            sum += term
            if j > half && abs(term) < 1e-17 * max(abs(sum), 1e-300) { break }
            if j > half + 50 * (half.squareRoot() + 1) { break }
            j += 1
        }
        return min(1, max(0, normalCDF(-nc) + sum / 2))
    }
}

/// A priori power of the ratio estimand's t test on logs: seeds needed to
/// detect a ratio, and the smallest ratio a design can detect, from a pilot
/// coefficient of variation (never from an observed effect).
public enum Power {
    /// The log-scale standard deviation of a log-normal quantity with this CV.
    public static func logSD(cv: Double) -> Double { log1p(cv * cv).squareRoot() }

    /// Power of the two-sided t test on logs at `alpha`, n seeds per arm.
    /// Paired: `cv` is that of the per-seed ratio arm/baseline, df = n − 1;
    /// unpaired: `cv` is that of one run's value in either arm, df = 2n − 2.
    public static func ratioTest(ratio: Double, cv: Double, seeds n: Int, paired: Bool, alpha: Double = 0.05) -> Double? {
        guard n >= 2, cv > 0, cv.isFinite, ratio > 0, ratio.isFinite, alpha > 0, alpha < 1 else { return nil }
        let sd = logSD(cv: cv)
        let se = paired ? sd / Double(n).squareRoot() : sd * (2 / Double(n)).squareRoot()
        let df = Double(paired ? n - 1 : 2 * n - 2)
        let nc = log(ratio) / se
        let critical = Distributions.studentQuantile(1 - alpha / 2, df: df)
        return 1 - Distributions.noncentralTCDF(critical, df: df, nc: nc) + Distributions.noncentralTCDF(-critical, df: df, nc: nc)
    }

    /// The fewest seeds per arm (at most `limit`) reaching `power`.
    public static func seedsNeeded(ratio: Double, cv: Double, paired: Bool, alpha: Double = 0.05,
                                   power: Double = 0.8, limit: Int = 10_000) -> Int? {
        guard ratio != 1 else { return nil }
        func enough(_ n: Int) -> Bool? { ratioTest(ratio: ratio, cv: cv, seeds: n, paired: paired, alpha: alpha).map { $0 >= power } }
        // Strides of a tenth above 100 seeds find a bracket quickly; bisection then finds its smallest n
        // (power grows with n).
        var failed = 1, n = 2
        while true {
            guard let ok = enough(n) else { return nil }
            if ok { break }
            guard n < limit else { return nil }
            failed = n
            n = min(limit, n + (n < 100 ? 1 : n / 10))
        }
        while n - failed > 1 {
            let mid = (failed + n) / 2
            if enough(mid) == true { n = mid } else { failed = mid }
        }
        return n
    }

    /// The smallest ratio above 1 that n seeds per arm detect with `power`.
    public static func detectableRatio(seeds n: Int, cv: Double, paired: Bool, alpha: Double = 0.05, power: Double = 0.8) -> Double? {
        guard n >= 2, ratioTest(ratio: 2, cv: cv, seeds: n, paired: paired, alpha: alpha) != nil else { return nil }
        var lo = 0.0, hi = 1.0 // on log(ratio)
        while (ratioTest(ratio: exp(hi), cv: cv, seeds: n, paired: paired, alpha: alpha) ?? 1) < power {
            hi *= 2
            if hi > 50 { return nil }
        }
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if (ratioTest(ratio: exp(mid), cv: cv, seeds: n, paired: paired, alpha: alpha) ?? 0) < power { lo = mid } else { hi = mid }
        }
        return exp(hi)
    }
}
