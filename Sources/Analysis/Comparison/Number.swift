import Foundation

/// Numbers as people read them: rounded to the precision their spread supports.
public enum Number {
    /// Decimals that show a spread of `width` with two significant digits.
    public static func decimals(for width: Double) -> Int {
        guard width.isFinite, width > 0 else { return 2 }
        return max(0, min(6, 1 - Int(floor(log10(width)))))
    }

    /// Decimals for a value with a spread: as `decimals(for:)`, but a spread
    /// too small to matter (identical runs) shows the value to 3 significant digits.
    public static func decimals(for width: Double, of value: Double) -> Int {
        guard value.isFinite, value != 0, !(width > abs(value) * 1e-6) else { return decimals(for: width) }
        return max(0, min(6, 2 - Int(floor(log10(abs(value))))))
    }

    public static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "–" : (v > 0 ? "∞" : "−∞") }
        let s = String(format: "%.\(digits)f", v)
        return s.hasPrefix("-") ? "−" + s.dropFirst() : s
    }

    public static func meanSD(_ mean: Double, _ sd: Double) -> String {
        let d = decimals(for: sd > 0 ? sd : abs(mean) / 1000)
        return "\(fixed(mean, d)) ± \(fixed(sd, d))"
    }

    /// Up to 4 significant digits, no exponent, no trailing zeros.
    public static func plain(_ v: Double) -> String {
        guard v.isFinite else { return fixed(v, 0) }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        var s = fixed(v, max(0, min(6, 3 - Int(floor(log10(abs(v)))))))
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A ratio's estimate at the precision of its interval: "3.17×".
    public static func ratio(_ i: LeveledInterval) -> String {
        fixed(i.estimate, decimals(for: (i.high - i.low) / 2, of: i.estimate)) + "×"
    }

    /// "3.14× (2.75–3.59)"; signed values "+0.12 pp (−0.10 to +0.34)".
    public static func interval(_ i: LeveledInterval, unit: String, signed: Bool = false) -> String {
        let d = decimals(for: (i.high - i.low) / 2, of: i.estimate)
        func n(_ v: Double) -> String { (signed && v > 0 ? "+" : "") + fixed(v, d) }
        return "\(n(i.estimate))\(unit) (\(range(i, unit: "", signed: signed)))"
    }

    public static func range(_ i: LeveledInterval, unit: String, signed: Bool = false) -> String {
        var d = decimals(for: (i.high - i.low) / 2, of: i.estimate)
        // An end that rounds onto the null value (1, or 0) without being it gets the digits that show which side it is on.
        let null = signed ? 0.0 : 1.0
        while d < 8, [i.low, i.high].contains(where: { $0 != null && fixed($0, d) == fixed(null, d) }) { d += 1 }
        // Each end keeps two significant digits even in a wide interval (0.052, not 0).
        func n(_ v: Double) -> String {
            if !signed && v != 0 && abs(v) < 1e-4 { return String(format: "%.1e", v) }
            let own = v == 0 || !v.isFinite ? d : max(d, min(6, 1 - Int(floor(log10(abs(v))))))
            return (signed && v > 0 ? "+" : "") + fixed(v, signed ? d : own)
        }
        return signed ? "\(n(i.low)) to \(n(i.high))\(unit)" : "\(n(i.low))–\(n(i.high))\(unit)"
    }

    public static func ratio(_ v: Double) -> String { fixed(v, v >= 10 ? 1 : v >= 1 ? 2 : 3) + "×" }

    /// "95 %", "98.75 %".
    public static func percent(_ level: Double) -> String {
        var s = String(format: "%.2f", level * 100)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s + " %"
    }

    public static func p(_ v: Double?) -> String {
        guard let v else { return "–" }
        return v < 0.001 ? "<\u{00A0}0.001" : String(format: "%.3f", v)
    }
}
