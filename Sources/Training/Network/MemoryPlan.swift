/// Tensor bytes a training run needs, by category, computed from the shapes
/// alone: what the algorithm must hold, with nothing measured. Benchmarks
/// set it beside the ledger's peaks and the process's peak RSS.
public struct MemoryPlan: Codable, Sendable, Equatable {
    public var weights: Int
    public var gradients: Int
    public var optimizer: Int
    public var activations: Int
    public var dataset: Int
    public var other: Int

    public var total: Int { weights + gradients + optimizer + activations + dataset + other }

    /// Activation columns BP keeps per row: every layer's, or with
    /// checkpoint span K each segment's last output (but the top segment's)
    /// and work buffers of the widest layer for the rest of a segment (`BPActivations`).
    static func keptWidths(_ widths: [Int], span: Int?) -> Int {
        guard let k = span else { return widths.reduce(0, +) }
        let segments = (widths.count + k - 1) / k
        let kept = (0..<segments - 1).reduce(0) { $0 + widths[min(($1 + 1) * k, widths.count) - 1] }
        return kept + BPActivations.workBuffers(depth: widths.count, span: k) * widths.max()!
    }

    /// - Parameters:
    ///   - examples: training plus test images held in memory.
    ///   - centered: the network keeps the training set's mean image (`TrainingLoop.centersInputs`).
    ///   - image: the images' shape (height, width, channels), for a locally connected stack.
    public init(config: TrainingConfig, inputSize: Int, widths: [Int], classes: Int, examples: Int,
                centered: Bool = false, image: (Int, Int, Int)? = nil) {
        let f = MemoryLayout<Float>.stride
        let b = config.batchSize
        // The images as their bytes (one a pixel), and one Float32 batch buffer each for training and test
        // (plus the mean image when the network centres its inputs).
        dataset = examples * inputSize + (2 * b + (centered ? 1 : 0)) * inputSize * f
        if let image, let stack = (try? LayerSpec(parsing: config.layers))?.local {
            (weights, gradients, optimizer, activations, other) = Self.local(config, shapes: stack.shapes(image: image), classes: classes)
            return
        }
        let sizes = [inputSize] + widths
        let hidden = widths.indices.reduce(0) { $0 + sizes[$1] * sizes[$1 + 1] + sizes[$1 + 1] }
        let headUnits = config.ff.headUnits(widths: widths)
        // SGD keeps one velocity per parameter, Adam two moments. SGD takes
        // gradients straight into its velocity; Adam needs them in buffers.
        func moments(_ o: TrainingConfig.OptimizerConfig) -> Int { o.kind == .adam ? 2 : 1 }
        func buffers(_ o: TrainingConfig.OptimizerConfig) -> Int { o.kind == .adam ? 1 : 0 }
        switch config.algorithm {
        case .bp:
            let parameters = hidden + widths.last! * classes + classes
            weights = parameters * f
            optimizer = parameters * moments(config.optimizer) * f
            gradients = parameters * buffers(config.optimizer) * f
            // Every hidden activation is kept for the backward pass (with
            // checkpointing, each segment's last and K work buffers), plus
            // dL/dz of two adjacent layers at a time, the logits and their
            // softmax: for the micro-batch's rows when micro-batching.
            activations = config.activationRows * (Self.keptWidths(widths, span: config.checkpointSpan(depth: widths.count))
                + 2 * max(widths.max()!, classes) + 2 * classes) * f
            other = 0
        case .ff:
            weights = (hidden + headUnits * classes) * f
            optimizer = (hidden * moments(config.optimizer) + headUnits * classes * moments(config.ff.head)) * f
            gradients = (hidden * buffers(config.optimizer) + headUnits * classes * buffers(config.ff.head)) * f
            // One layer's working set (input, ReLU output, normalised output)
            // in two ping-pong buffers and one ReLU buffer, and per-row
            // scratch, whatever the depth, for one batch or two stacked (which
            // also keep the neutral stream's head-layer outputs); layer 1's
            // image product, shared by every pass over a batch; logits,
            // probabilities, their gradient and label scores; per-unit scratch.
            let layout = StreamLayout(config: config, inputSize: inputSize, widths: widths)
            activations = layout.rows * StreamLayout.bytesPerRow(inputSize: inputSize, widths: widths)
                + (b * (widths[0] + 4 * classes + (layout.stacked ? headUnits : 0)) + widths.max()!) * f
            // Peer normalisation's running mean activity per unit.
            other = widths.reduce(0, +) * f
        }
    }

    /// A locally connected stack (`LocalBPNetwork`, `LocalFFNetwork`): weights,
    /// gradients, optimizer, activations, other.
    static func local(_ config: TrainingConfig, shapes: [LocalShape], classes: Int) -> (Int, Int, Int, Int, Int) {
        let f = MemoryLayout<Float>.stride, b = config.batchSize
        func moments(_ o: TrainingConfig.OptimizerConfig) -> Int { o.kind == .adam ? 2 : 1 }
        func buffers(_ o: TrainingConfig.OptimizerConfig) -> Int { o.kind == .adam ? 1 : 0 }
        let local = shapes.reduce(0) { $0 + $1.parameterCount }, widths = shapes.map(\.outputs)
        // The input stage's centred (or scaled) copy of the batch, and each layer's relu outputs and columns.
        let shared = b * shapes[0].inputs + widths.reduce(0, +) * b
        switch config.algorithm {
        case .bp:
            let parameters = local + widths.last! * classes + classes
            // Columns (layers above the first also hold the gradient below), dL/dz in two
            // buffers of the widest layer, logits, probabilities and their gradient.
            let columns = shapes.indices.reduce(0) { $0 + LocalColumns.floats(shapes[$1], capacity: b, passesGradientDown: $1 > 0) }
            return (parameters * f, parameters * buffers(config.optimizer) * f, parameters * moments(config.optimizer) * f,
                    (shared + columns + 2 * b * widths.max()! + 3 * b * classes) * f, 0)
        case .ff:
            let trained = local + classes * widths[0], head = config.ff.headUnits(widths: widths) * classes
            // Columns, layer 1's image term, every layer's normalised output, the head layers' kept
            // neutral outputs, logits, probabilities, their gradient and label scores, per-row and per-unit scratch.
            let columns = shapes.reduce(0) { $0 + LocalColumns.floats($1, capacity: b, passesGradientDown: false) }
            let activations = shared + columns + b * widths[0] + b * widths.reduce(0, +)
                + b * config.ff.headUnits(widths: widths) + 4 * b * classes + 3 * b + widths.max()!
            return ((trained + head) * f, (trained * buffers(config.optimizer) + head * buffers(config.ff.head)) * f,
                    (trained * moments(config.optimizer) + head * moments(config.ff.head)) * f, activations * f,
                    widths.reduce(0, +) * f)
        }
    }
}
