import Foundation

/// Shapiro–Wilk normality test: Royston's algorithm AS R94 (1995) in double
/// precision, with its published constants, as SciPy's `shapiro` computes it
/// (the data are shifted by the value at index n/2 of the input, as there).
public enum ShapiroWilk {
    public static func test(_ x: [Double]) throws(AnalysisError) -> TestResult {
        try requireFinite(x, "values", atLeast: 3)
        let n = x.count
        let shift = x[n / 2]
        let y = x.sorted().map { $0 - shift }
        let range = y[n - 1] - y[0]
        guard range >= 1e-19 else { throw .undefined(what: "shapiro-wilk", reason: "all values are equal") }
        let nn2 = n / 2
        let an = Double(n)
        var a = [Double](repeating: 0, count: nn2)
        if n == 3 {
            a[0] = 0.5.squareRoot()
        } else {
            let an25 = an + 0.25
            var summ2 = 0.0
            for i in 0..<nn2 {
                a[i] = ppnd7((Double(i + 1) - 0.375) / an25)
                summ2 += a[i] * a[i]
            }
            summ2 *= 2
            let ssumm2 = summ2.squareRoot()
            let rsn = 1 / an.squareRoot()
            let a1 = poly([0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056], rsn) - a[0] / ssumm2
            var first: Int
            var fac: Double
            if n > 5 {
                first = 2
                let a2 = -a[1] / ssumm2 + poly([0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633], rsn)
                fac = ((summ2 - 2 * a[0] * a[0] - 2 * a[1] * a[1]) / (1 - 2 * a1 * a1 - 2 * a2 * a2)).squareRoot()
                a[1] = a2
            } else {
                first = 1
                fac = ((summ2 - 2 * a[0] * a[0]) / (1 - 2 * a1 * a1)).squareRoot()
            }
            a[0] = a1
            for i in first..<nn2 { a[i] *= -1 / fac }
        }

        // Coefficient of the i-th order statistic: antisymmetric in i.
        func coefficient(_ i: Int) -> Double {
            let j = n - 1 - i
            if i == j { return 0 }
            return i < j ? -a[i] : a[j]
        }
        var sa = 0.0, sx = 0.0
        for i in 0..<n { sa += coefficient(i); sx += y[i] / range }
        sa /= an
        sx /= an
        var ssa = 0.0, ssx = 0.0, sax = 0.0
        for i in 0..<n {
            let asa = coefficient(i) - sa
            let xsx = y[i] / range - sx
            ssa += asa * asa
            ssx += xsx * xsx
            sax += asa * xsx
        }
        let ssassx = (ssa * ssx).squareRoot()
        let w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx)
        let w = 1 - w1

        if n == 3 {
            // Exact for n = 3 (W >= 0.75 in theory; clamp as SciPy does).
            if w < 0.75 { return TestResult(test: "shapiro-wilk", statistic: 0.75, pValue: 0, df: nil, method: "royston") }
            return TestResult(test: "shapiro-wilk", statistic: w, pValue: max(0, 1 - 6 / Double.pi * acos(w.squareRoot())), df: nil, method: "royston")
        }
        var yy = log(w1)
        let lxx = log(an)
        let m: Double, s: Double
        if n <= 11 {
            let gamma = poly([-2.273, 0.459], an)
            if yy >= gamma { return TestResult(test: "shapiro-wilk", statistic: w, pValue: 1e-19, df: nil, method: "royston") }
            yy = -log(gamma - yy)
            m = poly([0.5440, -0.39978, 0.025054, -0.0006714], an)
            s = exp(poly([1.3822, -0.77857, 0.062767, -0.0020322], an))
        } else {
            m = poly([-1.5861, -0.31082, -0.083751, 0.0038915], lxx)
            s = exp(poly([-0.4803, -0.082676, 0.0030302], lxx))
        }
        return TestResult(test: "shapiro-wilk", statistic: w, pValue: alnormUpper((yy - m) / s), df: nil, method: "royston")
    }

    /// c[0] + c[1] x + … + c[k] x^k.
    static func poly(_ c: [Double], _ x: Double) -> Double {
        var result = 0.0
        for coefficient in c.reversed() { result = result * x + coefficient }
        return result
    }

    /// AS 111 (PPND7): the normal quantile that AS R94 is calibrated with.
    static func ppnd7(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.42 {
            let r = q * q
            return q * (((-25.44106049637 * r + 41.39119773534) * r - 18.61500062529) * r + 2.50662823884)
                / ((((3.13082909833 * r - 21.06224101826) * r + 23.08336743743) * r - 8.47351093090) * r + 1)
        }
        var r = q > 0 ? 1 - p : p
        guard r > 0 else { return 0 }
        r = (-log(r)).squareRoot()
        let value = (((2.32121276858 * r + 4.85014127135) * r - 2.29796479134) * r - 2.78718931138)
            / ((1.63706781897 * r + 3.54388924762) * r + 1)
        return q < 0 ? -value : value
    }

    /// AS 66 (ALNORM) upper tail, the normal tail AS R94 uses.
    static func alnormUpper(_ x: Double) -> Double {
        var z = x
        var upper = true
        if !(z > 0) { upper = false; z = -z }
        if !(z <= 7 || (upper && z <= 38)) { return upper ? 0 : 1 }
        let y = 0.5 * z * z
        let tail: Double
        if z <= 1.28 {
            tail = 0.5 - z * (0.398942280444 - 0.399903438504 * y / (y + 5.75885480458 - 29.8213557808 / (y + 2.62433121679 + 48.6959930692 / (y + 5.92885724438))))
        } else {
            tail = 0.398942280385 * exp(-y) / (z - 3.8052e-8 + 1.00000615302 / (z + 3.98064794e-4 + 1.98615381364 / (z - 0.151679116635 + 5.29330324926 / (z + 4.8385912808 - 15.1508972451 / (z + 0.742380924027 + 30.789933034 / (z + 3.99019417011))))))
        }
        return upper ? tail : 1 - tail
    }
}
