import Datasets
import Tensor

/// The backprop baseline: the same hidden ReLU stack on raw pixels, a
/// 10-way softmax output layer, cross-entropy. Backprop must keep every
/// hidden layer's activations for the backward pass, so its activation
/// memory grows with depth — unless it trades time for memory in one of
/// the two ways that leave its mathematics unchanged:
/// - micro-batches (`--micro-batch M`): each batch in ⌈B/M⌉ pieces whose
///   gradients add into the optimizer's targets, one step per batch, so
///   activations are held for M examples at a time;
/// - checkpointing (`--checkpoint K|sqrt`, `BPActivations`): only every
///   K-th layer's output kept, the rest recomputed going down.
public final class BPNetwork: Model {
    let config: TrainingConfig
    let widths: [Int]
    let classes: Int
    public let layers: [DenseLayer]
    /// One per layer, so each layer is updated as soon as its gradients are done.
    let optimizers: [Optimizer]
    /// Rows of every activation buffer: the batch, or the micro-batch.
    let rows: Int
    let activations: BPActivations
    let logits: Matrix, probs: Matrix
    /// Two gradient buffers used alternately going down the stack.
    let gradientPing: [Matrix]
    let gradientViews: [Matrix]
    /// Row windows of the last batch matrix seen, one per micro-batch (made once per shape).
    private var pieces: (batch: ObjectIdentifier, rows: Int, views: [Matrix])?

    public init(config: TrainingConfig, inputSize: Int, widths: [Int], classes: Int, ledger: Ledger = .shared) {
        self.config = config
        self.widths = widths
        self.classes = classes
        var rng = RNG(seed: config.seed, stream: 1)
        let sizes = [inputSize] + widths + [classes]
        layers = (0..<sizes.count - 1).map { DenseLayer(inputs: sizes[$0], outputs: sizes[$0 + 1], rng: &rng, ledger: ledger) }
        optimizers = layers.map { config.optimizer.make($0.parameters, ledger: ledger) }
        let b = config.activationRows
        rows = b
        activations = BPActivations(widths: widths, rows: b, span: config.checkpointSpan(depth: widths.count), ledger: ledger)
        logits = Matrix(rows: b, cols: classes, category: .activations, ledger: ledger)
        probs = Matrix(rows: b, cols: classes, category: .activations, ledger: ledger)
        let widest = max(widths.max() ?? 1, classes)
        let ping = [Matrix(rows: b, cols: widest, category: .activations, ledger: ledger),
                    Matrix(rows: b, cols: widest, category: .activations, ledger: ledger)]
        gradientPing = ping
        // gradientViews[l]: dL/dz of layer l (the last is the output layer).
        gradientViews = (0..<sizes.count - 1).map { l in
            Matrix(viewOf: ping[l % 2], rows: b, cols: sizes[l + 1])
        }
    }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    public var parameterMatrices: [Matrix] { layers.flatMap { [$0.weight, $0.bias] } }

    public func beginEpoch(_ epoch: Int) {}

    private func setRows(_ n: Int) {
        activations.setRows(n)
        for m in gradientViews { m.setRows(n) }
        logits.setRows(n); probs.setRows(n)
    }

    private func forward(_ x: Matrix) {
        var input = x
        for l in widths.indices {
            let out = activations.output(l)
            BLAS.gemm(input, layers[l].weight, into: out)
            Kernels.addBiasReLU(out, bias: layers[l].bias)
            input = out
        }
        BLAS.gemm(input, layers[widths.count].weight, into: logits)
        Kernels.addBias(logits, bias: layers[widths.count].bias)
        activations.forwardDone()
    }

    public func trainBatch(_ x: Matrix, labels: UnsafePointer<Int32>, learningRateScale: Float) -> BatchStats {
        step(x, labels: labels, learningRate: config.optimizer.learningRate * learningRateScale)
    }

