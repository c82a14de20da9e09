import Foundation

extension Kernels {
    /// softplus(x) = log(1 + e^x), computed without overflow for large |x|.
    @inline(__always)
    public static func softplus(_ x: Float) -> Float {
        max(x, 0) + log1pf(expf(-abs(x)))
    }

    /// sigmoid(x) = 1 / (1 + e^-x) = d softplus / dx, stable on both tails.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }

    /// Elementwise softplus of a matrix into another (may be the same).
    public static func softplus(_ x: Matrix, into y: Matrix) {
        precondition(x.count == y.count, "shape mismatch")
        for i in 0..<x.count { y.data[i] = softplus(x.data[i]) }
    }

    /// Whether every value is finite: x·0 is 0 for finite x and NaN for
    /// ±inf or NaN, so one vectorisable sum answers it.
    public static func allFinite(_ m: Matrix) -> Bool {
        var acc: Float = 0
        for i in 0..<m.count { acc += m.data[i] * 0 }
        return acc == 0
    }
}
