import Datasets
import Tensor

/// Supervised Forward-Forward (Hinton 2022, section 3.3, and his `ffnew.m`).
///
/// Each batch runs four streams through the layers, each through the same
/// three reused buffers, so activation memory does not grow with depth:
/// 1. neutral label, forward only: the softmax head's logits, its loss and
///    gradient, and (hard) negative labels sampled from its prediction;
/// 2. neutral again: the head's weight gradients from each layer's
///    normalised output (recomputed instead of stored for every layer);
/// 3. positive (true label) and 4. negative (wrong label): per layer, the
///    goodness loss and the layer's weight gradient from its own input only.
/// When `StreamLayout` allows, stream 1 keeps each head layer's output, so
/// stream 2 needs no recomputation, and streams 3 and 4 go through each
/// layer stacked, as one GEMM of two batches. Without the softmax head
/// (`FFConfig.softmaxHead`), streams 1 and 2 are skipped: plain FF.
/// Every parameter gets the update of the same gradients as in Hinton's
/// code, where all are updated together; a layer's update is applied as
/// soon as the negative stream leaves it (nothing later in the batch reads
/// its weights), while its gradient and weights are still in cache.
public final class FFNetwork: FFModel {
    let config: TrainingConfig
    let ff: TrainingConfig.FFConfig
    let inputSize: Int
    let widths: [Int]
    let classes: Int
    let batchSize: Int
    public let layers: [DenseLayer]
    /// Head weights (width x classes) for hidden layers >= headFromLayer; no bias (as in Hinton's code).
    let head: [Matrix?]
    /// Index of layer l's head weights among the head optimizer's parameters.
    let headIndex: [Int?]
    let optimizers: [Optimizer]
    let headOptimizer: Optimizer
    let peer: PeerNormalization

    let layout: StreamLayout
    let buffers: LayerBuffers
    /// With a stacked layout, the positive and negative parts of `buffers`,
    /// and each head layer's output of the neutral stream.
    let stacks: (positive: LayerBuffers, negative: LayerBuffers, neutralOutputs: [Matrix?])?
    let logits: Matrix, probs: Matrix, logitGradient: Matrix
    let imageProduct: Matrix
    let scores: Matrix
    let rowScratch: Matrix
    let columnScratch: Matrix
    /// columnScratch seen with each layer's width.
    let columnViews: [Matrix]
    let negativeLabels: UnsafeMutablePointer<Int32>
    var rng: RNG
    /// Greedy schedule: the only layer updated this epoch (nil: all).
    var activeLayer: Int?

    /// Subtracted from every image before the label overlay (nil: none).
    let inputMean: Matrix?

