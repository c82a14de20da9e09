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
}
