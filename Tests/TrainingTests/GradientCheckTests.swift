import Foundation
import Testing
import Tensor
@testable import Training

/// Analytic gradients of both trainers against float64 central finite
/// differences of the losses they claim to minimise.
@Suite struct GradientCheckTests {
    static let inputSize = 14, widths = [6, 5], batch = 4

    static func batchData(seed: UInt64) -> (Matrix, [Int32]) { F64.batch(rows: batch, inputs: inputSize, seed: seed) }

    static func config(_ algorithm: TrainingConfig.Algorithm) -> TrainingConfig {
        var c = Preset.hinton.config(algorithm: algorithm, seed: 5)
        c.batchSize = batch
        c.layers = "\(widths.count)x\(widths[0])"
        c.ff.peerNormalization = 0 // a regulariser, not the gradient of a loss
        c.ff.headFromLayer = 1
        return c
    }

    /// With the head (hard negatives from its prediction) and without it
    /// (random negatives, no neutral pass): the same per-layer losses.
    @Test(arguments: [true, false])
    func ffLayerGradientsMatchFiniteDifferencesOfEachLayersOwnLoss(head: Bool) throws {
        var config = Self.config(.ff)
        if !head { (config.ff.softmaxHead, config.ff.negatives) = (false, .random) }
        let net = try FFNetwork(config: config, inputSize: Self.inputSize, widths: Self.widths,
                                classes: 10, ledger: Ledger())
        #expect(net.head.allSatisfy { ($0 != nil) == head })
        let (x, labels) = Self.batchData(seed: 1)
        _ = labels.withUnsafeBufferPointer { net.computeGradients(x, labels: $0.baseAddress!) }
        let negatives = (0..<Self.batch).map { net.negativeLabels[$0] }
        #expect(zip(negatives, labels).allSatisfy { $0 != $1 })

        // Float64 inputs of each kind, with the label overlay and normalisation.
        func overlaid(_ l: [Int32]) -> F64.Rows {
            F64.normRows(F64.matrix(x).enumerated().map { r, row in
                var row = row
                for j in 0..<10 { row[j] = 0 }
                row[Int(l[r])] = 1
                return row
            })
        }
        var pos = overlaid(labels), neg = overlaid(negatives)
        for (l, layer) in net.layers.enumerated() {
            let w = F64.matrix(layer.weight), b = F64.matrix(layer.bias)[0]
            let theta = Double(Self.widths[l])
            let loss: (F64.Rows) -> Double = { w in
                F64.ffLoss(F64.dense(pos, w, b, relu: true), positive: true, threshold: theta)
                    + F64.ffLoss(F64.dense(neg, w, b, relu: true), positive: false, threshold: theta)
            }
            let expected = F64.gradient(w, loss)
            let got = layer.weightGradient.values.map(Double.init)
            #expect(F64.relativeError(got, expected) <= 1e-4, "layer \(l + 1)")
            let biasLoss: (F64.Rows) -> Double = { bb in
                F64.ffLoss(F64.dense(pos, w, bb[0], relu: true), positive: true, threshold: theta)
                    + F64.ffLoss(F64.dense(neg, w, bb[0], relu: true), positive: false, threshold: theta)
            }
            #expect(F64.relativeError(layer.biasGradient.values.map(Double.init), F64.gradient([b], biasLoss)) <= 1e-4)
            pos = F64.normRows(F64.dense(pos, w, b, relu: true))
            neg = F64.normRows(F64.dense(neg, w, b, relu: true))
        }
    }

    @Test func ffSoftmaxHeadGradientsMatchFiniteDifferences() throws {
        let net = try FFNetwork(config: Self.config(.ff), inputSize: Self.inputSize, widths: Self.widths,
                                classes: 10, ledger: Ledger())
        // Give the (zero-initialised) head weights some values first.
        var rng = RNG(seed: 3)
        for case let s? in net.head { rng.fillNormal(s, std: 0.5) }
        let (x, labels) = Self.batchData(seed: 2)
        _ = labels.withUnsafeBufferPointer { net.computeGradients(x, labels: $0.baseAddress!) }

        // Neutral label (0.1 in each of the ten places), normalised states of every layer.
        var states: [F64.Rows] = []
        var input = F64.normRows(F64.matrix(x).map { row in var row = row; for j in 0..<10 { row[j] = 0.1 }; return row })
        for layer in net.layers {
            input = F64.normRows(F64.dense(input, F64.matrix(layer.weight), F64.matrix(layer.bias)[0], relu: true))
            states.append(input)
        }
        let heads = net.head.map { $0.map(F64.matrix)! }
        let y = labels.map(Int.init)
        for l in heads.indices {
            let loss: (F64.Rows) -> Double = { s in
                var logits = [[Double]](repeating: [Double](repeating: 0, count: 10), count: Self.batch)
                for k in heads.indices {
                    let w = k == l ? s : heads[k]
                    let part = F64.dense(states[k], w, [Double](repeating: 0, count: 10), relu: false)
                    for r in logits.indices { for c in 0..<10 { logits[r][c] += part[r][c] } }
                }
                return F64.crossEntropy(logits, y)
            }
            let got = net.headOptimizer.parameters[net.headIndex[l]!].gradient.values.map(Double.init)
            #expect(F64.relativeError(got, F64.gradient(heads[l], loss)) <= 1e-4, "head from layer \(l + 1)")
        }
    }

