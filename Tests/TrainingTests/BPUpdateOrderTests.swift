import Testing
import Tensor
@testable import Training

/// BP updates each layer as soon as its gradients are done, while the
/// gradient of the layer below still needs the old weights. That must give
/// exactly what the textbook order gives: all gradients first, then every
/// update.
@Suite struct BPUpdateOrderTests {
    @Test(arguments: [TrainingConfig.OptimizerKind.sgd, .adam])
    func updatingLayerByLayerEqualsUpdatingAfterTheWholeBackwardPass(kind: TrainingConfig.OptimizerKind) throws {
        var config = GradientCheckTests.config(.bp)
        config.optimizer.kind = kind
        config.optimizer.weightDecay = 0.01
        config.layers = "3x7"
        let widths = [7, 7, 7]
        let early = BPNetwork(config: config, inputSize: GradientCheckTests.inputSize, widths: widths, classes: 10, ledger: Ledger())
        let late = BPNetwork(config: config, inputSize: GradientCheckTests.inputSize, widths: widths, classes: 10, ledger: Ledger())
        for step in 0..<3 {
            let (x, labels) = GradientCheckTests.batchData(seed: UInt64(step + 1))
            labels.withUnsafeBufferPointer { l in
                _ = early.trainBatch(x, labels: l.baseAddress!, learningRateScale: 1)
                _ = late.computeGradients(x, labels: l.baseAddress!)
            }
            for optimizer in late.optimizers { optimizer.step(learningRate: config.optimizer.learningRate) }
        }
        for (a, b) in zip(early.layers, late.layers) {
            #expect(Array(UnsafeBufferPointer(start: a.weight.data, count: a.weight.count))
                    == Array(UnsafeBufferPointer(start: b.weight.data, count: b.weight.count)))
            #expect(Array(UnsafeBufferPointer(start: a.bias.data, count: a.bias.count))
                    == Array(UnsafeBufferPointer(start: b.bias.data, count: b.bias.count)))
        }
        // The weights did move: the comparison is not of two untouched nets.
        let fresh = BPNetwork(config: config, inputSize: GradientCheckTests.inputSize, widths: widths, classes: 10, ledger: Ledger())
        #expect(Array(UnsafeBufferPointer(start: fresh.layers[1].weight.data, count: 49))
                != Array(UnsafeBufferPointer(start: early.layers[1].weight.data, count: 49)))
    }
}