    /// - Parameter inputMean: the training set's mean image, when inputs are centred.
    public init(config: TrainingConfig, inputSize: Int, widths: [Int], classes: Int,
                inputMean: Matrix? = nil, ledger: Ledger = .shared) throws(TrainingError) {
        let ff = config.ff
        guard inputSize > LabelOverlay.places, classes == LabelOverlay.places else {
            throw .badValue(option: "dataset", value: "\(inputSize) inputs", expected: "more than 10 inputs and 10 classes")
        }
        guard ff.goodnessFromLayer >= 1 && ff.goodnessFromLayer <= widths.count else {
            throw .badValue(option: "goodness-from", value: String(ff.goodnessFromLayer), expected: "a hidden layer 1...\(widths.count)")
        }
        if ff.hasHead {
            guard ff.headFromLayer >= 1 && ff.headFromLayer <= widths.count else {
                throw .badValue(option: "head-from", value: String(ff.headFromLayer), expected: "a hidden layer 1...\(widths.count)")
            }
        } else {
            // Hard negatives are sampled from the head's prediction.
            guard ff.negatives == .random else {
                throw .badValue(option: "negatives", value: ff.negatives.rawValue, expected: "random without the softmax head (softmax-head no)")
            }
            guard ff.prediction == .goodness else {
                throw .badValue(option: "predict", value: ff.prediction.rawValue, expected: "goodness without the softmax head (softmax-head no)")
            }
        }
        // BP's memory-saving variants: FF holds one layer's activations at a time already, and its
        // peer normalisation and hard negatives are per batch, so its micro-batching is not implemented.
        if let m = config.microBatch, m < config.batchSize {
            throw .badValue(option: "micro-batch", value: String(m), expected: "a BP option (FF's micro-batching is not implemented)")
        }
        if let c = config.checkpoint {
            throw .badValue(option: "checkpoint", value: c, expected: "a BP option (FF keeps one layer's activations at a time)")
        }
        if let m = ff.stackMemoryMiB, m < 0 {
            throw .badValue(option: "stack-memory", value: String(m), expected: "0 or more MiB")
        }
        if ff.layerSchedule == .greedy && config.epochs < widths.count {
            throw .badValue(option: "epochs", value: String(config.epochs),
                            expected: "at least one epoch per layer (\(widths.count)) for the greedy schedule")
        }
        self.config = config
        self.inputMean = inputMean
        self.ff = ff
        self.inputSize = inputSize
        self.widths = widths
        self.classes = classes
        self.batchSize = config.batchSize
        var initRNG = RNG(seed: config.seed, stream: 1)
        let sizes = [inputSize] + widths
        layers = widths.indices.map { DenseLayer(inputs: sizes[$0], outputs: widths[$0], rng: &initRNG, ledger: ledger) }
        let headLayers = widths.indices.map { ff.hasHead && $0 + 1 >= ff.headFromLayer }
        let head = widths.indices.map { headLayers[$0] ? Matrix(rows: widths[$0], cols: classes, category: .weights, ledger: ledger) : nil }
        self.head = head
        var next = 0
        headIndex = headLayers.map { has in
            defer { if has { next += 1 } }
            return has ? next : nil
        }
        optimizers = layers.map { config.optimizer.make($0.parameters, ledger: ledger) }
        headOptimizer = ff.head.make(head.compactMap { $0.map { Parameter(value: $0, decays: true, ledger: ledger) } },
                                     ledger: ledger)
        peer = PeerNormalization(widths: widths, strength: ff.peerNormalization, momentum: ff.peerMomentum, ledger: ledger)

        let b = config.batchSize
        layout = StreamLayout(config: config, inputSize: inputSize, widths: widths)
        let buffers = LayerBuffers(rows: layout.rows, inputSize: inputSize, widths: widths, ledger: ledger)
        self.buffers = buffers
        stacks = layout.stacked ? (LayerBuffers(viewOf: buffers, rowOffset: 0, rows: b),
                                   LayerBuffers(viewOf: buffers, rowOffset: b, rows: b),
                                   widths.indices.map { headLayers[$0] ? Matrix(rows: b, cols: widths[$0], category: .activations, ledger: ledger) : nil })
                                : nil
        (logits, probs, logitGradient, scores) = FFBuffers.labelSide(rows: b, classes: classes, ledger: ledger)
        imageProduct = Matrix(rows: b, cols: widths[0], category: .activations, ledger: ledger)
        rowScratch = Matrix(rows: 3, cols: layout.rows, category: .activations, ledger: ledger)
        (columnScratch, columnViews) = FFBuffers.columnScratch(widths: widths, ledger: ledger)
        negativeLabels = FFBuffers.labels(b)
        rng = RNG(seed: config.seed, stream: 2)
    }

