/// Everything that defines a training run. Stored with the run (read back
/// as RunStore's `RunConfig`), so the names here are part of the public record.
public struct TrainingConfig: Codable, Sendable, Equatable {
    public enum Algorithm: String, Codable, Sendable, CaseIterable { case ff, bp }
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case sgd, adam }
    public enum Schedule: String, Codable, Sendable, CaseIterable {
        /// The same rate throughout.
        case constant
        /// Constant for the first half of the epochs, then linear decay to 0
        /// (Hinton's `epsgain`).
        case halfLinear = "half-linear"
    }
    public enum Negatives: String, Codable, Sendable, CaseIterable {
        /// Sampled from the one-pass softmax with the true label masked out.
        case hard
        /// Uniform among the nine wrong labels.
        case random
    }
    public enum LayerSchedule: String, Codable, Sendable, CaseIterable {
        /// Every layer updated on every mini-batch.
        case simultaneous
        /// One layer trained to completion (epochs / depth), then the next.
        case greedy
    }
    /// Which way positive data should move a layer's sum of squared activities (Hinton 2022, Table 1).
    public enum GoodnessKind: String, Codable, Sendable, CaseIterable {
        /// High for positive data: p(positive) = sigmoid(sum of squares - threshold).
        case maxSSQ = "max-ssq"
        /// Low for positive data: p(positive) = sigmoid(threshold - sum of squares).
        case minSSQ = "min-ssq"
    }
    public enum Prediction: String, Codable, Sendable, CaseIterable {
        /// Accumulated goodness over one pass per label.
        case goodness
        /// The softmax head on one pass with a neutral label.
        case softmax
    }

    public struct OptimizerConfig: Codable, Sendable, Equatable {
        public var kind: OptimizerKind
        public var learningRate: Float
        public var momentum: Float
        /// Fraction of each gradient held back from the momentum buffer;
        /// equal to `momentum` for Hinton's smoothed gradient.
        public var dampening: Float
        public var weightDecay: Float
        public var decayStyle: DecayStyleName

        public init(kind: OptimizerKind, learningRate: Float, momentum: Float = 0.9, dampening: Float = 0,
                    weightDecay: Float = 0, decayStyle: DecayStyleName = .inGradient) {
            self.kind = kind
            self.learningRate = learningRate
            self.momentum = momentum
            self.dampening = dampening
            self.weightDecay = weightDecay
            self.decayStyle = decayStyle
        }

        enum CodingKeys: String, CodingKey {
            case kind, momentum, dampening
            case learningRate = "learning_rate"
            case weightDecay = "weight_decay"
            case decayStyle = "decay_style"
        }
    }

    public enum DecayStyleName: String, Codable, Sendable, CaseIterable {
        case inGradient = "in-gradient", separate
    }

    /// Forward-Forward settings (ignored by BP).
    public struct FFConfig: Codable, Sendable, Equatable {
        /// Value of the label's one-hot entry in the first 10 inputs.
        public var labelValue: Float = 1
        /// Goodness threshold; nil means the number of units in the layer.
        public var threshold: Float? = nil
        public var negatives: Negatives = .hard
        public var layerSchedule: LayerSchedule = .simultaneous
        /// Peer normalisation strength (0 turns it off) and running-mean momentum.
        public var peerNormalization: Float = 0.03
        public var peerMomentum: Float = 0.9
        /// First hidden layer (1-based) whose goodness counts for prediction.
        public var goodnessFromLayer: Int = 2
        /// First hidden layer (1-based) that feeds the softmax head.
        public var headFromLayer: Int = 2
        /// Whether FF trains Hinton's softmax head on a neutral-label pass
        /// (nil: yes). Without it there is no neutral pass: negatives must
        /// be random, prediction is by goodness and the training error is
        /// not measured, which leaves the plain FF of most ports (4
        /// forward-sized products per layer instead of 5).
        public var softmaxHead: Bool? = nil
        public var prediction: Prediction = .goodness
        /// nil: max-ssq, Hinton's MNIST setting.
        public var goodness: GoodnessKind? = nil
        /// Subtract the training set's mean image before the label overlay
        /// and normalisation; nil: only on CIFAR-10, whose all-positive,
        /// strongly correlated pixels otherwise make every unit's first
        /// updates point the same way until the layers die.
        public var centerInputs: Bool? = nil
        /// Extra activation memory (MiB) FF may use to stack a batch's
        /// positive and negative streams into one GEMM per layer and keep
        /// the neutral stream's outputs (`StreamLayout`); nil: 64 MiB; 0:
        /// one stream at a time.
        public var stackMemoryMiB: Int? = nil
        /// The softmax head's own optimizer.
        public var head = OptimizerConfig(kind: .sgd, learningRate: 0.1, momentum: 0.9, dampening: 0.9,
                                          weightDecay: 0.003, decayStyle: .separate)

        public init() {}

        public var hasHead: Bool { softmaxHead ?? true }

        /// Whether positive data should make the sum of squares low.
        public var minSSQ: Bool { goodness == .minSSQ }

        /// Units of the hidden layers that feed the softmax head (0 without one).
        public func headUnits(widths: [Int]) -> Int {
            guard hasHead else { return 0 }
            return widths.indices.filter { $0 + 1 >= headFromLayer }.reduce(0) { $0 + widths[$1] }
        }

        enum CodingKeys: String, CodingKey {
            case threshold, negatives, head, prediction, goodness
            case labelValue = "label_value"
            case layerSchedule = "layer_schedule"
            case peerNormalization = "peer_normalization"
            case peerMomentum = "peer_momentum"
            case goodnessFromLayer = "goodness_from_layer"
            case headFromLayer = "head_from_layer"
            case softmaxHead = "softmax_head"
            case centerInputs = "center_inputs"
            case stackMemoryMiB = "stack_memory_mib"
        }
    }

    public var algorithm: Algorithm
    /// How benchmarks name the configuration's trainer: ff, bp, or ff-nohead.
    public var variantName: String {
        if algorithm == .bp {
            if let m = microBatch, m < batchSize { return "bp-micro\(m)" + (checkpoint.map { "-checkpoint-\($0)" } ?? "") }
            if let c = checkpoint { return "bp-checkpoint-\(c)" }
        }
        return algorithm == .ff && !ff.hasHead ? "ff-nohead" : algorithm.rawValue
    }
    public var layers: String
    public var epochs: Int
    public var batchSize: Int
    public var seed: UInt64
    public var optimizer: OptimizerConfig
    public var schedule: Schedule
    public var ff: FFConfig
    public var preset: String?
    public var threads: Int?
    /// Evaluate on the test set every this many epochs (and always after the
    /// last); nil means every epoch. Skipped epochs have no test error.
    public var evalEvery: Int?
    /// With a validation split, an evaluated epoch scores the test set only
    /// where the protocol needs it: the first epoch, every Nth, and the last
    /// (the final model, and the points of the report's test-error curves);
    /// N is this, nil meaning `defaultTestEvery`. Selection reads the
    /// validation error, so it loses nothing. Without a split, every
    /// evaluated epoch scores the test set.
    public var testEvery: Int?
    public static let defaultTestEvery = 10
    /// Training images held out as a validation split (stratified, with a
    /// fixed seed shared by every run); nil or 0: none. Selection (best
    /// epoch, time to target) reads the validation error.
    public var validation: Int?
    /// Gradient accumulation: each batch in ⌈B/M⌉ micro-batches of M, one
    /// optimizer step per batch (BP); nil or ≥ B: the whole batch at once.
    public var microBatch: Int?
    /// BP activation checkpointing: "K" keeps every K-th hidden layer's
    /// output and recomputes the rest going down; "sqrt" is K = ⌈√L⌉; nil keeps all.
    public var checkpoint: String?
    /// Train at most this many batches per epoch (memory studies whose
    /// whole epochs are too long); nil: the whole training set.
    public var batchesPerEpoch: Int?

    /// Rows every activation buffer holds: the micro-batch when smaller than the batch.
    public var activationRows: Int { min(microBatch ?? batchSize, batchSize) }

    /// Layers per checkpointed segment for a stack of `depth` hidden layers (nil: no checkpointing).
    public func checkpointSpan(depth: Int) -> Int? {
        guard let c = checkpoint else { return nil }
        if c == "sqrt" { return max(1, Int(Double(depth).squareRoot().rounded(.up))) }
        return Int(c).map { min(max($0, 1), max(depth, 1)) }
    }

    /// The validation split a data set gets unless told otherwise: 10,000
    /// for MNIST and Fashion-MNIST (Hinton's 50k/10k), 5,000 for CIFAR-10.
    public static func defaultValidation(trainingImages: Int) -> Int {
        trainingImages >= 60_000 ? 10_000 : trainingImages >= 50_000 ? 5_000 : 0
    }

    public init(algorithm: Algorithm, layers: String, epochs: Int, batchSize: Int, seed: UInt64,
                optimizer: OptimizerConfig, schedule: Schedule, ff: FFConfig = FFConfig(),
                preset: String? = nil, threads: Int? = nil) {
        self.algorithm = algorithm
        self.layers = layers
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.optimizer = optimizer
        self.schedule = schedule
        self.ff = ff
        self.preset = preset
        self.threads = threads
    }

    enum CodingKeys: String, CodingKey {
        case algorithm, layers, epochs, seed, optimizer, schedule, ff, preset, threads, validation
        case batchSize = "batch_size"
        case evalEvery = "eval_every"
        case testEvery = "test_every"
        case microBatch = "micro_batch"
        case checkpoint
        case batchesPerEpoch = "batches_per_epoch"
    }

    /// Whether a 1-based epoch ends with a test-set evaluation.
    public func evaluates(epoch: Int) -> Bool {
        epoch == epochs || epoch % max(evalEvery ?? 1, 1) == 0
    }

    /// Whether an evaluated epoch of a run with a validation split also scores the test set.
    public func scoresTestSet(epoch: Int) -> Bool {
        let n = max(testEvery ?? Self.defaultTestEvery, 1)
        return epoch == epochs || epoch == 1 || epoch % n == 0
    }

    /// Multiplier on the learning rate for a 1-based epoch.
    public func learningRateScale(epoch: Int) -> Float {
        switch schedule {
        case .constant:
            return 1
        case .halfLinear:
            // Hinton's epsgain: 1 up to epochs/2, then (1 + 2(E - e)) / E.
            if Double(epoch) <= Double(epochs) / 2 { return 1 }
            return Float(1 + 2 * (epochs - epoch)) / Float(epochs)
        }
    }
}