    // BP's gradients (plain, micro-batched, checkpointed): BPVariantsTests.

    /// Evaluation shares layer 1's image product across the 10 label passes
    /// (and the neutral one); the naive way overlays each label and runs the
    /// whole net. Both must pick the same classes.
    @Test func ffEvaluationFromTheSharedImageProductMatchesTheNaivePasses() throws {
        var c = Self.config(.ff)
        c.ff.goodnessFromLayer = 1
        let n = 60, inputs = 30, widths = [40, 25]
        c.batchSize = n
        let net = try FFNetwork(config: c, inputSize: inputs, widths: widths, classes: 10, ledger: Ledger())
        var rng = RNG(seed: 9)
        for case let s? in net.head { rng.fillNormal(s, std: 0.5) }
        for layer in net.layers { rng.fillNormal(layer.bias, std: 0.3) }
        let x = Matrix(rows: n, cols: inputs, category: .other, ledger: Ledger())
        for i in 0..<x.count { x.data[i] = rng.uniformFloat() }

        func states(_ overlay: (inout [Double]) -> Void) -> [F64.Rows] {
            var a = F64.normRows(F64.matrix(x).map { row in var row = row; overlay(&row); return row })
            return net.layers.map { layer in
                let h = F64.dense(a, F64.matrix(layer.weight), F64.matrix(layer.bias)[0], relu: true)
                a = F64.normRows(h)
                return h
            }
        }
        var goodness = [[Double]](repeating: [Double](repeating: 0, count: 10), count: n)
        for k in 0..<10 {
            for h in states({ row in for j in 0..<10 { row[j] = 0 }; row[k] = 1 }) {
                for r in 0..<n { goodness[r][k] += h[r].reduce(0) { $0 + $1 * $1 } }
            }
        }
        let neutral = states { row in for j in 0..<10 { row[j] = 0.1 } }.map(F64.normRows)
        var logits = [[Double]](repeating: [Double](repeating: 0, count: 10), count: n)
        for (l, s) in net.head.enumerated() {
            guard let s else { continue }
            let part = F64.dense(neutral[l], F64.matrix(s), [Double](repeating: 0, count: 10), relu: false)
            for r in 0..<n { for k in 0..<10 { logits[r][k] += part[r][k] } }
        }
        // Labelled with the naive predictions, every row must come out right.
        func predictions(_ scores: [[Double]]) -> [Int32] { scores.map { row in Int32(row.indices.max { row[$0] < row[$1] }!) } }
        let byGoodness = predictions(goodness), bySoftmax = predictions(logits)
        #expect(Set(byGoodness).count >= 2 && Set(bySoftmax).count > 3) // not one class everywhere
        byGoodness.withUnsafeBufferPointer { #expect(net.batchErrors(x, labels: $0.baseAddress!).goodness == 0) }
        bySoftmax.withUnsafeBufferPointer { #expect(net.batchErrors(x, labels: $0.baseAddress!).softmax == 0) }
    }

    /// Evaluation runs two labels per pass through stacked buffers; one label
    /// per pass (no stacking memory) must give the same scores to the bit.
    @Test(arguments: [TrainingConfig.GoodnessKind.maxSSQ, .minSSQ])
    func stackedEvaluationGivesTheScoresOfOneLabelPerPass(goodness: TrainingConfig.GoodnessKind) throws {
        var c = Self.config(.ff)
        c.batchSize = 40
        c.ff.goodness = goodness
        func scores(stackMemory: Int) throws -> ([Float], Int) {
            c.ff.stackMemoryMiB = stackMemory
            let net = try FFNetwork(config: c, inputSize: 50, widths: [64, 48, 33], classes: 10, ledger: Ledger())
            #expect(net.stacks != nil || stackMemory == 0)
            var rng = RNG(seed: 4)
            let x = Matrix(rows: 40, cols: 50, category: .other, ledger: Ledger())
            for i in 0..<x.count { x.data[i] = rng.uniformFloat() }
            let labels = (0..<40).map { Int32($0 % 10) }
            let errors = labels.withUnsafeBufferPointer { net.batchErrors(x, labels: $0.baseAddress!).goodness }
            return (net.scores.values, errors)
        }
        let (stacked, e1) = try scores(stackMemory: 64)
        let (single, e2) = try scores(stackMemory: 0)
        #expect(stacked == single)
        #expect(e1 == e2)
        #expect(Set(stacked).count > 300) // real scores, not zeros
    }
}

