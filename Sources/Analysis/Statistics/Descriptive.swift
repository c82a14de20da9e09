import Foundation

/// n, mean, standard deviation (n - 1), median, quartiles, range, CV.
public struct Descriptive: Codable, Sendable, Equatable {
    public var n: Int
    public var mean: Double
    public var sd: Double?
    public var median: Double
    public var q1: Double
    public var q3: Double
    public var iqr: Double
    public var min: Double
    public var max: Double
    /// sd / |mean|; nil when the mean is 0 or there is one value.
    public var cv: Double?
    /// MLPerf-style "olympic" mean: the fastest and slowest dropped (n >= 3).
    public var olympicMean: Double?

    enum CodingKeys: String, CodingKey {
        case n, mean, sd, median, q1, q3, iqr, min, max, cv
        case olympicMean = "olympic_mean"
    }

    public init(_ x: [Double]) throws(AnalysisError) {
        try requireFinite(x, "values", atLeast: 1)
        n = x.count
        mean = Stats.mean(x)
        sd = n >= 2 ? Stats.variance(x).squareRoot() : nil
        let sorted = x.sorted()
        median = Stats.quantile(sorted: sorted, 0.5)
        q1 = Stats.quantile(sorted: sorted, 0.25)
        q3 = Stats.quantile(sorted: sorted, 0.75)
        iqr = q3 - q1
        self.min = sorted.first!
        self.max = sorted.last!
        cv = sd.flatMap { mean != 0 ? $0 / Swift.abs(mean) : nil }
        olympicMean = n >= 3 ? Stats.mean(Array(sorted.dropFirst().dropLast())) : nil
    }
}

/// The building blocks, shared by every test.
public enum Stats {
    /// Mean by compensated (Neumaier) summation.
    public static func mean(_ x: [Double]) -> Double { sum(x) / Double(x.count) }

    public static func sum(_ x: [Double]) -> Double {
        var s = 0.0, c = 0.0
        for v in x {
            let t = s + v
            c += abs(s) >= abs(v) ? (s - t) + v : (v - t) + s
            s = t
        }
        return s + c
    }

    /// Sample variance (denominator n - 1), two-pass.
    public static func variance(_ x: [Double]) -> Double {
        if x.allSatisfy({ $0 == x[0] }) { return 0 } // exactly, whatever rounding the mean has
        let m = mean(x)
        return sum(x.map { ($0 - m) * ($0 - m) }) / Double(x.count - 1)
    }

    /// Linear-interpolation quantile of sorted data (NumPy's default, Hyndman–Fan type 7).
    public static func quantile(sorted x: [Double], _ q: Double) -> Double {
        let h = Double(x.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, x.count - 1)
        return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
    }

    public static func median(_ x: [Double]) -> Double { quantile(sorted: x.sorted(), 0.5) }

    /// Average ranks (1-based) and the sizes of tied groups.
    public static func ranks(_ x: [Double]) -> (ranks: [Double], ties: [Int]) {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var ties: [Int] = []
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let average = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = average }
            ties.append(j - i + 1)
            i = j + 1
        }
        return (ranks, ties)
    }
}
