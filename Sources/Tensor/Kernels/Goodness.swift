extension Kernels {
    /// out[r] = sum_j x[r, j]^2 (FF goodness of a layer's ReLU output).
    public static func rowSumOfSquares(_ x: Matrix, into out: UnsafeMutablePointer<Float>) {
        let n = x.cols
        for r in 0..<x.rows {
            let p = x.row(r)
            out[r] = dot(p, p, count: n)
        }
    }

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
    public static func ffLayerLoss(activations h: Matrix, positive: Bool, threshold: Float,
                                   scale: Float, gradient dz: Matrix,
                                   goodness: UnsafeMutablePointer<Float>) -> (loss: Double, correct: Int) {
        precondition(dz.rows == h.rows && dz.cols == h.cols, "shape mismatch")
        rowSumOfSquares(h, into: goodness)
        let sign: Float = positive ? -1 : 1
        var loss = 0.0
        var correct = 0
        let n = h.cols
        for r in 0..<h.rows {
            let x = sign * (goodness[r] - threshold)
            loss += Double(softplus(x))
            if x < 0 { correct += 1 }
            let coeff = 2 * scale * sign * sigmoid(x)
            let hp = h.row(r), gp = dz.row(r)
            for j in 0..<n { gp[j] = coeff * hp[j] }
        }
        return (loss, correct)
    }
}
