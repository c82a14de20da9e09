import Foundation

/// "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten.
public enum Ticks {
    public static func nice(min lo: Double, max hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [] }
        if lo == hi { return nice(min: lo - max(abs(lo) * 0.1, 1), max: hi + max(abs(hi) * 0.1, 1), count: count) }
        let span = hi - lo
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // Multiples of the step (not repeated sums, which drift).
        let firstIndex = Int(ceil(lo / step - 1e-9)), lastIndex = Int(floor(hi / step + 1e-9))
        guard firstIndex <= lastIndex else { return [] }
        return (firstIndex...lastIndex).map { Double($0) * step }
    }

    /// The range covering the data, extended outwards to whole ticks.
    public static func range(min lo: Double, max hi: Double) -> (Double, Double, [Double]) {
        var ticks = nice(min: lo, max: hi)
        guard ticks.count >= 2 else { return (lo, hi, ticks) }
        let step = ticks[1] - ticks[0]
        if ticks.first! > lo + 1e-12 * abs(lo) { ticks.insert(ticks.first! - step, at: 0) }
        if ticks.last! < hi - 1e-12 * abs(hi) { ticks.append(ticks.last! + step) }
        return (ticks.first!, ticks.last!, ticks)
    }

    /// Label text with no more digits than the step needs.
    public static func label(_ v: Double, step: Double) -> String {
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        return String(format: "%.\(decimals)f", v)
    }
}
