import Foundation
import Testing
import Datasets
import Tensor
@testable import Training

/// BP's memory-saving variants leave its mathematics unchanged: gradients
/// against float64 finite differences, micro-batches equal to the whole
/// batch up to float rounding, checkpointing bit-identical at one thread,
/// and the ledger's activation bytes equal to the plan's.
@Suite struct BPVariantsTests {
    static let inputSize = 14, widths = [6, 5, 4, 5, 6]

    static func config(batch: Int, micro: Int? = nil, checkpoint: String? = nil) -> TrainingConfig {
        var c = Preset.hinton.config(algorithm: .bp, seed: 11)
        c.batchSize = batch
        c.layers = ([inputSize] + widths).map(String.init).joined(separator: "-")
        c.microBatch = micro
        c.checkpoint = checkpoint
        return c
    }

    static func data(batch: Int, seed: UInt64) -> (Matrix, [Int32]) {
        var rng = RNG(seed: seed)
        let x = Matrix(rows: batch, cols: inputSize, category: .other, ledger: Ledger())
        for i in 0..<x.count { x.data[i] = rng.uniformFloat() }
        return (x, (0..<batch).map { Int32(($0 * 7 + Int(seed)) % 10) })
    }

    static func net(_ c: TrainingConfig, ledger: Ledger = Ledger()) -> BPNetwork {
        BPNetwork(config: c, inputSize: inputSize, widths: widths, classes: 10, ledger: ledger)
    }

    /// Trains `steps` batches and returns every weight and bias.
    static func train(_ c: TrainingConfig, steps: Int) -> [Float] {
        let n = net(c)
        for s in 0..<steps {
            let (x, labels) = data(batch: c.batchSize, seed: UInt64(100 + s))
            _ = labels.withUnsafeBufferPointer { n.trainBatch(x, labels: $0.baseAddress!, learningRateScale: 1) }
        }
        return n.parameterMatrices.flatMap(\.values)
    }

    @Test(arguments: [(nil, nil), (3, nil), (nil, "1"), (nil, "2"), (nil, "sqrt"), (3, "sqrt")] as [(Int?, String?)])
    func gradientsMatchFiniteDifferences(micro: Int?, checkpoint: String?) throws {
        let n = Self.net(Self.config(batch: 4, micro: micro, checkpoint: checkpoint))
        let (x, labels) = Self.data(batch: 4, seed: 4)
        _ = labels.withUnsafeBufferPointer { n.computeGradients(x, labels: $0.baseAddress!) }
        let ws = n.layers.map { F64.matrix($0.weight) }, bs = n.layers.map { F64.matrix($0.bias)[0] }
        let y = labels.map(Int.init)
        func loss(_ ws: [F64.Rows], _ bs: [[Double]]) -> Double {
            var a = F64.matrix(x)
            for l in ws.indices { a = F64.dense(a, ws[l], bs[l], relu: l < ws.count - 1) }
            return F64.crossEntropy(a, y)
        }
        for l in ws.indices {
            let expected = F64.gradient(ws[l]) { w in var all = ws; all[l] = w; return loss(all, bs) }
            #expect(F64.relativeError(n.layers[l].weightGradient.values.map(Double.init), expected) <= 1e-4, "layer \(l + 1)")
            let expectedBias = F64.gradient([bs[l]]) { b in var all = bs; all[l] = b[0]; return loss(ws, all) }
            #expect(F64.relativeError(n.layers[l].biasGradient.values.map(Double.init), expectedBias) <= 1e-4, "bias \(l + 1)")
        }
    }

    @Test(arguments: [1, 6, 7, 19])
    func microBatchesGiveTheWholeBatchsWeights(micro: Int) {
        BLAS.withThreads(1) {
            let plain = Self.train(Self.config(batch: 20), steps: 6)
            let pieces = Self.train(Self.config(batch: 20, micro: micro), steps: 6)
            let scale = plain.map(abs).max()!
            let worst = zip(plain, pieces).map { abs($0 - $1) }.max()!
            #expect(worst / scale <= 1e-5, "micro-batch \(micro): \(worst / scale) relative to the largest weight")
        }
    }

    @Test(arguments: ["1", "2", "3", "sqrt", "5"])
    func checkpointingIsBitIdenticalAtOneThread(span: String) {
        BLAS.withThreads(1) {
            #expect(Self.train(Self.config(batch: 20), steps: 6) == Self.train(Self.config(batch: 20, checkpoint: span), steps: 6))
        }
    }

    @Test(arguments: [(nil, nil), (5, nil), (nil, "sqrt"), (nil, "2"), (5, "sqrt")] as [(Int?, String?)])
    func ledgerActivationsEqualThePlan(micro: Int?, checkpoint: String?) {
        let ledger = Ledger()
        let c = Self.config(batch: 20, micro: micro, checkpoint: checkpoint)
        let n = Self.net(c, ledger: ledger)
        let plan = MemoryPlan(config: c, inputSize: Self.inputSize, widths: Self.widths, classes: 10, examples: 0)
        #expect(ledger.liveBytes(.activations) == plan.activations)
        // Less than plain BP's, as promised.
        if micro != nil || checkpoint != nil {
            #expect(plan.activations < MemoryPlan(config: Self.config(batch: 20), inputSize: Self.inputSize, widths: Self.widths,
                                                  classes: 10, examples: 0).activations)
        }
        withExtendedLifetime(n) {}
    }

    @Test func evaluationInMicroBatchesCountsEveryImage() {
        // A whole evaluation batch runs through micro-batch buffers in pieces, each with its own labels.
        let ledger = Ledger()
        var rng = RNG(seed: 9)
        let images = ByteMatrix(rows: 20, cols: Self.inputSize, category: .dataset, ledger: ledger)
        for i in 0..<images.byteCount { images.data[i] = UInt8(rng.uniformFloat() * 255) }
        let source = LabeledImages(images: images, labels: (0..<20).map { Int32($0 % 10) }, classCount: 10)
        func error(_ m: BPNetwork) -> Double? {
            let it = BatchIterator(source: source, batchSize: 20, shuffleSeed: nil, dropLast: false, ledger: ledger)
            it.startEpoch(1)
            return m.evaluate(it).errorRate
        }
        #expect(error(Self.net(Self.config(batch: 20, micro: 6))) == error(Self.net(Self.config(batch: 20))))
    }
}
