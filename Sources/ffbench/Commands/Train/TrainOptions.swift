import ArgumentParser
import Training

extension TrainingConfig.Algorithm: ExpressibleByArgument {}
extension TrainingConfig.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfig.Schedule: ExpressibleByArgument {}
extension TrainingConfig.Negatives: ExpressibleByArgument {}
extension TrainingConfig.LayerSchedule: ExpressibleByArgument {}
extension TrainingConfig.Prediction: ExpressibleByArgument {}
extension TrainingConfig.DecayStyleName: ExpressibleByArgument {}
extension Preset: ExpressibleByArgument {}

/// Every option that shapes a training run. Unset options take the
/// preset's value (or the paper's defaults without a preset).
struct TrainOptions: ParsableArguments {
    @Option(help: "Algorithm: ff (Forward-Forward) or bp (backprop).")
    var algorithm: TrainingConfig.Algorithm = .ff

    @Option(help: "Named settings: hinton (official ffnew.m) or loewex (a PyTorch port). Explicit options override it.")
    var preset: Preset?

    @Option(help: "Hidden layers: COUNTxWIDTH (4x2000) or a list starting with the input size (784-2000-2000). Default 4x2000.")
    var layers: String?

    @Option(help: "Epochs (default 60).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Mini-batch size (default 100).")
    var batchSize: Int?

    @Option(help: "The one seed behind every random choice: initialisation, shuffling, negatives.")
    var seed: UInt64 = 1

    @Option(help: "Optimizer: sgd or adam (default sgd).")
    var optimizer: TrainingConfig.OptimizerKind?

    @Option(name: .customLong("lr"), help: "Learning rate.")
    var learningRate: Float?

    @Option(help: "SGD momentum (default 0.9).")
    var momentum: Float?

    @Option(help: "SGD dampening; equal to --momentum gives Hinton's smoothed gradient.")
    var dampening: Float?

    @Option(name: .customLong("weight-decay"), help: "Weight decay (L2).")
    var weightDecay: Float?

    @Option(name: .customLong("decay-style"), help: "in-gradient (usual L2) or separate (Hinton's, outside the momentum).")
    var decayStyle: TrainingConfig.DecayStyleName?

    @Option(help: "Learning-rate schedule: constant or half-linear (constant, then linear decay to 0 over the second half).")
    var schedule: TrainingConfig.Schedule?

    @Option(help: "BLAS threads (1 gives bit-identical repeat runs).")
    var threads: Int?

    // FF only.
    @Option(name: .customLong("label-value"), help: "FF: value of the one-hot label in the first 10 inputs (default 1, the pixel scale).")
    var labelValue: Float?

    @Option(help: "FF: goodness threshold (default: the number of units in the layer).")
    var threshold: Float?

    @Option(help: "FF: negative labels, hard (from the softmax head, true label masked) or random (uniform among wrong labels).")
    var negatives: TrainingConfig.Negatives?

    @Option(name: .customLong("layer-schedule"), help: "FF: simultaneous (all layers every batch) or greedy (one layer to completion, then the next).")
    var layerSchedule: TrainingConfig.LayerSchedule?

    @Option(name: .customLong("peer-normalization"), help: "FF: peer normalisation strength (0 turns it off; default 0.03).")
    var peerNormalization: Float?

    @Option(name: .customLong("goodness-from"), help: "FF: first hidden layer (1-based) whose goodness counts for prediction (default 2).")
    var goodnessFrom: Int?

    @Option(name: .customLong("head-from"), help: "FF: first hidden layer (1-based) feeding the softmax head (default 2).")
    var headFrom: Int?

    @Option(name: .customLong("softmax-head"), help: "FF: train Hinton's softmax head on a neutral-label pass: yes (default) or no (plain FF: needs --negatives random; prediction by goodness; no training error).")
    var softmaxHead: YesNo?

    @Option(name: .customLong("eval-every"), help: "Evaluate on the test set every N epochs and after the last (default 1: every epoch).")
    var evalEvery: Int?

    @Option(help: "Training images held out as a validation split for selection (stratified, fixed seed; default 10000 for mnist and fashion-mnist, 5000 for cifar10; 0: none, and selection then reads the test set).")
    var validation: Int?