    /// Forward and backward: fills every gradient, updates nothing.
    func computeGradients(_ x: Matrix, labels: UnsafePointer<Int32>) -> BatchStats {
        step(x, labels: labels, learningRate: nil)
    }

    /// One batch: in one piece, each layer updated right after its
    /// gradients; in micro-batches, every piece's gradients added up first
    /// and every layer updated once at the end.
    private func step(_ x: Matrix, labels: UnsafePointer<Int32>, learningRate: Float?) -> BatchStats {
        let b = x.rows
        guard b > rows else { return backward(x, labels: labels, scale: 1 / Float(b), first: true, learningRate: learningRate) }
        var total = BatchStats(loss: 0, errors: 0, count: 0)
        for (k, piece) in split(x).enumerated() {
            let s = backward(piece, labels: labels + k * rows, scale: 1 / Float(b), first: k == 0, learningRate: nil,
                             training: learningRate != nil)
            total = BatchStats(loss: total.loss + s.loss, errors: total.errors.map { $0 + (s.errors ?? 0) }, count: total.count + s.count)
        }
        if let learningRate { for o in optimizers { o.stepFromTargets(learningRate: learningRate) } }
        return total
    }

    /// `x` as windows of at most `rows` rows.
    private func split(_ x: Matrix) -> [Matrix] {
        let id = ObjectIdentifier(x)
        if let p = pieces, p.batch == id, p.rows == x.rows { return p.views }
        let views = stride(from: 0, to: x.rows, by: rows).map { Matrix(viewOf: x, rowOffset: $0, rows: min(rows, x.rows - $0), cols: x.cols) }
        pieces = (id, x.rows, views)
        return views
    }

    /// Forward and backward over `x`, adding its gradients (dL/dz scaled by
    /// `scale`) into the targets (overwriting them when `first`), and with a
    /// learning rate each layer's update right after its gradients: its
    /// weight gradient is then still in cache and its weights were just
    /// read for the gradient below. The result is the same as updating after
    /// the whole backward pass, since W_l is not used again in this step
    /// once dz_{l-1} is computed (and a recomputed segment lies below it).
    private func backward(_ x: Matrix, labels: UnsafePointer<Int32>, scale: Float, first: Bool, learningRate: Float?,
                          training: Bool? = nil) -> BatchStats {
        let b = x.rows
        setRows(b)
        forward(x)
        let top = layers.count - 1
        let (loss, correct) = Kernels.softmaxCrossEntropy(logits: logits, labels: labels, probs: probs,
                                                          gradient: gradientViews[top], scale: scale)
        // dz_{l-1} = (dz_l W_l^T) * relu'(a_{l-1}), dW_l = a_{l-1}^T dz_l, db_l = sum dz_l.
        for l in stride(from: top, through: 0, by: -1) {
            let dz = gradientViews[l]
            if l > 0 {
                activations.ensure(l - 1, input: x, layers: layers)
                let below = gradientViews[l - 1]
                BLAS.gemm(dz, layers[l].weight, transposeB: true, into: below)
                Kernels.reluBackward(below, activation: activations.output(l - 1))
            }
            let input = l == 0 ? x : activations.output(l - 1)
            optimizers[l].addDenseGradient(input: input, dz: dz, first: first, training: training ?? (learningRate != nil))
            if let learningRate { optimizers[l].stepFromTargets(learningRate: learningRate) }
        }
        return BatchStats(loss: loss, errors: b - correct, count: b)
    }

    public func evaluate(_ batches: BatchIterator) -> Evaluation {
        var errors = 0, total = 0
        while let n = batches.next() {
            for piece in n > rows ? split(batches.x) : [batches.x] {
                let offset = (piece.data - batches.x.data) / max(batches.x.cols, 1)
                setRows(piece.rows)
                forward(piece)
                errors += Kernels.misclassified(logits, labels: batches.labels + offset)
            }
            total += n
        }
        return Evaluation(errorRate: Double(errors) / Double(max(total, 1)))
    }
}
