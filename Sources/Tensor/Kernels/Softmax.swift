import Foundation

extension Kernels {
    /// Row softmax of `logits` into `probs`, the cross-entropy against
    /// `labels`, and (optionally) its gradient with respect to the logits,
    /// `scale * (p - onehot(label))`. `probs` and `gradient` may alias.
    ///
    /// - Returns: the summed loss (natural log) and how many rows have the
    ///   label as their argmax.
    @discardableResult
    public static func softmaxCrossEntropy(logits: Matrix, labels: UnsafePointer<Int32>,
                                           probs: Matrix, gradient: Matrix? = nil,
                                           scale: Float = 1) -> (loss: Double, correct: Int) {
        precondition(probs.rows == logits.rows && probs.cols == logits.cols, "shape mismatch")
        let n = logits.cols
        var loss = 0.0
        var correct = 0
        for r in 0..<logits.rows {
            let lp = logits.row(r), pp = probs.row(r)
            var m = lp[0]
            var arg = 0
            for j in 1..<n where lp[j] > m { m = lp[j]; arg = j }
            var sum: Float = 0
            for j in 0..<n {
                let e = expf(lp[j] - m)
                pp[j] = e
                sum += e
            }
            let label = Int(labels[r])
            // log p_label = z_label - m - log(sum), exact even when p underflows.
            loss += Double(logf(sum) - (lp[label] - m))
            if arg == label { correct += 1 }
            let inv = 1 / sum
            for j in 0..<n { pp[j] *= inv }
            if let g = gradient {
                let gp = g.row(r)
                for j in 0..<n { gp[j] = scale * pp[j] }
                gp[label] -= scale
            }
        }
        return (loss, correct)
    }
}

extension Kernels {
    /// Rows whose largest score (first on ties) is not the label.
    public static func misclassified(_ scores: Matrix, labels: UnsafePointer<Int32>) -> Int {
        var errors = 0
        for r in 0..<scores.rows {
            let p = scores.row(r)
            var best = 0
            for c in 1..<scores.cols where p[c] > p[best] { best = c }
            if best != Int(labels[r]) { errors += 1 }
        }
        return errors
    }
}
