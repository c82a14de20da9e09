import Foundation

/// "Nice" axis ticks: steps of 1, 2 or 5 times a power of ten.
public enum Ticks {
    /// - Parameter integral: steps of at least 1 (epochs, counts).
    public static func nice(min lo: Double, max hi: Double, count: Int = 5, integral: Bool = false) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [] }
        if lo == hi { return nice(min: lo - max(abs(lo) * 0.1, 1), max: hi + max(abs(hi) * 0.1, 1), count: count, integral: integral) }
        let span = hi - lo
        let raw = integral ? max(1, span / Double(max(count, 1))) : span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // Multiples of the step (not repeated sums, which drift).
        let firstIndex = Int(ceil(lo / step - 1e-9)), lastIndex = Int(floor(hi / step + 1e-9))
        guard firstIndex <= lastIndex else { return [] }
        return (firstIndex...lastIndex).map { Double($0) * step }
    }

    /// The range covering the data, extended outwards to whole ticks.
    public static func range(min lo: Double, max hi: Double, integral: Bool = false) -> (Double, Double, [Double]) {
        var ticks = nice(min: lo, max: hi, integral: integral)
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

    /// Ticks for a logarithmic axis, as log10 values: 1, 2 and 5 times powers
    /// of ten when that gives at most 8 ticks, whole decades otherwise; the
    /// range is extended outwards to a tick at each end.
    public static func logRange(min lo: Double, max hi: Double) -> (Double, Double, [Double]) {
        guard lo.isFinite, hi.isFinite else { return (0, 1, [0, 1]) }
        let lowValue = pow(10, lo), highValue = pow(10, hi)
        func candidates(_ mantissas: [Double]) -> [Double] {
            (Int(floor(lo)) - 1...Int(ceil(hi)) + 1).flatMap { e in mantissas.map { $0 * pow(10, Double(e)) } }
        }
        for mantissas in [[1.0, 2, 5], [1.0]] {
            let all = candidates(mantissas)
            let first = all.last { $0 <= lowValue * (1 + 1e-9) } ?? all[0]
            let last = all.first { $0 >= highValue * (1 - 1e-9) } ?? all[all.count - 1]
            let ticks = all.filter { $0 >= first && $0 <= last }.map(log10)
            if ticks.count <= 8 || mantissas.count == 1 {
                let t = ticks.count >= 2 ? ticks : [log10(first) - 1, log10(first)]
                return (t.first!, t.last!, t)
            }
        }
        return (lo, hi, [lo, hi])
    }

    /// A log-axis tick (log10 of the value) as a short label: 200, 0.05, 2e5.
    public static func logLabel(_ t: Double) -> String {
        let v = pow(10, t)
        let exponent = Int(floor(t + 1e-9))
        if exponent >= 4 || exponent <= -4 {
            let mantissa = (v / pow(10, Double(exponent))).rounded()
            return mantissa == 1 ? "1e\(exponent)" : "\(Int(mantissa))e\(exponent)"
        }
        return String(format: "%g", Double(String(format: "%.3g", v)) ?? v)
    }
}

