extension Kernels {
    /// out[r] = sum_j x[r, j]^2 (FF goodness of a layer's ReLU output).
    public static func rowSumOfSquares(_ x: Matrix, into out: UnsafeMutablePointer<Float>) {
        let n = x.cols
        for r in 0..<x.rows {
            let p = x.row(r)
            out[r] = dot(p, p, count: n)
        }
    }
}