    @Option(name: .customLong("center-inputs"), help: "FF: subtract the training set's mean image first: yes or no (default: yes on cifar10 only).")
    var centerInputs: YesNo?

    @Option(help: "FF: which prediction is the run's test error: goodness or softmax (both are reported).")
    var predict: TrainingConfig.Prediction?

    @Option(name: .customLong("head-lr"), help: "FF: softmax head learning rate (default 0.1).")
    var headLearningRate: Float?

    @Option(name: .customLong("head-weight-decay"), help: "FF: softmax head weight decay (default 0.003).")
    var headWeightDecay: Float?

    @Option(name: .customLong("stack-memory"), help: "FF: extra activation memory in MiB for running the positive and negative streams through each layer as one stacked GEMM and keeping the neutral stream's outputs, used only if it fits (default 64; 0: one stream at a time).")
    var stackMemory: Int?

    /// The configuration these options describe, for a data set of this many training images.
    func config(trainingImages: Int? = nil) throws -> TrainingConfig {
        var c: TrainingConfig
        if let preset {
            c = preset.config(algorithm: algorithm, seed: seed)
        } else {
            // The paper's network (4x2000, 60 epochs) with the official code's settings.
            c = Preset.hinton.config(algorithm: algorithm, seed: seed)
            c.preset = nil
            c.layers = "4x2000"
            if algorithm == .bp {
                c.optimizer = .init(kind: .sgd, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
            }
        }
        if let layers { c.layers = layers }
        if let epochs { c.epochs = epochs }
        if let batchSize { c.batchSize = batchSize }
        if let optimizer { c.optimizer.kind = optimizer }
        if let learningRate { c.optimizer.learningRate = learningRate }
        if let momentum { c.optimizer.momentum = momentum }
        if let dampening { c.optimizer.dampening = dampening }
        if let weightDecay { c.optimizer.weightDecay = weightDecay }
        if let decayStyle { c.optimizer.decayStyle = decayStyle }
        if let schedule { c.schedule = schedule }
        c.threads = threads
        c.evalEvery = evalEvery
        c.validation = validation ?? trainingImages.map { TrainingConfig.defaultValidation(trainingImages: $0) }
        if let labelValue { c.ff.labelValue = labelValue }
        if let threshold { c.ff.threshold = threshold }
        if let negatives { c.ff.negatives = negatives }
        if let layerSchedule { c.ff.layerSchedule = layerSchedule }
        if let peerNormalization { c.ff.peerNormalization = peerNormalization }
        if let goodnessFrom { c.ff.goodnessFromLayer = goodnessFrom }
        if let headFrom { c.ff.headFromLayer = headFrom }
        if let softmaxHead { c.ff.softmaxHead = softmaxHead == .yes }
        if let predict { c.ff.prediction = predict }
        if let centerInputs { c.ff.centerInputs = centerInputs == .yes }
        if let headLearningRate { c.ff.head.learningRate = headLearningRate }
        if let stackMemory { c.ff.stackMemoryMiB = stackMemory }
        if let headWeightDecay { c.ff.head.weightDecay = headWeightDecay }
        try validate(c)
        return c
    }

    private func validate(_ c: TrainingConfig) throws {
        func positive(_ name: String, _ v: Int) throws {
            if v < 1 { throw ValidationError("--\(name) \(v): expected a positive number") }
        }
        try positive("epochs", c.epochs)
        try positive("batch-size", c.batchSize)
        if let t = c.threads { try positive("threads", t) }
        if let e = c.evalEvery { try positive("eval-every", e) }
        if let v = c.validation, v < 0 { throw ValidationError("--validation \(v): expected 0 or more images") }
        if !(c.optimizer.learningRate > 0) { throw ValidationError("--lr \(c.optimizer.learningRate): expected a positive number") }
        if c.optimizer.weightDecay < 0 { throw ValidationError("--weight-decay \(c.optimizer.weightDecay): expected 0 or more") }
        if !(0..<1).contains(c.optimizer.momentum) { throw ValidationError("--momentum \(c.optimizer.momentum): expected 0 <= m < 1") }
        _ = try LayerSpec(parsing: c.layers)
    }
}

enum YesNo: String, ExpressibleByArgument, CaseIterable { case yes, no }
