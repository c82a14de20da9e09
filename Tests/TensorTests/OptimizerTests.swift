import Foundation
import Testing
@testable import Tensor

@Suite struct OptimizerTests {
    /// Three steps with changing gradients, against a float64 re-derivation.
    @Test func sgdWithMomentumAndWeightDecayMatchesReference() {
        let w = Ref.random(3, 5, seed: 1), g = Matrix(rows: 3, cols: 5, category: .gradients)
        let b = Ref.random(1, 5, seed: 2), gb = Matrix(rows: 1, cols: 5, category: .gradients)
        let opt = SGD(parameters: [Parameter(value: w, gradient: g, decays: true),
                                   Parameter(value: b, gradient: gb, decays: false)],
                      momentum: 0.9, weightDecay: 0.01)
        var wRef = Ref.doubles(w), bRef = Ref.doubles(b)
        var vw = [Double](repeating: 0, count: 15), vb = [Double](repeating: 0, count: 5)
        for step in 0..<3 {
            let gw = Ref.random(3, 5, seed: UInt64(10 + step)), gbias = Ref.random(1, 5, seed: UInt64(20 + step))
            g.copy(from: gw); gb.copy(from: gbias)
            opt.step(learningRate: 0.1)
            for i in 0..<15 {
                vw[i] = 0.9 * vw[i] + Double(gw.data[i]) + 0.01 * wRef[i]
                wRef[i] -= 0.1 * vw[i]
            }
            for i in 0..<5 {
                vb[i] = 0.9 * vb[i] + Double(gbias.data[i])
                bRef[i] -= 0.1 * vb[i]
            }
        }
        #expect(Ref.maxRelativeError(Ref.doubles(w), wRef) < 1e-5)
        #expect(Ref.maxRelativeError(Ref.doubles(b), bRef) < 1e-5)
    }

    @Test func adamMatchesReference() {
        let w = Ref.random(4, 3, seed: 3), g = Matrix(rows: 4, cols: 3, category: .gradients)
        let opt = Adam(parameters: [Parameter(value: w, gradient: g, decays: true)],
                       beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.001)
        var wRef = Ref.doubles(w)
        var m = [Double](repeating: 0, count: 12), v = m
        for step in 1...4 {
            let gs = Ref.random(4, 3, seed: UInt64(30 + step))
            g.copy(from: gs)
            opt.step(learningRate: 0.01)
            for i in 0..<12 {
                let gi = Double(gs.data[i]) + 0.001 * wRef[i]
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let mh = m[i] / (1 - pow(0.9, Double(step))), vh = v[i] / (1 - pow(0.999, Double(step)))
                wRef[i] -= 0.01 * mh / (vh.squareRoot() + 1e-8)
            }
        }
        #expect(Ref.maxRelativeError(Ref.doubles(w), wRef) < 1e-5)
    }

    @Test func optimizerStateIsCountedAsOptimizerBytes() {
        let ledger = Ledger()
        let w = Matrix(rows: 10, cols: 10, category: .weights, ledger: ledger)
        let g = Matrix(rows: 10, cols: 10, category: .gradients, ledger: ledger)
        let opt = Adam(parameters: [Parameter(value: w, gradient: g, decays: true)], ledger: ledger)
        #expect(ledger.liveBytes(.optimizer) == 2 * 400)
        _ = opt
    }
}

/// Large parameters are updated in chunks on several threads; the split
/// must not change a single bit.
@Suite(.serialized) struct ChunkedOptimizerTests {
    func run(threads: Int, adam: Bool) -> [Float] {
        BLAS.withThreads(threads) { run(adam: adam) }
    }

    func run(adam: Bool) -> [Float] {
        let ledger = Ledger()
        let count = 3 * Chunks.minimum + 17
        let w = Matrix(rows: 1, cols: count, category: .weights, ledger: ledger)
        let g = Matrix(rows: 1, cols: count, category: .gradients, ledger: ledger)
        var rng = RNG(seed: 11)
        rng.fillNormal(w, std: 1)
        let p = [Parameter(value: w, gradient: g, decays: true)]
        let opt: Optimizer = adam ? Adam(parameters: p, weightDecay: 0.01, ledger: ledger)
                                  : SGD(parameters: p, momentum: 0.9, weightDecay: 0.001, dampening: 0.9, decayStyle: .separate, ledger: ledger)
        for _ in 0..<3 {
            rng.fillNormal(g, std: 1)
            opt.step(learningRate: 0.01)
        }
        return w.values
    }

    @Test(arguments: [false, true])
    func oneThreadAndTwoGiveIdenticalWeights(adam: Bool) {
        let one = run(threads: 1, adam: adam), two = run(threads: 2, adam: adam)
        #expect(one == two)
        #expect(one.count == 3 * Chunks.minimum + 17)
    }
}
