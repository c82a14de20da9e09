import Datasets
import Tensor

/// Feed-forward Forward-Forward on a locally connected stack (Hinton 2022,
/// CIFAR-10; docs/cifar10-paper.md lists every setting and deviation).
///
/// The image (centred, scaled to RMS 1) reaches layer 1 through its fields;
/// the label reaches every unit of layer 1 as ten more inputs (one-hot
/// times the label value, or a tenth of it in all ten for the neutral
/// label). Layer 1's image term is computed once per batch and shared by
/// every pass, since only the label term differs. Each layer's ReLU output
/// is RMS-normalised before the next layer, whose goodness is its sum of
/// squares. Streams per batch as in `FFNetwork`: neutral (the softmax
/// head's loss and gradient, hard negatives), positive, negative.
public final class LocalFFNetwork: FFModel {
    let config: TrainingConfig
    let ff: TrainingConfig.FFConfig
    let classes: Int
    public let layers: [LocalLayer]
    /// Layer 1's label weights: row c holds every unit's weight from label c.
    public let labelWeight: Matrix
    /// Head weights (width x classes) for hidden layers >= headFromLayer; no bias.
    let head: [Matrix?]
    let headIndex: [Int?]
    let optimizers: [Optimizer]
    let headOptimizer: Optimizer
    let peer: PeerNormalization
    let input: LocalInput

    /// columns[l]: layer l's batch in the kernels' layout (layer 1's map below is the image, once per batch).
    let columns: [LocalColumns]
    /// Layer 1's image term, shared by the passes of a batch.
    let imageTerm: Matrix
    /// relu[l]: a pass's ReLU output (then its dL/dz); output[l]: normalised.
    let relu: [Matrix]
    let output: [Matrix]
    /// The neutral pass's normalised outputs of the head layers, for the head's gradient.
    let neutralOutputs: [Matrix?]
    let logits: Matrix, probs: Matrix, logitGradient: Matrix, scores: Matrix
    let rowScratch: Matrix
    let columnScratch: Matrix
    let columnViews: [Matrix]
    let negativeLabels: UnsafeMutablePointer<Int32>
    var rng: RNG

    public init(config: TrainingConfig, image: (Int, Int, Int), stack: LocalStack, classes: Int,
                inputMean: Matrix? = nil, ledger: Ledger = .shared) throws(TrainingError) {
        let ff = config.ff
        let depth = stack.layers
        guard classes == LabelOverlay.places else {
            throw .badValue(option: "dataset", value: "\(classes) classes", expected: "10 classes")
        }
        guard ff.goodnessFromLayer >= 1 && ff.goodnessFromLayer <= depth else {
            throw .badValue(option: "goodness-from", value: String(ff.goodnessFromLayer), expected: "a hidden layer 1...\(depth)")
        }
        if ff.hasHead {
            guard ff.headFromLayer >= 1 && ff.headFromLayer <= depth else {
                throw .badValue(option: "head-from", value: String(ff.headFromLayer), expected: "a hidden layer 1...\(depth)")
            }
        } else if ff.negatives != .random || ff.prediction != .goodness {
            throw .badValue(option: "softmax-head", value: "no", expected: "random negatives and goodness prediction without the head")
        }
        if ff.layerSchedule == .greedy {
            throw .badValue(option: "layer-schedule", value: "greedy", expected: "simultaneous for locally connected layers")
        }
        if let m = config.microBatch, m < config.batchSize {
            throw .badValue(option: "micro-batch", value: String(m), expected: "a BP option (FF's micro-batching is not implemented)")
        }
        if let c = config.checkpoint {
            throw .badValue(option: "checkpoint", value: c, expected: "a BP option (FF keeps one layer's activations at a time)")
        }
        self.config = config
        self.ff = ff
        self.classes = classes
        var initRNG = RNG(seed: config.seed, stream: 1)
        let shapes = stack.shapes(image: image)
        layers = shapes.map { LocalLayer(shape: $0, rng: &initRNG, ledger: ledger) }
        let widths = shapes.map(\.outputs)
        labelWeight = Matrix(rows: classes, cols: widths[0], category: .weights, ledger: ledger)
        initRNG.fillNormal(labelWeight, std: 1 / Float(shapes[0].fanIn).squareRoot())
        let headLayers = widths.indices.map { ff.hasHead && $0 + 1 >= ff.headFromLayer }
        head = widths.indices.map { headLayers[$0] ? Matrix(rows: widths[$0], cols: classes, category: .weights, ledger: ledger) : nil }
        var next = 0
        headIndex = headLayers.map { has in
            defer { if has { next += 1 } }
            return has ? next : nil
        }
        let first = layers[0].parameters + [Parameter(value: labelWeight, decays: true, ledger: ledger)]
        optimizers = ([first] + layers.dropFirst().map(\.parameters)).map { config.optimizer.make($0, ledger: ledger) }
        headOptimizer = ff.head.make(head.compactMap { $0.map { Parameter(value: $0, decays: true, ledger: ledger) } }, ledger: ledger)
        peer = PeerNormalization(widths: widths, strength: ff.peerNormalization, momentum: ff.peerMomentum, ledger: ledger)

        let b = config.batchSize
        input = LocalInput(shape: shapes[0], rows: b, mean: inputMean, ledger: ledger)
        columns = shapes.map { LocalColumns($0, capacity: b, passesGradientDown: false, ledger: ledger) }
        imageTerm = Matrix(rows: b, cols: widths[0], category: .activations, ledger: ledger)
        relu = widths.map { Matrix(rows: b, cols: $0, category: .activations, ledger: ledger) }
        output = widths.map { Matrix(rows: b, cols: $0, category: .activations, ledger: ledger) }
        neutralOutputs = widths.indices.map { headLayers[$0] ? Matrix(rows: b, cols: widths[$0], category: .activations, ledger: ledger) : nil }
        (logits, probs, logitGradient, scores) = FFBuffers.labelSide(rows: b, classes: classes, ledger: ledger)
        rowScratch = Matrix(rows: 3, cols: b, category: .activations, ledger: ledger)
        (columnScratch, columnViews) = FFBuffers.columnScratch(widths: widths, ledger: ledger)
        negativeLabels = FFBuffers.labels(b)
        rng = RNG(seed: config.seed, stream: 2)
    }

