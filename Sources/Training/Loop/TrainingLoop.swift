import Datasets
import Tensor

/// Runs epochs of a model over a data set: shuffled fixed-size training
/// batches, then a timed evaluation (the validation split, and the test set
/// where `TrainingConfig.scoresTestSet` asks for it), reporting through an
/// observer. Training time excludes evaluation.
public final class TrainingLoop {
    public let config: TrainingConfig
    public let model: Model
    public let widths: [Int]
    private let data: Dataset
    private let ledger: Ledger
    /// Polled between batches; true ends the run as `interrupted`.
    public var shouldStop: () -> Bool = { false }
    /// Ends each epoch's training after this many batches (benchmarks that
    /// time part of an epoch); nil trains on every batch.
    public var batchLimit: Int?

    public init(config: TrainingConfig, data: Dataset, ledger: Ledger = .shared) throws(TrainingError) {
        guard config.epochs >= 1 else {
            throw .badValue(option: "epochs", value: String(config.epochs), expected: "a positive number")
        }
        guard config.batchSize >= 1 else {
            throw .badValue(option: "batch-size", value: String(config.batchSize), expected: "a positive number")
        }
        guard config.batchSize <= data.train.count else {
            throw .batchTooLarge(batch: config.batchSize, trainingSet: data.train.count)
        }
        let spec = try LayerSpec(parsing: config.layers)
        let widths = try spec.hiddenWidths(image: data.info.imageShape)
        var data = data
        let v = config.validation ?? 0
        if let held = data.validation, held.count != v {
            throw .badValue(option: "validation", value: String(v), expected: "the data's own split of \(held.count) images")
        }
        // A data set loaded without its split is split here, by copying
        // (DatasetLoader.load(_:validation:) splits without keeping a copy).
        if v > 0 && data.validation == nil {
            guard v <= data.train.count - config.batchSize else {
                throw .badValue(option: "validation", value: String(v),
                                expected: "at most \(data.train.count - config.batchSize) (the training set less one batch)")
            }
            do { data = try data.splitValidation(count: v, ledger: ledger) } catch {
                throw .badValue(option: "validation", value: String(v), expected: "\(error)")
            }
        }
        self.config = config
        self.batchLimit = config.batchesPerEpoch
        self.data = data
        self.ledger = ledger
        self.widths = widths
        let mean = Self.centersInputs(config, data) ? data.train.meanImage(ledger: ledger) : nil
        switch (config.algorithm, spec.local) {
        case (.ff, let stack?):
            model = try LocalFFNetwork(config: config, image: data.info.imageShape, stack: stack, classes: data.info.classCount,
                                       inputMean: mean, ledger: ledger)
        case (.bp, let stack?):
            model = try LocalBPNetwork(config: config, image: data.info.imageShape, stack: stack, classes: data.info.classCount,
                                       inputMean: mean, ledger: ledger)
        case (.ff, nil):
            model = try FFNetwork(config: config, inputSize: data.train.inputSize, widths: widths,
                                  classes: data.info.classCount,
                                  inputMean: mean, ledger: ledger)
        case (.bp, nil):
            model = BPNetwork(config: config, inputSize: data.train.inputSize, widths: widths,
                              classes: data.info.classCount, ledger: ledger)
        }
    }

    /// Whether the network subtracts the training set's mean image (by
    /// default on CIFAR-10 only): FF's, and both algorithms' locally connected
    /// stacks, which share their input stage.
    public static func centersInputs(_ config: TrainingConfig, _ data: Dataset) -> Bool {
        let local = (try? LayerSpec(parsing: config.layers))?.local != nil
        return (config.algorithm == .ff || local) && (config.ff.centerInputs ?? (data.info.id == .cifar10))
    }

    public func run(observer: TrainingObserver? = nil) -> TrainingOutcome {
        let train = BatchIterator(source: data.train, batchSize: config.batchSize, shuffleSeed: config.seed,
                                  dropLast: true, ledger: ledger)
        let test = BatchIterator(source: data.test, batchSize: config.batchSize, shuffleSeed: nil,
                                 dropLast: false, ledger: ledger)
        let validation = data.validation.map {
            BatchIterator(source: $0, batchSize: config.batchSize, shuffleSeed: nil, dropLast: false, ledger: ledger)
        }
        let batches = min(train.batchCount, batchLimit ?? .max)
        for epoch in 1...config.epochs {
            observer?.phaseChanged(.training, epoch: epoch)
            let scale = config.learningRateScale(epoch: epoch)
            model.beginEpoch(epoch)
            train.startEpoch(epoch)
            var loss = 0.0, errors: Int? = 0, seen = 0, batch = 0
            let start = Monotonic.now()
            while let _ = train.next() {
                batch += 1
                let stats = model.trainBatch(train.x, labels: train.labels, learningRateScale: scale)
                guard stats.loss.isFinite else {
                    observer?.phaseChanged(.finished, epoch: epoch)
                    return .diverged(epoch: epoch, batch: batch)
                }
                loss += stats.loss
                errors = errors.flatMap { e in stats.errors.map { e + $0 } }
                seen += stats.count
                observer?.batchEnded(epoch: epoch, batch: batch, batches: batches)
                if shouldStop() { return .interrupted(epoch: epoch) }
                if batch == batches { break }
            }
            let trainSeconds = Monotonic.now() - start
            // A finite loss over non-finite weights (dead units hide them) is divergence too.
            guard model.parameterMatrices.allSatisfy(Kernels.allFinite) else {
                observer?.phaseChanged(.finished, epoch: epoch)
                return .diverged(epoch: epoch, batch: batch)
            }

            var evaluation = Evaluation(errorRate: nil)
            var validationError: Double?
            var evalSeconds = 0.0
            if config.evaluates(epoch: epoch) {
                observer?.phaseChanged(.evaluating, epoch: epoch)
                let evalStart = Monotonic.now()
                if let validation {
                    validation.startEpoch(epoch)
                    validationError = model.evaluateSelection(validation).errorRate
                }
                if validation == nil || config.scoresTestSet(epoch: epoch) {
                    test.startEpoch(epoch)
                    evaluation = model.evaluate(test)
                }
                evalSeconds = Monotonic.now() - evalStart
            }

            observer?.epochEnded(EpochResult(
                epoch: epoch, trainLoss: loss / Double(max(seen, 1)), trainError: errors.map { Double($0) / Double(max(seen, 1)) },
                testError: evaluation.errorRate, validationError: validationError, testErrorGoodness: evaluation.goodnessErrorRate,
                testErrorSoftmax: evaluation.softmaxErrorRate, trainSeconds: trainSeconds, evalSeconds: evalSeconds,
                learningRate: Double(config.optimizer.learningRate * scale)))
            if shouldStop() { return .interrupted(epoch: epoch) }
        }
        observer?.phaseChanged(.finished, epoch: config.epochs)
        return .completed
    }
}
