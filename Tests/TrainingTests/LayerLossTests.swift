import Foundation
import Testing
import Tensor
@testable import Training

/// The fused FF layer loss and its gradient against float64 finite differences.
@Suite struct LayerLossTests {
    @Test func layerLossMatchesFiniteDifferences() {
        for (i, (r, c)) in [(1, 1), (1, 7), (9, 1), (3, 5), (17, 31), (64, 100), (5, 257)].enumerated() {
            for positive in [true, false] {
                var rng = RNG(seed: UInt64(i))
                let h = Matrix(rows: r, cols: c, category: .other, ledger: Ledger())
                for j in 0..<h.count { h.data[j] = max(0, Float(rng.normal())) }
                let theta = Float(c) * 0.5
                let dz = Matrix(rows: r, cols: c, category: .other, ledger: Ledger())
                var goodness = [Float](repeating: 0, count: r)
                let (loss, correct) = goodness.withUnsafeMutableBufferPointer {
                    FFLoss.layer(activations: h, positive: positive, threshold: theta, scale: 0.25, gradient: dz, goodness: $0.baseAddress!)
                }
                let rows = F64.matrix(h)
                // F64.ffLoss is the mean over rows; one row at a time it is that row's loss.
                func rowLoss(_ v: [Double]) -> Double { F64.ffLoss([v], positive: positive, threshold: Double(theta)) }
                var expectedLoss = 0.0, expectedCorrect = 0
                for (row, v) in rows.enumerated() {
                    expectedLoss += rowLoss(v)
                    let g = v.reduce(0) { $0 + $1 * $1 } - Double(theta)
                    if (positive ? -g : g) < 0 { expectedCorrect += 1 }
                    let fd = F64.gradient([v]) { 0.25 * rowLoss($0[0]) }
                    #expect(F64.relativeError((0..<c).map { Double(dz[row, $0]) }, fd) < 1e-4, "shape \(r)x\(c) positive=\(positive)")
                }
                #expect(abs(loss - expectedLoss) / max(1, expectedLoss) < 1e-5)
                #expect(correct == expectedCorrect)
            }
        }
    }
}
