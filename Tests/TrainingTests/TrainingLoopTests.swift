import Foundation
import Testing
import Datasets
@testable import Tensor
@testable import Training

/// Collects what a run reports.
final class Recording: TrainingObserver {
    var epochs: [EpochResult] = []
    var phases: [TrainingPhase] = []
    func epochEnded(_ result: EpochResult) { epochs.append(result) }
    func phaseChanged(_ phase: TrainingPhase, epoch: Int) { phases.append(phase) }
}

@Suite(.serialized) struct TrainingLoopTests {
    static let dataRoot: String = {
        if let env = ProcessInfo.processInfo.environment["FFBENCH_DATA"], !env.isEmpty { return env }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    }()

    /// 2,000 training and 500 test images of real MNIST; missing data fails the test that asks, not the whole process.
    nonisolated(unsafe) static let loaded: Result<Dataset, DatasetError> = Result { () throws(DatasetError) in
        let full = try DatasetLoader(locator: DataLocator(environment: ["FFBENCH_DATA": dataRoot])).load(.mnist)
        return Dataset(info: full.info, train: full.train.subset(0..<2000), test: full.test.subset(0..<500),
                       location: full.location)
    }

    static var small: Dataset { get throws { try loaded.get() } }

    func config(_ algorithm: TrainingConfig.Algorithm, seed: UInt64 = 1) -> TrainingConfig {
        var c = Preset.hinton.config(algorithm: algorithm, seed: seed)
        c.layers = "2x64"
        c.epochs = 2
        c.batchSize = 50
        return c
    }

    func run(_ c: TrainingConfig) throws -> (TrainingOutcome, [EpochResult]) {
        let loop = try TrainingLoop(config: c, data: try Self.small, ledger: Ledger())
        let rec = Recording()
        let outcome = loop.run(observer: rec)
        return (outcome, rec.epochs)
    }

    @Test(arguments: [TrainingConfig.Algorithm.ff, .bp], [1, 2])
    func sameSeedGivesIdenticalLossesAndDifferentSeedsDiffer(algorithm: TrainingConfig.Algorithm, threads: Int) throws {
        // Repeat runs at one and at two threads; the scope keeps other tests from changing the
        // count between the runs (theThreadCountChangesNoNumber compares the counts).
        let (o1, a, b, c) = try BLAS.withThreads(threads) {
            let (o1, a) = try run(config(algorithm))
            let (_, b) = try run(config(algorithm))
            let (_, c) = try run(config(algorithm, seed: 2))
            return (o1, a, b, c)
        }
        #expect(o1 == .completed)
        #expect(a.count == 2)
        #expect(a.map(\.trainLoss) == b.map(\.trainLoss))
        #expect(a.map(\.testError) == b.map(\.testError))
        #expect(a.map(\.trainLoss) != c.map(\.trainLoss))
    }

    /// `--threads` changes the speed, never the numbers: 2x500 at batch 100 splits its products at two
    /// threads (the 2x64 nets above are too small to), and must train to the same bits as one thread.
    @Test(arguments: [TrainingConfig.Algorithm.ff, .bp])
    func theThreadCountChangesNoNumber(algorithm: TrainingConfig.Algorithm) throws {
        var c = config(algorithm)
        c.layers = "2x500"
        c.batchSize = 100
        let one = try BLAS.withThreads(1) { try run(c).1 }
        let two = try BLAS.withThreads(2) {
            #expect(BLAS.splitParts(m: 100, n: 500, k: 500) == 2, "the forward product must split")
            return try run(c).1
        }
        #expect(one.count == 2)
        #expect(one.map(\.trainLoss) == two.map(\.trainLoss))
        #expect(one.map(\.validationError) == two.map(\.validationError))
        #expect(one.map(\.testError) == two.map(\.testError))
    }

