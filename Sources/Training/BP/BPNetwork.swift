import Datasets
import Tensor

/// The backprop baseline: the same hidden ReLU stack on raw pixels, a
/// 10-way softmax output layer, cross-entropy. Backprop must keep every
/// hidden layer's activations for the backward pass, so its activation
/// memory grows with depth.
public final class BPNetwork: Model {
    let config: TrainingConfig
    let widths: [Int]
    let classes: Int
    public let layers: [DenseLayer]
    /// One per layer, so each layer is updated as soon as its gradients are done.
    let optimizers: [Optimizer]
    /// hidden[l]: ReLU output of hidden layer l, kept for the backward pass.
    let hidden: [Matrix]
    let logits: Matrix, probs: Matrix
    /// Two gradient buffers used alternately going down the stack.
    let gradientPing: [Matrix]
    let gradientViews: [Matrix]

    public init(config: TrainingConfig, inputSize: Int, widths: [Int], classes: Int, ledger: Ledger = .shared) {
        self.config = config
        self.widths = widths
        self.classes = classes
        var rng = RNG(seed: config.seed, stream: 1)
        let sizes = [inputSize] + widths + [classes]
        layers = (0..<sizes.count - 1).map { DenseLayer(inputs: sizes[$0], outputs: sizes[$0 + 1], rng: &rng, ledger: ledger) }
        optimizers = layers.map { config.optimizer.make($0.parameters, ledger: ledger) }
        let b = config.batchSize
        hidden = widths.map { Matrix(rows: b, cols: $0, category: .activations, ledger: ledger) }
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
        for m in hidden + gradientViews { m.setRows(n) }
        logits.setRows(n); probs.setRows(n)
    }

    private func forward(_ x: Matrix) {
        var input = x
        for l in hidden.indices {
            BLAS.gemm(input, layers[l].weight, into: hidden[l])
            Kernels.addBiasReLU(hidden[l], bias: layers[l].bias)
            input = hidden[l]
        }
        BLAS.gemm(input, layers[hidden.count].weight, into: logits)
        Kernels.addBias(logits, bias: layers[hidden.count].bias)
    }

    public func trainBatch(_ x: Matrix, labels: UnsafePointer<Int32>, learningRateScale: Float) -> BatchStats {
        backward(x, labels: labels, learningRate: config.optimizer.learningRate * learningRateScale)
    }

    /// Forward and backward: fills every gradient, updates nothing.
    func computeGradients(_ x: Matrix, labels: UnsafePointer<Int32>) -> BatchStats {
        backward(x, labels: labels, learningRate: nil)
    }

    /// Forward and backward, and with a learning rate each layer's update
    /// right after its gradients: its weight gradient is then still in cache
    /// and its weights were just read for the gradient below. The result is
    /// the same as updating after the whole backward pass, since W_l is not
    /// used again in this step once dz_{l-1} is computed.
    private func backward(_ x: Matrix, labels: UnsafePointer<Int32>, learningRate: Float?) -> BatchStats {
        let b = x.rows
        setRows(b)
        forward(x)
        let top = layers.count - 1
        let (loss, correct) = Kernels.softmaxCrossEntropy(logits: logits, labels: labels, probs: probs,
                                                          gradient: gradientViews[top], scale: 1 / Float(b))
        // dz_{l-1} = (dz_l W_l^T) * relu'(a_{l-1}), dW_l = a_{l-1}^T dz_l, db_l = sum dz_l.
        for l in stride(from: top, through: 0, by: -1) {
            let dz = gradientViews[l]
            if l > 0 {
                let below = gradientViews[l - 1]
                BLAS.gemm(dz, layers[l].weight, transposeB: true, into: below)
                Kernels.reluBackward(below, activation: hidden[l - 1])
            }
            let input = l == 0 ? x : hidden[l - 1]
            optimizers[l].addDenseGradient(input: input, dz: dz, first: true, training: learningRate != nil)
            if let learningRate { optimizers[l].stepFromTargets(learningRate: learningRate) }
        }
        return BatchStats(loss: loss, errors: b - correct, count: b)
    }

    public func evaluate(_ batches: BatchIterator) -> Evaluation {
        var errors = 0, total = 0
        while let n = batches.next() {
            setRows(n)
            forward(batches.x)
            errors += Kernels.misclassified(logits, labels: batches.labels)
            total += n
        }
        return Evaluation(errorRate: Double(errors) / Double(max(total, 1)))
    }
}