    deinit { negativeLabels.deallocate() }

    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.parameterCount } + head.reduce(0) { $0 + ($1?.count ?? 0) }
    }
    public var parameterMatrices: [Matrix] { layers.flatMap { [$0.weight, $0.bias] } + head.compactMap { $0 } }

    public func beginEpoch(_ epoch: Int) {
        guard ff.layerSchedule == .greedy else { activeLayer = nil; return }
        let perLayer = config.epochs / widths.count
        activeLayer = min((epoch - 1) / perLayer, widths.count - 1)
    }

    func threshold(_ l: Int) -> Float { ff.threshold ?? Float(widths[l]) }

    // MARK: - Forward pieces shared by training and evaluation

    /// The label places of a pass: each row's true (or negative) label,
    /// one class for every row, or the neutral label.
    enum Overlay {
        case labels(UnsafePointer<Int32>)
        case label(Int)
        case neutral
    }

    /// Once per batch: the image (centred when configured, label places
    /// zeroed) times W1 into `imageProduct`, and each row's image sum of squares.
    ///
    /// Every pass overlays 10 label places on the same image, so for row r
    /// with overlay l_r and s_r = rms(overlaid row) + tiny,
    /// z1 = (image W1 + l_r W1[0..<10]) / s_r + b1 exactly: one image GEMM
    /// per batch serves all passes (4 in training, 11 in evaluation), each
    /// adding a rank-one label term. s_r needs only the image's sum of
    /// squares, since every overlay has a fixed one (v^2 or v^2 / 10).
    private func prepareImageProduct(_ x: Matrix) {
        let input = buffers.first
        copyImages(x, into: input)
        let squares = rowScratch.row(2)
        for r in 0..<input.rows {
            let p = input.row(r)
            for j in 0..<LabelOverlay.places { p[j] = 0 }
            squares[r] = Kernels.dot(p, p, count: inputSize)
        }
        imageProduct.setRows(x.rows)
        BLAS.gemm(input, layers[0].weight, into: imageProduct)
    }

    /// Layer 1 of a pass from the image product: ReLU into relu[0],
    /// normalised into output[0]. Needs `prepareImageProduct` on this batch
    /// and W1 unchanged since.
    private func firstLayer(_ overlay: Overlay) {
        firstLayerReLU(overlay, into: buffers.relu[0])
        Kernels.rmsNormalizeRows(buffers.relu[0], into: buffers.output[0], rms: rowScratch.data)
    }

    /// Layer 1's ReLU output for image product row r into z's row r.
    private func firstLayerReLU(_ overlay: Overlay, into z: Matrix) {
        let n = widths[0], w1 = layers[0].weight, b1 = layers[0].bias.data
        let v = ff.labelValue, squares = rowScratch.row(2), inputs = Float(inputSize)
        let neutralRow = columnViews[0].data
        if case .neutral = overlay {
            // Each place holds v / 10: the label term is (v / 10) * (sum of W1's 10 label rows).
            neutralRow.update(repeating: 0, count: n)
            for c in 0..<LabelOverlay.places {
                let w = w1.row(c)
                for j in 0..<n { neutralRow[j] += w[j] }
            }
        }
        for r in 0..<z.rows {
            let labelRow: UnsafeMutablePointer<Float>, value: Float, labelSquares: Float
            switch overlay {
            case .labels(let l): (labelRow, value, labelSquares) = (w1.row(Int(l[r])), v, v * v)
            case .label(let c): (labelRow, value, labelSquares) = (w1.row(c), v, v * v)
            case .neutral: (labelRow, value, labelSquares) = (neutralRow, v / 10, v * v / 10)
            }
            let inv = 1 / (((squares[r] + labelSquares) / inputs).squareRoot() + Kernels.rmsTiny)
            let base = imageProduct.row(r), out = z.row(r), a = value * inv
            for j in 0..<n { out[j] = max(0, base[j] * inv + a * labelRow[j] + b1[j]) }
        }
    }

    /// The normalised, overlaid network input (layer 1's weight gradient needs it).
    private func prepareInput(_ x: Matrix, labels: UnsafePointer<Int32>, into input: Matrix) {
        copyImages(x, into: input)
        LabelOverlay.oneHot(input, labels: labels, value: ff.labelValue)
        Kernels.rmsNormalizeRows(input, into: input, rms: rowScratch.data)
    }

    private func copyImages(_ x: Matrix, into input: Matrix) {
        guard let mean = inputMean?.data else { input.data.update(from: x.data, count: x.count); return }
        let n = x.cols
        for r in 0..<x.rows {
            let src = x.row(r), dst = input.row(r)
            for j in 0..<n { dst[j] = src[j] - mean[j] }
        }
    }

    /// A whole pass up to the last layer, from the image product.
    private func pass(_ overlay: Overlay, each: (Int) -> Void) {
        for l in layers.indices {
            if l == 0 { firstLayer(overlay) } else { forward(l) }
            each(l)
        }
    }

    /// Layer l forward from buffers.input[l]: ReLU into relu[l], normalised into output[l].
    @inline(__always)
    private func forward(_ l: Int) {
        BLAS.gemm(buffers.input[l], layers[l].weight, into: buffers.relu[l])
        Kernels.addBiasReLU(buffers.relu[l], bias: layers[l].bias)
        Kernels.rmsNormalizeRows(buffers.relu[l], into: buffers.output[l], rms: rowScratch.data)
    }

    // MARK: - Training

    /// Streams 1-4; with a learning rate, gradients go to the optimizers'
    /// targets and each trained layer is updated once the negative stream
    /// has passed it.
    func gradients(_ x: Matrix, labels: UnsafePointer<Int32>, learningRate: Float?) -> BatchStats {
        let b = x.rows
        let training = learningRate != nil
        buffers.setRows(b)
        logits.setRows(b); probs.setRows(b); logitGradient.setRows(b)
        let invB = 1 / Float(b)

        let stacked = stacks != nil && b == batchSize && activeLayer == nil
        prepareImageProduct(x)
        // 1. Neutral label: head logits, head loss and gradient, negatives.
        var headLoss = 0.0, headErrors: Int?
        if ff.hasHead {
            logits.fill(0)
            pass(.neutral) { l in
                guard let s = head[l] else { return }
                BLAS.gemm(buffers.output[l], s, into: logits, beta: 1)
                if stacked, let kept = stacks?.neutralOutputs[l] { kept.data.update(from: buffers.output[l].data, count: kept.count) }
            }
            let (loss, correct) = Kernels.softmaxCrossEntropy(
                logits: logits, labels: labels, probs: probs, gradient: logitGradient, scale: invB)
            (headLoss, headErrors) = (loss, b - correct)
        }
        NegativeLabels.choose(ff.negatives, into: negativeLabels, labels: labels, probs: probs, count: b, classes: classes, rng: &rng)

        let negatives = UnsafePointer(negativeLabels)
        var ffLoss = 0.0
        if stacked, let stacks {
            // 2. from the kept outputs; 3 and 4 stacked: one GEMM per layer for both.
            for l in layers.indices {
                if let kept = stacks.neutralOutputs[l] { addHeadGradient(l, from: kept, training: training) }
            }
            prepareInput(x, labels: labels, into: stacks.positive.first)
            prepareInput(x, labels: negatives, into: stacks.negative.first)
            buffers.setRows(2 * b)
            for l in layers.indices {
                if l == 0 {
                    firstLayerReLU(.labels(labels), into: stacks.positive.relu[0])
                    firstLayerReLU(.labels(negatives), into: stacks.negative.relu[0])
                    Kernels.rmsNormalizeRows(buffers.relu[0], into: buffers.output[0], rms: rowScratch.data)
                } else {
                    forward(l)
                }
                ffLoss += goodnessLoss(l, stacks.positive.relu[l], positive: true, invB)
                ffLoss += goodnessLoss(l, stacks.negative.relu[l], positive: false, invB)
                addLayerGradient(l, input: buffers.input[l], dz: buffers.relu[l], first: true,
                                 training: training, step: learningRate)
            }
        } else {
            // 2. Neutral again: the head's gradients from each layer's output.
            if ff.hasHead { pass(.neutral) { l in addHeadGradient(l, from: buffers.output[l], training: training) } }

            // 3 and 4. Positive then negative: each layer's goodness loss and gradient.
            for pass in 0..<2 {
                let positive = pass == 0
                let passLabels = positive ? labels : negatives
                prepareInput(x, labels: passLabels, into: buffers.first)
                for l in layers.indices {
                    if let active = activeLayer, l > active { break }
                    if l == 0 { firstLayer(.labels(passLabels)) } else { forward(l) }
                    guard activeLayer == nil || activeLayer == l else { continue }
                    ffLoss += goodnessLoss(l, buffers.relu[l], positive: positive, invB)
                    // Positives come first, negatives add and end the layer's step.
                    addLayerGradient(l, input: buffers.input[l], dz: buffers.relu[l], first: positive,
                                     training: training, step: positive ? nil : learningRate)
                }
            }
        }
        return BatchStats(loss: ffLoss + headLoss, errors: headErrors, count: b)
    }

    /// Layer l's head-weight gradient, output^T dlogits, from a neutral stream's output.
    private func addHeadGradient(_ l: Int, from output: Matrix, training: Bool) {
        guard let i = headIndex[l] else { return }
        let t = headOptimizer.target(i, training: training)
        BLAS.gemm(output, transposeA: true, logitGradient, into: t.matrix, alpha: t.alpha, beta: t.firstBeta)
    }

    /// A stream's goodness loss at layer l; turns its ReLU output h into dL/dz
    /// in place (with the peer-normalisation term on the positive stream).
    private func goodnessLoss(_ l: Int, _ h: Matrix, positive: Bool, _ invB: Float) -> Double {
        let usePeer = positive && peer.isOn
        if usePeer { peer.update(l, h, scratch: columnViews[l]) }
        // min-ssq: positive data is what max-ssq calls negative.
        let (loss, _) = FFLoss.layer(activations: h, positive: positive != ff.minSSQ, threshold: threshold(l),
                                            scale: invB, gradient: h, goodness: rowScratch.row(1))
        if usePeer { peer.addTerm(l, h, invB, scratch: columnScratch.data) }
        return loss
    }

    /// Layer l's weight and bias gradients from its input and dL/dz; with a
    /// learning rate, then the layer's update.
    private func addLayerGradient(_ l: Int, input: Matrix, dz: Matrix, first: Bool, training: Bool, step learningRate: Float?) {
        optimizers[l].addDenseGradient(input: input, dz: dz, first: first, training: training)
        if let learningRate { optimizers[l].stepFromTargets(learningRate: learningRate) }
    }

    // MARK: - Evaluation

    /// Both predictions from one image product (see `prepareImageProduct`).
    func batchErrors(_ x: Matrix, labels: UnsafePointer<Int32>, goodness: Bool = true, softmax: Bool = true) -> (goodness: Int, softmax: Int) {
        buffers.setRows(x.rows)
        prepareImageProduct(x)
        return (goodness ? goodnessErrors(x.rows, labels: labels) : 0,
                softmax && ff.hasHead ? softmaxErrors(x.rows, labels: labels) : 0)
    }

    /// Accumulated goodness, one pass per label. With stacked buffers a
    /// full batch runs two labels at once, as one product of twice the rows
    /// (the rows of a product do not change each other's values).
    private func goodnessErrors(_ n: Int, labels: UnsafePointer<Int32>) -> Int {
        scores.setRows(n)
        scores.fill(0)
        var c = 0
        if let stacks, n == batchSize {
            buffers.setRows(2 * n)
            while c + 1 < classes {
                for l in layers.indices {
                    if l == 0 {
                        firstLayerReLU(.label(c), into: stacks.positive.relu[0])
                        firstLayerReLU(.label(c + 1), into: stacks.negative.relu[0])
                        Kernels.rmsNormalizeRows(buffers.relu[0], into: buffers.output[0], rms: rowScratch.data)
                    } else {
                        forward(l)
                    }
                    accumulateGoodness(layer: l, labels: c..<c + 2, rows: n)
                }
                c += 2
            }
            buffers.setRows(n)
        }
        for label in c..<classes {
            pass(.label(label)) { l in accumulateGoodness(layer: l, labels: label..<label + 1, rows: n) }
        }
        return Kernels.misclassified(scores, labels: labels)
    }

    /// Layer l's goodness of each label's rows (`rows` rows a label, stacked in label order) into their score columns.
    private func accumulateGoodness(layer l: Int, labels: Range<Int>, rows n: Int) {
        guard l + 1 >= ff.goodnessFromLayer else { return }
        let h = buffers.relu[l], g = rowScratch.row(1)
        Kernels.rowSumOfSquares(h, into: g)
        // min-ssq predicts the label of least goodness: the highest score of -goodness.
        let sign: Float = ff.minSSQ ? -1 : 1
        for c in labels {
            let part = g + (c - labels.lowerBound) * n
            for r in 0..<n { scores[r, c] += sign * part[r] }
        }
    }

    /// One pass with the neutral label through the softmax head.
    private func softmaxErrors(_ n: Int, labels: UnsafePointer<Int32>) -> Int {
        buffers.setRows(n)
        logits.setRows(n)
        logits.fill(0)
        pass(.neutral) { l in
            if let s = head[l] { BLAS.gemm(buffers.output[l], s, into: logits, beta: 1) }
        }
        return Kernels.misclassified(logits, labels: labels)
    }
}
