import Testing
import Tensor
@testable import Training

@Suite struct NegativesTests {
    static let rows = 10

    @Test func randomNegativesAreNeverTheTrueLabelAndCoverTheOtherNine() {
        var rng = RNG(seed: 1)
        let labels = (0..<1000).map { Int32($0 % 10) }
        var out = [Int32](repeating: -1, count: labels.count)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for _ in 0..<20 {
            labels.withUnsafeBufferPointer { l in
                out.withUnsafeMutableBufferPointer { NegativeLabels.random($0.baseAddress!, labels: l.baseAddress!, count: labels.count, classes: 10, rng: &rng) }
            }
            for (t, n) in zip(labels, out) {
                #expect(t != n)
                counts[Int(t)][Int(n)] += 1
            }
        }
        // 2,000 draws per true label over 9 wrong ones: each about 222 (sd ~14).
        for t in 0..<10 {
            for n in 0..<10 where n != t { #expect((150...300).contains(counts[t][n]), "label \(t) -> \(n): \(counts[t][n])") }
        }
    }

    @Test func hardNegativesFollowTheHeadsDistributionWithTheTruthMasked() {
        // One row's predicted distribution, with most mass on the true label 3.
        let p: [Float] = [0.02, 0.08, 0.10, 0.50, 0.0, 0.05, 0.15, 0.05, 0.03, 0.02]
        let probs = Matrix(rows: Self.rows, cols: 10, values: Array((0..<Self.rows).map { _ in p }.joined()), ledger: Ledger())
        let labels = [Int32](repeating: 3, count: Self.rows)
        var out = [Int32](repeating: -1, count: Self.rows)
        var rng = RNG(seed: 2)
        var counts = [Int](repeating: 0, count: 10)
        let draws = 20_000
        for _ in 0..<(draws / Self.rows) {
            labels.withUnsafeBufferPointer { l in
                out.withUnsafeMutableBufferPointer { NegativeLabels.hard($0.baseAddress!, labels: l.baseAddress!, probs: probs, rng: &rng) }
            }
            for n in out { counts[Int(n)] += 1 }
        }
        #expect(counts[3] == 0)
        #expect(counts[4] == 0) // zero probability is never chosen
        let masked = p.enumerated().map { $0.offset == 3 ? 0 : Double($0.element) }
        let total = masked.reduce(0, +)
        for c in 0..<10 where masked[c] > 0 {
            let expected = Double(draws) * masked[c] / total
            let sd = (expected * (1 - masked[c] / total)).squareRoot()
            #expect(abs(Double(counts[c]) - expected) < 5 * sd, "class \(c): \(counts[c]) vs \(expected)")
        }
    }

    @Test func hardNegativesFallBackWhenOnlyTheTruthHasMass() {
        let probs = Matrix(rows: 1, cols: 10, values: [0, 0, 0, 0, 0, 0, 0, 1, 0, 0], ledger: Ledger())
        var rng = RNG(seed: 3)
        var out: [Int32] = [-1]
        let labels: [Int32] = [7]
        for _ in 0..<50 {
            labels.withUnsafeBufferPointer { l in
                out.withUnsafeMutableBufferPointer { NegativeLabels.hard($0.baseAddress!, labels: l.baseAddress!, probs: probs, rng: &rng) }
            }
            #expect(out[0] != 7 && (0..<10).contains(out[0]))
        }
    }
}
