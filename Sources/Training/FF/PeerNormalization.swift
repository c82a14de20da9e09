import Tensor

/// Hinton's peer normalisation (`ffnew.m`): each unit's running mean
/// activity over positive batches, and a term that pulls it towards its
/// layer's average, ungated by the ReLU so dead units can revive.
final class PeerNormalization {
    let strength: Float, momentum: Float
    /// One row per layer: its units' running means.
    let means: [Matrix]

    init(widths: [Int], strength: Float, momentum: Float, ledger: Ledger) {
        (self.strength, self.momentum) = (strength, momentum)
        // Hinton starts every unit's running mean activity at 0.5.
        means = widths.map {
            let m = Matrix(rows: 1, cols: $0, category: .other, ledger: ledger)
            m.fill(0.5)
            return m
        }
    }

    var isOn: Bool { strength > 0 }

    /// Running mean activity per unit, from the positive pass (Hinton: 0.9 / 0.1).
    /// `scratch`: one row of the layer's width.
    func update(_ l: Int, _ h: Matrix, scratch: Matrix) {
        let m = means[l].data, n = means[l].cols
        let mu = momentum
        Kernels.columnSums(h, into: scratch, alpha: 1 / Float(h.rows))
        for j in 0..<n { m[j] = mu * m[j] + (1 - mu) * scratch.data[j] }
    }

    /// Hinton adds lambda (mean(m) - m_j) to his ascent direction, which is
    /// half our exact gradient; in our descent units that is
    /// -2 lambda (mean(m) - m_j) / batch per row, added to dL/dz.
    func addTerm(_ l: Int, _ dz: Matrix, _ invB: Float, scratch: UnsafeMutablePointer<Float>) {
        let m = means[l].data, n = means[l].cols
        var mean: Float = 0
        for j in 0..<n { mean += m[j] }
        mean /= Float(n)
        let c = -2 * strength * invB
        for j in 0..<n { scratch[j] = c * (mean - m[j]) }
        for r in 0..<dz.rows {
            let p = dz.row(r)
            for j in 0..<n { p[j] += scratch[j] }
        }
    }
}