    @Test func ffLearnsAndReportsBothTestErrors() throws {
        var c = config(.ff)
        c.epochs = 4
        c.batchSize = 20 // Hinton's small rate needs many steps: 400 here
        c.ff.goodnessFromLayer = 1 // layer 1's goodness is the first to become informative
        let (outcome, epochs) = try run(c)
        #expect(outcome == .completed)
        let last = try #require(epochs.last)
        #expect(last.testErrorGoodness != nil && last.testErrorSoftmax != nil)
        #expect(last.testError == last.testErrorGoodness)
        // Chance is 90 %; four epochs on 2,000 images get well below.
        #expect((last.testError ?? 1) < 0.5)
        #expect(try #require(last.testErrorSoftmax) < 0.5)
        #expect(last.trainSeconds > 0 && last.evalSeconds > 0)
    }

    /// Without the softmax head there is no neutral pass: goodness is the
    /// only prediction and nothing measures a training error.
    @Test func ffWithoutTheHeadLearnsByGoodnessAlone() throws {
        var c = config(.ff)
        c.epochs = 4
        c.batchSize = 20
        c.ff.goodnessFromLayer = 1
        c.ff.softmaxHead = false
        c.ff.negatives = .random
        let (outcome, epochs) = try run(c)
        #expect(outcome == .completed)
        let last = try #require(epochs.last)
        #expect(epochs.allSatisfy { $0.trainError == nil && $0.testErrorSoftmax == nil })
        #expect(last.testError == last.testErrorGoodness)
        #expect((last.testError ?? 1) < 0.5)
        #expect(epochs.first!.trainLoss > last.trainLoss)
    }

    @Test func evalEveryLeavesSkippedEpochsWithoutTestErrorsButAlwaysEvaluatesTheLast() throws {
        var c = config(.bp)
        c.epochs = 5
        c.evalEvery = 2
        let (_, epochs) = try run(c)
        #expect(epochs.map { $0.testError != nil } == [false, true, false, true, true])
        #expect(epochs[0].evalSeconds == 0)
    }

    /// With a validation split, selection reads the validation error every
    /// epoch; the test set is scored at the first epoch, every Nth and the last.
    @Test func withAValidationSplitTheTestSetIsScoredOnlyWhereTheProtocolNeedsIt() throws {
        var c = config(.bp)
        c.epochs = 7
        c.testEvery = 3
        c.validation = 500
        let (_, epochs) = try run(c)
        #expect(epochs.map { $0.testError != nil } == [true, false, true, false, false, true, true])
        #expect(epochs.allSatisfy { $0.validationError != nil })
        // Without a split the test set is what selection reads: every epoch.
        c.validation = 0
        let (_, plain) = try run(c)
        #expect(plain.allSatisfy { $0.testError != nil })
    }

    /// Selection needs only the error the run is judged by; FF then skips its
    /// other prediction, and the judged error is the full evaluation's.
    @Test(arguments: [TrainingConfig.Prediction.goodness, .softmax])
    func selectionScoresOnlyThePredictionTheRunIsJudgedBy(prediction: TrainingConfig.Prediction) throws {
        var c = config(.ff)
        c.epochs = 1
        c.ff.prediction = prediction
        let data = try Self.small
        let loop = try TrainingLoop(config: c, data: data, ledger: Ledger())
        _ = loop.run()
        let batches = BatchIterator(source: data.test, batchSize: c.batchSize, shuffleSeed: nil, dropLast: false, ledger: Ledger())
        batches.startEpoch(1)
        let full = loop.model.evaluate(batches)
        batches.startEpoch(2)
        let selection = loop.model.evaluateSelection(batches)
        #expect(selection.errorRate == full.errorRate && full.errorRate != nil)
        #expect(prediction == .goodness ? selection.softmaxErrorRate == nil : selection.goodnessErrorRate == nil)
    }