    deinit { negativeLabels.deallocate() }

    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.parameterCount } + labelWeight.count + head.reduce(0) { $0 + ($1?.count ?? 0) }
    }
    public var parameterMatrices: [Matrix] { layers.flatMap { [$0.weight, $0.bias] } + [labelWeight] + head.compactMap { $0 } }

    public func beginEpoch(_ epoch: Int) {}

    func threshold(_ l: Int) -> Float { ff.threshold ?? Float(layers[l].shape.outputs) }

    // MARK: - Passes

    enum Overlay {
        case labels(UnsafePointer<Int32>)
        case label(Int)
        case neutral
    }

    /// Once per batch: the image, centred and normalised, padded, and layer 1's image term.
    private func prepare(_ x: Matrix) {
        input.prepare(x, into: columns[0], layer: layers[0], rms: rowScratch.data)
        layers[0].forward(columns[0], into: imageTerm)
    }

    /// Layer l of a pass: ReLU into relu[l], normalised into output[l].
    private func forward(_ l: Int, _ overlay: Overlay) {
        let h = relu[l]
        if l == 0 {
            let n = h.cols, b1 = layers[0].bias.data, v = ff.labelValue
            h.setRows(imageTerm.rows)
            let neutral = columnViews[0].data
            if case .neutral = overlay {
                neutral.update(repeating: 0, count: n)
                for c in 0..<classes {
                    let w = labelWeight.row(c)
                    for j in 0..<n { neutral[j] += w[j] }
                }
            }
            for r in 0..<h.rows {
                let label: UnsafeMutablePointer<Float>, value: Float
                switch overlay {
                case .labels(let l): (label, value) = (labelWeight.row(Int(l[r])), v)
                case .label(let c): (label, value) = (labelWeight.row(c), v)
                case .neutral: (label, value) = (neutral, v / Float(classes))
                }
                let base = imageTerm.row(r), out = h.row(r)
                for j in 0..<n { out[j] = max(0, base[j] + value * label[j] + b1[j]) }
            }
        } else {
            layers[l].load(output[l - 1], planar: false, into: columns[l])
            layers[l].forward(columns[l], into: h)
            Kernels.addBiasReLU(h, bias: layers[l].bias)
        }
        Kernels.rmsNormalizeRows(h, into: output[l], rms: rowScratch.data)
    }

    private func pass(_ overlay: Overlay, each: (Int) -> Void) {
        for l in layers.indices {
            forward(l, overlay)
            each(l)
        }
    }

    // MARK: - Training

    func gradients(_ x: Matrix, labels: UnsafePointer<Int32>, learningRate: Float?) -> BatchStats {
        let b = x.rows, training = learningRate != nil, invB = 1 / Float(b)
        for m in [logits, probs, logitGradient] { m.setRows(b) }
        prepare(x)
        var headLoss = 0.0, headErrors: Int?
        if ff.hasHead {
            logits.fill(0)
            pass(.neutral) { l in
                guard let s = head[l], let kept = neutralOutputs[l] else { return }
                BLAS.gemm(output[l], s, into: logits, beta: 1)
                kept.setRows(b)
                kept.data.update(from: output[l].data, count: kept.count)
            }
            let (loss, correct) = Kernels.softmaxCrossEntropy(logits: logits, labels: labels, probs: probs,
                                                              gradient: logitGradient, scale: invB)
            (headLoss, headErrors) = (loss, b - correct)
            for l in layers.indices {
                guard let i = headIndex[l], let kept = neutralOutputs[l] else { continue }
                let t = headOptimizer.target(i, training: training)
                BLAS.gemm(kept, transposeA: true, logitGradient, into: t.matrix, alpha: t.alpha, beta: t.firstBeta)
            }
        }
        NegativeLabels.choose(ff.negatives, into: negativeLabels, labels: labels, probs: probs, count: b, classes: classes, rng: &rng)
        var ffLoss = 0.0
        for positive in [true, false] {
            let passLabels = positive ? labels : UnsafePointer(negativeLabels)
            for l in layers.indices {
                forward(l, .labels(passLabels))
                let h = relu[l]
                let usePeer = positive && peer.isOn
                if usePeer { peer.update(l, h, scratch: columnViews[l]) }
                // min-ssq: positive data is what max-ssq calls negative.
                ffLoss += FFLoss.layer(activations: h, positive: positive != ff.minSSQ, threshold: threshold(l),
                                       scale: invB, gradient: h, goodness: rowScratch.row(1)).loss
                if usePeer { peer.addTerm(l, h, invB, scratch: columnScratch.data) }
                // Positives come first, negatives add and end the layer's step.
                optimizers[l].addLocalGradient(layers[l], columns: columns[l], dz: h, first: positive, training: training)
                if l == 0 { addLabelGradient(h, labels: passLabels, first: positive, training: training) }
                if !positive, let learningRate { optimizers[l].stepFromTargets(learningRate: learningRate) }
            }
        }
        return BatchStats(loss: ffLoss + headLoss, errors: headErrors, count: b)
    }

    /// Layer 1's label weights: row c gains label value times dz of every row labelled c.
    private func addLabelGradient(_ dz: Matrix, labels: UnsafePointer<Int32>, first: Bool, training: Bool) {
        let t = optimizers[0].target(2, training: training)
        let n = dz.cols, beta = t.beta(first: first), a = t.alpha * ff.labelValue
        if beta != 1 {
            for i in 0..<t.matrix.count { t.matrix.data[i] = beta == 0 ? 0 : beta * t.matrix.data[i] }
        }
        for r in 0..<dz.rows {
            let g = dz.row(r), w = t.matrix.row(Int(labels[r]))
            for j in 0..<n { w[j] += a * g[j] }
        }
    }

    // MARK: - Evaluation

    func batchErrors(_ x: Matrix, labels: UnsafePointer<Int32>, goodness: Bool = true, softmax: Bool = true) -> (goodness: Int, softmax: Int) {
        prepare(x)
        return (goodness ? goodnessErrorsForBatch(labels: labels) : 0, softmax && ff.hasHead ? softmaxErrorsForBatch(labels: labels) : 0)
    }

    /// Accumulated goodness, one pass per label, from the batch's shared image term.
    func goodnessErrorsForBatch(labels: UnsafePointer<Int32>) -> Int {
        scores.setRows(imageTerm.rows)
        scores.fill(0)
        let g = rowScratch.row(1)
        for c in 0..<classes {
            pass(.label(c)) { l in
                guard l + 1 >= ff.goodnessFromLayer else { return }
                Kernels.rowSumOfSquares(relu[l], into: g)
                // min-ssq predicts the label of least goodness.
                let sign: Float = ff.minSSQ ? -1 : 1
                for r in 0..<scores.rows { scores[r, c] += sign * g[r] }
            }
        }
        return Kernels.misclassified(scores, labels: labels)
    }

    /// One pass with the neutral label through the softmax head.
    func softmaxErrorsForBatch(labels: UnsafePointer<Int32>) -> Int {
        logits.setRows(imageTerm.rows)
        logits.fill(0)
        pass(.neutral) { l in
            if let s = head[l] { BLAS.gemm(output[l], s, into: logits, beta: 1) }
        }
        return Kernels.misclassified(logits, labels: labels)
    }
}
