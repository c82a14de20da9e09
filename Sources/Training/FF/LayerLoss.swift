import Tensor

/// The Forward-Forward objective of one layer: the algorithm's own loss,
/// so it lives with FF, built from Tensor's generic kernels.
enum FFLoss {
    /// Forward-Forward layer loss and its gradient, fused.
    ///
    /// With goodness g = sum_j h_j^2 and threshold theta, a positive row has
    /// loss softplus(-(g - theta)) and a negative row softplus(g - theta).
    /// dL/dg = -sigmoid(-(g - theta)) for positives, sigmoid(g - theta) for
    /// negatives, and dL/dz_j = dL/dg * 2 h_j (h = relu(z), so the ReLU mask
    /// is already in h). The gradient is scaled by `scale` (e.g. 1/batch).
    ///
    /// - Returns: the summed loss and the number of rows on the right side of
    ///   the threshold (g > theta for positives, g < theta for negatives).
    @discardableResult
    static func layer(activations h: Matrix, positive: Bool, threshold: Float,
                                   scale: Float, gradient dz: Matrix,
                                   goodness: UnsafeMutablePointer<Float>) -> (loss: Double, correct: Int) {
        precondition(dz.rows == h.rows && dz.cols == h.cols, "shape mismatch")
        Kernels.rowSumOfSquares(h, into: goodness)
        let sign: Float = positive ? -1 : 1
        var loss = 0.0
        var correct = 0
        let n = h.cols
        for r in 0..<h.rows {
            let x = sign * (goodness[r] - threshold)
            loss += Double(Kernels.softplus(x))
            if x < 0 { correct += 1 }
            let coeff = 2 * scale * sign * Kernels.sigmoid(x)
            let hp = h.row(r), gp = dz.row(r)
            for j in 0..<n { gp[j] = coeff * hp[j] }
        }
        return (loss, correct)
    }
}