    @Test func centredInputsSubtractTheTrainingMeanImage() throws {
        let data = try Self.small
        let mean = data.train.meanImage(ledger: Ledger())
        var byHand = [Double](repeating: 0, count: 784)
        for r in 0..<data.train.count { for j in 0..<784 { byHand[j] += Double(ByteMatrix.scaled(data.train.images[r, j])) } }
        for j in [0, 300, 400, 783] { #expect(abs(Double(mean.data[j]) - byHand[j] / 2000) < 1e-6) }
        // Centring changes what FF learns; MNIST's default is off, so the two differ.
        var c = config(.ff)
        c.epochs = 1
        let (_, plain) = try run(c)
        c.ff.centerInputs = true
        let (_, centred) = try run(c)
        #expect(plain[0].trainLoss != centred[0].trainLoss)
    }

    @Test func nonFiniteLossStopsTheRunAsDiverged() throws {
        var c = config(.bp)
        c.optimizer = .init(kind: .sgd, learningRate: 1e12, momentum: 0.9)
        let (outcome, epochs) = try run(c)
        guard case .diverged(let epoch, let batch) = outcome else {
            Issue.record("expected divergence, got \(outcome)"); return
        }
        #expect(epoch == 1 && batch >= 1)
        #expect(epochs.isEmpty)
    }

    @Test func steadyStateTrainingAllocatesNoTensors() throws {
        let ledger = Ledger()
        for algorithm in [TrainingConfig.Algorithm.ff, .bp] {
            let loop = try TrainingLoop(config: config(algorithm), data: try Self.small, ledger: ledger)
            let batches = BatchIterator(source: try Self.small.train, batchSize: 50, shuffleSeed: 1, dropLast: true, ledger: ledger)
            batches.startEpoch(1)
            _ = batches.next()
            _ = loop.model.trainBatch(batches.x, labels: batches.labels, learningRateScale: 1)
            let after = ledger.allocationCount
            for _ in 0..<5 {
                _ = batches.next()
                _ = loop.model.trainBatch(batches.x, labels: batches.labels, learningRateScale: 1)
            }
            let test = BatchIterator(source: try Self.small.test, batchSize: 50, shuffleSeed: nil, dropLast: false, ledger: ledger)
            let afterIterator = ledger.allocationCount
            test.startEpoch(1)
            _ = loop.model.evaluate(test)
            #expect(ledger.allocationCount == afterIterator, "\(algorithm) evaluation allocated")
            #expect(afterIterator - after == 1, "\(algorithm): only the test iterator's buffer")
        }
    }

    @Test func badRequestsAreRejectedBeforeTraining() {
        var big = config(.ff)
        big.batchSize = 2001
        #expect(throws: TrainingError.batchTooLarge(batch: 2001, trainingSet: 2000)) { try TrainingLoop(config: big, data: try Self.small) }
        var badLayers = config(.bp)
        badLayers.layers = "4by2000"
        #expect(throws: TrainingError.self) { try TrainingLoop(config: badLayers, data: try Self.small) }
        var wrongInput = config(.bp)
        wrongInput.layers = "100-50"
        #expect(throws: TrainingError.badLayers("100-50", reason: "a list starts with the input size, 784 for this data set (found 100)")) {
            try TrainingLoop(config: wrongInput, data: try Self.small)
        }
    }

    @Test func layerSpecsParse() throws {
        #expect(try LayerSpec(parsing: "4x2000").hiddenWidths(inputSize: 784) == [2000, 2000, 2000, 2000])
        #expect(try LayerSpec(parsing: "784-500-300").hiddenWidths(inputSize: 784) == [500, 300])
        for bad in ["", "x", "0x10", "3x", "a-b", "784", "4x-1", "784--5"] {
            #expect(throws: TrainingError.self, "\(bad)") { try LayerSpec(parsing: bad) }
        }
    }

    @Test func parameterCounts() throws {
        let ff = try TrainingLoop(config: config(.ff), data: try Self.small, ledger: Ledger())
        let bp = try TrainingLoop(config: config(.bp), data: try Self.small, ledger: Ledger())
        let hidden = 784 * 64 + 64 + 64 * 64 + 64
        #expect(bp.model.parameterCount == hidden + 64 * 10 + 10) // only the output layer added
        #expect(ff.model.parameterCount == hidden + 64 * 10) // the head reads hidden layer 2 (no bias)
    }
}
