import Foundation
import SplitMix

public struct Interval: Codable, Sendable, Equatable {
    public var estimate: Double
    public var low: Double
    public var high: Double
}

public enum ConfidenceInterval {
    /// Mean ± t_{(1+c)/2, n-1} s / sqrt(n).
    public static func tMean(_ x: [Double], confidence: Double = 0.95) throws(AnalysisError) -> Interval {
        try requireFinite(x, "values", atLeast: 2)
        let n = Double(x.count)
        let m = Stats.mean(x)
        let half = Distributions.studentQuantile(0.5 + confidence / 2, df: n - 1) * (Stats.variance(x) / n).squareRoot()
        return Interval(estimate: m, low: m - half, high: m + half)
    }
}

/// Seeded bootstrap confidence intervals (percentile and BCa) for one- and
/// two-sample statistics. Each sample is resampled with replacement on its
/// own; BCa's acceleration comes from the jackknife over every observation.
public struct Bootstrap: Sendable {
    public var resamples: Int
    public var seed: UInt64
    public var confidence: Double

    public init(resamples: Int = 9_999, seed: UInt64 = 1, confidence: Double = 0.95) {
        self.resamples = resamples
        self.seed = seed
        self.confidence = confidence
    }

    public enum Method: String, Codable, Sendable { case percentile, bca }

    public func interval(_ samples: [[Double]], method: Method,
                         statistic: ([[Double]]) -> Double) throws(AnalysisError) -> Interval {
        try detail(samples, method: method, statistic: statistic).interval
    }

    /// The interval with the sorted replicates and the probability levels
    /// its endpoints were read at (α/2 and 1 - α/2, or BCa's adjusted ones).
    public struct Detail: Sendable {
        public var interval: Interval
        public var replicates: [Double]
        public var levels: (low: Double, high: Double)
    }

    public func detail(_ samples: [[Double]], method: Method,
                       statistic: ([[Double]]) -> Double) throws(AnalysisError) -> Detail {
        for (i, s) in samples.enumerated() { try requireFinite(s, "sample \(i + 1)", atLeast: 2) }
        let estimate = statistic(samples)
        guard estimate.isFinite else { throw .undefined(what: "bootstrap", reason: "the statistic is not finite on the data") }
        var rng = SplitMix64(seed: seed)
        var replicates = [Double]()
        replicates.reserveCapacity(resamples)
        var buffers = samples
        for _ in 0..<resamples {
            for (i, s) in samples.enumerated() {
                for j in s.indices { buffers[i][j] = s[rng.below(s.count)] }
            }
            replicates.append(statistic(buffers))
        }
        let finite = replicates.filter(\.isFinite)
        guard finite.count == replicates.count else { throw .undefined(what: "bootstrap", reason: "the statistic is not finite on some resamples") }
        let sorted = finite.sorted()
        let alpha = (1 - confidence) / 2
        switch method {
        case .percentile:
            return Detail(interval: Interval(estimate: estimate, low: Stats.quantile(sorted: sorted, alpha),
                                             high: Stats.quantile(sorted: sorted, 1 - alpha)),
                          replicates: sorted, levels: (alpha, 1 - alpha))
        case .bca:
            // Bias correction from the mid-rank of the estimate among the
            // replicates (ties count half), as SciPy does.
            let below = Double(sorted.filter { $0 < estimate }.count), atOrBelow = Double(sorted.filter { $0 <= estimate }.count)
            let share = (below + atOrBelow) / (2 * Double(sorted.count))
            guard share > 0 && share < 1 else {
                throw .undefined(what: "BCa interval", reason: "every resample lies on one side of the estimate")
            }
            let z0 = Distributions.normalQuantile(share)
            // Acceleration from the jackknife, per sample (Efron's multi-sample form):
            // U_ji = (n_j - 1)(mean_j - θ_(j,i)), a = Σ_j ΣU³/n_j³ / (6 (Σ_j ΣU²/n_j²)^1.5).
            var num = 0.0, den = 0.0
            for (i, s) in samples.enumerated() {
                var jack: [Double] = []
                for j in s.indices {
                    var reduced = samples
                    reduced[i].remove(at: j)
                    jack.append(statistic(reduced))
                }
                let n = Double(s.count), mean = Stats.mean(jack)
                let u = jack.map { (n - 1) * (mean - $0) }
                num += u.reduce(0.0) { $0 + $1 * $1 * $1 } / (n * n * n)
                den += u.reduce(0.0) { $0 + $1 * $1 } / (n * n)
            }
            let a = den > 0 ? num / (6 * pow(den, 1.5)) : 0
            func adjusted(_ p: Double) -> Double {
                let z = Distributions.normalQuantile(p)
                return Distributions.normalCDF(z0 + (z0 + z) / (1 - a * (z0 + z)))
            }
            let levels = (adjusted(alpha), adjusted(1 - alpha))
            return Detail(interval: Interval(estimate: estimate, low: Stats.quantile(sorted: sorted, levels.0),
                                             high: Stats.quantile(sorted: sorted, levels.1)),
                          replicates: sorted, levels: levels)
        }
    }
}
