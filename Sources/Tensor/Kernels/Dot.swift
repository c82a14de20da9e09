extension Kernels {
    /// sum_j a[j] * b[j], in 16 running partial sums.
    ///
    /// A plain `s += a[j] * b[j]` loop stays scalar: without fast-math the
    /// compiler must keep the additions in order, so each waits for the
    /// last (a 2000-wide row then costs as much as a small GEMM). Partial
    /// sums change the rounding, not the determinism: the order is fixed.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var j = 0
        while j + 16 <= n {
            let a0 = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
            let b0 = UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
            let a1 = UnsafeRawPointer(a + j + 8).loadUnaligned(as: SIMD8<Float>.self)
            let b1 = UnsafeRawPointer(b + j + 8).loadUnaligned(as: SIMD8<Float>.self)
            acc0 += a0 * b0
            acc1 += a1 * b1
            j += 16
        }
        var s = (acc0 + acc1).sum()
        while j < n {
            s += a[j] * b[j]
            j += 1
        }
        return s
    }
}
