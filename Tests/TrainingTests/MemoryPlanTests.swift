import Foundation
import Testing
import Datasets
import Tensor
@testable import Training

/// The analytic memory plan against what the ledger counts: a buffer added
/// to a trainer without the plan knowing (or a plan that forgets one) fails.
@Suite struct MemoryPlanTests {
    func build(_ algorithm: TrainingConfig.Algorithm, layers: String, batch: Int,
               stackMemoryMiB: Int? = nil, optimizer: TrainingConfig.OptimizerKind = .sgd,
               head: Bool = true) throws -> (Ledger, MemoryPlan, Int) {
        var c = Preset.hinton.config(algorithm: algorithm, seed: 1)
        if !head { (c.ff.softmaxHead, c.ff.negatives) = (false, .random) }
        c.optimizer.kind = optimizer
        c.ff.head.kind = optimizer
        c.layers = layers
        c.batchSize = batch
        c.ff.stackMemoryMiB = stackMemoryMiB
        let data = try TrainingLoopTests.small
        let ledger = Ledger()
        let loop = try TrainingLoop(config: c, data: data, ledger: ledger)
        let batches = BatchIterator(source: data.train, batchSize: batch, shuffleSeed: 1, dropLast: true, ledger: ledger)
        let test = BatchIterator(source: data.test, batchSize: batch, shuffleSeed: nil, dropLast: false, ledger: ledger)
        batches.startEpoch(1)
        _ = batches.next()
        _ = loop.model.trainBatch(batches.x, labels: batches.labels, learningRateScale: 1)
        test.startEpoch(1)
        _ = loop.model.evaluate(test)
        let plan = MemoryPlan(config: c, inputSize: data.train.inputSize, widths: loop.widths,
                              classes: 10, examples: data.train.count + data.test.count,
                              centered: TrainingLoop.centersInputs(c, data), image: data.info.imageShape)
        return (ledger, plan, loop.model.parameterCount)
    }

    @Test(arguments: [TrainingConfig.Algorithm.ff, .bp], ["2x64", "3x40", "784-30-90-20", "lc2:3x5", "lc3:2x3"])
    func ledgerPeaksEqualThePlan(algorithm: TrainingConfig.Algorithm, layers: String) throws {
        for stack in [nil, 0] { try ledgerPeaksEqualThePlan(algorithm, layers: layers, stackMemoryMiB: stack, optimizer: .sgd) }
        try ledgerPeaksEqualThePlan(algorithm, layers: layers, stackMemoryMiB: nil, optimizer: .adam)
        if algorithm == .ff {
            for stack in [nil, 0] {
                try ledgerPeaksEqualThePlan(algorithm, layers: layers, stackMemoryMiB: stack, optimizer: .sgd, head: false)
            }
        }
    }

    func ledgerPeaksEqualThePlan(_ algorithm: TrainingConfig.Algorithm, layers: String, stackMemoryMiB: Int?,
                                 optimizer: TrainingConfig.OptimizerKind, head: Bool = true) throws {
        let (ledger, plan, parameters) = try build(algorithm, layers: layers, batch: 50, stackMemoryMiB: stackMemoryMiB,
                                                   optimizer: optimizer, head: head)
        // SGD takes gradients into its velocity, Adam into gradient buffers.
        #expect((plan.gradients == 0) == (optimizer == .sgd))
        let peak = ledger.snapshot().peak
        #expect(peak[.weights] == plan.weights)
        #expect(plan.weights == parameters * 4)
        #expect(peak[.gradients] == plan.gradients)
        #expect(peak[.optimizer] == plan.optimizer)
        #expect(peak[.activations] == plan.activations)
        #expect(peak[.other] == plan.other)
        // Data held once, as the files' bytes: the images (in the shared ledger
        // here, one byte a pixel) plus one Float32 batch buffer per iterator.
        let images = (try TrainingLoopTests.small.train.count + TrainingLoopTests.small.test.count) * 784
        #expect(peak[.dataset] == plan.dataset - images)
    }

    @Test func ffActivationsDoNotGrowWithDepthWhileBPsDo() throws {
        func peak(_ a: TrainingConfig.Algorithm, _ layers: String, stack: Int? = 0) throws -> Int {
            try #require(build(a, layers: layers, batch: 20, stackMemoryMiB: stack).0.snapshot().peak[.activations])
        }
        let ff2 = try peak(.ff, "2x800"), ff8 = try peak(.ff, "8x800")
        let bp2 = try peak(.bp, "2x800"), bp8 = try peak(.bp, "8x800")
        #expect(ff8 == ff2)
        #expect(bp8 > 2 * bp2)
        #expect(ff8 < bp8)
        // Stacked streams double one layer's working set, which does not
        // grow with depth; only the kept neutral outputs of head layers 2-8 do.
        let stacked2 = try peak(.ff, "2x800", stack: nil), stacked8 = try peak(.ff, "8x800", stack: nil)
        #expect(stacked8 - stacked2 == 6 * 20 * 800 * 4)
        #expect(stacked2 > ff2)
    }

    /// Stacking is used while its extra buffers fit the budget: at the
    /// paper's batch of 100, not at batch 10000, never with a budget of 0.
    @Test func streamsAreStackedOnlyWithinTheBudget() {
        func stacked(_ batch: Int, _ budget: Int?) -> Bool {
            StreamLayout(batchSize: batch, inputSize: 784, widths: [2000, 2000, 2000, 2000], headUnits: 6000,
                         budgetMiB: budget).stacked
        }
        #expect(stacked(100, nil))
        #expect(stacked(1000, nil))
        #expect(!stacked(10000, nil))
        #expect(!stacked(100, 0))
        #expect(stacked(10000, 1024))
    }

    @Test func ffPingBuffersAreOnlyAsWideAsWhatTheyHold() {
        #expect(LayerBuffers.pingWidths(inputSize: 784, widths: [500, 500]) == [784, 500])
        #expect(LayerBuffers.pingWidths(inputSize: 784, widths: [2000, 2000, 2000]) == [2000, 2000])
        #expect(LayerBuffers.pingWidths(inputSize: 784, widths: [100]) == [784, 100])
    }
}
