import Foundation
import Testing
import Tensor
@testable import Training

/// Both trainers on a locally connected stack against float64 central
/// differences of the losses they claim to minimise: BP's cross-entropy
/// through every layer, FF's per-layer goodness losses (max-ssq and
/// min-ssq) with layer 1's label weights.
@Suite struct LocalNetworkGradientTests {
    static let image = (5, 4, 2), batch = 4
    static let stack = try! LocalStack(parsing: "lc2:3x3", text: "lc2:3x3")

    static func batchData(seed: UInt64) -> (Matrix, [Int32]) { F64.batch(rows: batch, inputs: image.0 * image.1 * image.2, seed: seed) }

    static func config(_ algorithm: TrainingConfig.Algorithm) -> TrainingConfig {
        var c = Preset.hinton.config(algorithm: algorithm, seed: 5)
        c.batchSize = batch
        c.layers = "lc2:3x3"
        c.ff.peerNormalization = 0 // a regulariser, not the gradient of a loss
        c.ff.headFromLayer = 1
        return c
    }

    @Test func bpGradientsMatchFiniteDifferences() throws {
        let net = try LocalBPNetwork(config: Self.config(.bp), image: Self.image, stack: Self.stack, classes: 10, ledger: Ledger())
        var rng = RNG(seed: 6)
        for layer in net.layers { rng.fillNormal(layer.bias, std: 0.2) }
        let (x, labels) = Self.batchData(seed: 1)
        _ = labels.withUnsafeBufferPointer { net.computeGradients(x, labels: $0.baseAddress!) }
        let shapes = net.layers.map(\.shape)
        let ws = net.layers.map { F64.matrix($0.weight) }, bs = net.layers.map { F64.matrix($0.bias)[0] }
        let wo = F64.matrix(net.output.weight), bo = F64.matrix(net.output.bias)[0]
        let y = labels.map(Int.init)
        func loss(_ ws: [F64.Rows], _ bs: [[Double]], _ wo: F64.Rows) -> Double {
            var a = F64.matrix(x)
            for l in ws.indices { a = F64.local(a, shapes[l], planar: l == 0, ws[l], bs[l], relu: true) }
            return F64.crossEntropy(F64.dense(a, wo, bo, relu: false), y)
        }
        for l in ws.indices {
            let expected = F64.gradient(ws[l]) { w in var all = ws; all[l] = w; return loss(all, bs, wo) }
            #expect(F64.relativeError(net.layers[l].parameters[0].gradient.values.map(Double.init), expected) <= 1e-4, "layer \(l + 1)")
            let expectedBias = F64.gradient([bs[l]]) { b in var all = bs; all[l] = b[0]; return loss(ws, all, wo) }
            #expect(F64.relativeError(net.layers[l].parameters[1].gradient.values.map(Double.init), expectedBias) <= 1e-4, "bias \(l + 1)")
        }
        let expectedOutput = F64.gradient(wo) { loss(ws, bs, $0) }
        #expect(F64.relativeError(net.output.weightGradient.values.map(Double.init), expectedOutput) <= 1e-4, "output layer")
    }

    @Test(arguments: [TrainingConfig.GoodnessKind.maxSSQ, .minSSQ])
    func ffLayerGradientsMatchFiniteDifferencesOfEachLayersOwnLoss(goodness: TrainingConfig.GoodnessKind) throws {
        var config = Self.config(.ff)
        config.ff.goodness = goodness
        let net = try LocalFFNetwork(config: config, image: Self.image, stack: Self.stack, classes: 10, ledger: Ledger())
        var rng = RNG(seed: 7)
        for layer in net.layers { rng.fillNormal(layer.bias, std: 0.2) }
        for case let s? in net.head { rng.fillNormal(s, std: 0.5) }
        let (x, labels) = Self.batchData(seed: 2)
        _ = labels.withUnsafeBufferPointer { net.computeGradients(x, labels: $0.baseAddress!) }
        let negatives = (0..<Self.batch).map { net.negativeLabels[$0] }
        #expect(zip(negatives, labels).allSatisfy { $0 != $1 })
        let minSSQ = goodness == .minSSQ, v = Double(config.ff.labelValue)
        // The image scaled to RMS 1 (no mean here), then layer by layer.
        let image = F64.normRows(F64.matrix(x))
        let shapes = net.layers.map(\.shape), wl = F64.matrix(net.labelWeight)
        func layer1(_ w: F64.Rows, _ b: [Double], _ wl: F64.Rows, _ l: [Int32]) -> F64.Rows {
            F64.local(image, shapes[0], planar: true, w, b, relu: false).enumerated().map { r, z in
                z.indices.map { max(0, z[$0] + v * wl[Int(l[r])][$0]) }
            }
        }
        func ffLoss(_ pos: F64.Rows, _ neg: F64.Rows, threshold: Double) -> Double {
            F64.ffLoss(pos, positive: !minSSQ, threshold: threshold) + F64.ffLoss(neg, positive: minSSQ, threshold: threshold)
        }
        let w1 = F64.matrix(net.layers[0].weight), b1 = F64.matrix(net.layers[0].bias)[0]
        let theta1 = Double(shapes[0].outputs)
        let loss1: (F64.Rows, [Double], F64.Rows) -> Double = { w, b, wl in
            ffLoss(layer1(w, b, wl, labels), layer1(w, b, wl, negatives), threshold: theta1)
        }
        let got = net.layers[0].parameters[0].gradient.values.map(Double.init)
        #expect(F64.relativeError(got, F64.gradient(w1) { loss1($0, b1, wl) }) <= 1e-4, "layer 1 \(goodness)")
        #expect(F64.relativeError(net.layers[0].parameters[1].gradient.values.map(Double.init),
                                  F64.gradient([b1]) { loss1(w1, $0[0], wl) }) <= 1e-4, "bias 1")
        #expect(F64.relativeError(net.optimizers[0].parameters[2].gradient.values.map(Double.init),
                                  F64.gradient(wl) { loss1(w1, b1, $0) }) <= 1e-4, "label weights")
        // Layer 2 from layer 1's normalised outputs of each pass.
        let pos1 = F64.normRows(layer1(w1, b1, wl, labels)), neg1 = F64.normRows(layer1(w1, b1, wl, negatives))
        let w2 = F64.matrix(net.layers[1].weight), b2 = F64.matrix(net.layers[1].bias)[0]
        let loss2: (F64.Rows) -> Double = { w in
            ffLoss(F64.local(pos1, shapes[1], planar: false, w, b2, relu: true),
                   F64.local(neg1, shapes[1], planar: false, w, b2, relu: true), threshold: Double(shapes[1].outputs))
        }
        #expect(F64.relativeError(net.layers[1].parameters[0].gradient.values.map(Double.init), F64.gradient(w2, loss2)) <= 1e-4, "layer 2")
    }
}
