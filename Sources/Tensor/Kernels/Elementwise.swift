/// Fused elementwise kernels. Each loop runs over contiguous rows so the
/// compiler vectorises it; none allocates.
public enum Kernels {}

extension Kernels {
    /// z = max(0, z + b) row by row: the bias add and ReLU of a dense layer.
    public static func addBiasReLU(_ z: Matrix, bias: Matrix) {
        precondition(bias.count == z.cols, "bias has \(bias.count) values for \(z.cols) columns")
        let n = z.cols
        let b = bias.data
        for r in 0..<z.rows {
            let p = z.row(r)
            for j in 0..<n { p[j] = max(0, p[j] + b[j]) }
        }
    }

    /// z = z + b row by row (output layers without a nonlinearity).
    public static func addBias(_ z: Matrix, bias: Matrix) {
        precondition(bias.count == z.cols, "bias has \(bias.count) values for \(z.cols) columns")
        let n = z.cols
        let b = bias.data
        for r in 0..<z.rows {
            let p = z.row(r)
            for j in 0..<n { p[j] += b[j] }
        }
    }

    /// grad = grad * [activation > 0]: ReLU backward, given the ReLU output.
    public static func reluBackward(_ grad: Matrix, activation: Matrix) {
        precondition(grad.rows == activation.rows && grad.cols == activation.cols, "shape mismatch")
        let g = grad.data, a = activation.data
        // Load g unconditionally: a load under the condition keeps the loop scalar.
        for i in 0..<grad.count {
            let v = g[i]
            g[i] = a[i] > 0 ? v : 0
        }
    }

    /// out[j] = beta * out[j] + alpha * sum_r m[r, j]: bias gradients.
    public static func columnSums(_ m: Matrix, into out: Matrix, alpha: Float = 1, beta: Float = 0) {
        precondition(out.count == m.cols, "column-sum target has \(out.count) values for \(m.cols) columns")
        let n = m.cols
        let o = out.data
        if beta == 0 { o.update(repeating: 0, count: n) } else if beta != 1 {
            for j in 0..<n { o[j] *= beta }
        }
        for r in 0..<m.rows {
            let p = m.row(r)
            for j in 0..<n { o[j] += alpha * p[j] }
        }
    }
}
