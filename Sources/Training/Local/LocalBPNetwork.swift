import Datasets
import Tensor

/// Backprop on a locally connected stack (Hinton 2022, CIFAR-10): the
/// same layers as `LocalFFNetwork`, ReLUs, a softmax output layer over the
/// top map, cross-entropy, trained end to end. Each layer is updated as
/// soon as its gradients are done and the gradient below has used its
/// weights, as `BPNetwork` does. Every layer's padded input and ReLU output
/// are kept for the backward pass.
public final class LocalBPNetwork: Model {
    let config: TrainingConfig
    public let layers: [LocalLayer]
    public let output: DenseLayer
    let optimizers: [Optimizer]
    let input: LocalInput
    /// columns[l]: layer l's batch in the kernels' layout; relu[l]: its output.
    let columns: [LocalColumns]
    let relu: [Matrix]
    let logits: Matrix, probs: Matrix, logitGradient: Matrix
    /// dL/dz of each layer, in two buffers used alternately going down.
    let gradients: [Matrix]

    public init(config: TrainingConfig, image: (Int, Int, Int), stack: LocalStack, classes: Int,
                inputMean: Matrix? = nil, ledger: Ledger = .shared) throws(TrainingError) {
        if let m = config.microBatch, m < config.batchSize {
            throw .badValue(option: "micro-batch", value: String(m), expected: "a dense-layer option (not implemented for locally connected layers)")
        }
        if let c = config.checkpoint {
            throw .badValue(option: "checkpoint", value: c, expected: "a dense-layer option (not implemented for locally connected layers)")
        }
        self.config = config
        var rng = RNG(seed: config.seed, stream: 1)
        let shapes = stack.shapes(image: image)
        layers = shapes.map { LocalLayer(shape: $0, rng: &rng, ledger: ledger) }
        output = DenseLayer(inputs: shapes.last!.outputs, outputs: classes, rng: &rng, ledger: ledger)
        optimizers = (layers.map(\.parameters) + [output.parameters]).map { config.optimizer.make($0, ledger: ledger) }
        let b = config.batchSize
        input = LocalInput(shape: shapes[0], rows: b, mean: inputMean, ledger: ledger)
        columns = shapes.indices.map { LocalColumns(shapes[$0], capacity: b, passesGradientDown: $0 > 0, ledger: ledger) }
        relu = shapes.map { Matrix(rows: b, cols: $0.outputs, category: .activations, ledger: ledger) }
        logits = Matrix(rows: b, cols: classes, category: .activations, ledger: ledger)
        probs = Matrix(rows: b, cols: classes, category: .activations, ledger: ledger)
        logitGradient = Matrix(rows: b, cols: classes, category: .activations, ledger: ledger)
        let widest = shapes.map(\.outputs).max()!
        let ping = (0..<2).map { _ in Matrix(rows: b, cols: widest, category: .activations, ledger: ledger) }
        gradients = shapes.indices.map { Matrix(viewOf: ping[$0 % 2], rows: b, cols: shapes[$0].outputs) }
    }

    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } + output.parameterCount }
    public var parameterMatrices: [Matrix] { layers.flatMap { [$0.weight, $0.bias] } + [output.weight, output.bias] }

    public func beginEpoch(_ epoch: Int) {}

    private func forward(_ x: Matrix) {
        let b = x.rows
        input.prepare(x, into: columns[0], layer: layers[0])
        for (l, layer) in layers.enumerated() {
            layer.forward(columns[l], into: relu[l])
            Kernels.addBiasReLU(relu[l], bias: layer.bias)
            if l + 1 < layers.count { layers[l + 1].load(relu[l], planar: false, into: columns[l + 1]) }
        }
        logits.setRows(b)
        BLAS.gemm(relu[layers.count - 1], output.weight, into: logits)
        Kernels.addBias(logits, bias: output.bias)
    }

    /// dL/dz of layer l with the batch's rows.
    private func gradient(_ l: Int, rows: Int) -> Matrix {
        gradients[l].setRows(rows)
        return gradients[l]
    }

    public func trainBatch(_ x: Matrix, labels: UnsafePointer<Int32>, learningRateScale: Float) -> BatchStats {
        step(x, labels: labels, learningRate: config.optimizer.learningRate * learningRateScale)
    }

    /// Forward and backward: fills every gradient, updates nothing.
    func computeGradients(_ x: Matrix, labels: UnsafePointer<Int32>) -> BatchStats {
        step(x, labels: labels, learningRate: nil)
    }

    private func step(_ x: Matrix, labels: UnsafePointer<Int32>, learningRate: Float?) -> BatchStats {
        let b = x.rows, training = learningRate != nil
        forward(x)
        probs.setRows(b); logitGradient.setRows(b)
        let (loss, correct) = Kernels.softmaxCrossEntropy(logits: logits, labels: labels, probs: probs,
                                                          gradient: logitGradient, scale: 1 / Float(b))
        let top = layers.count - 1
        // The output layer: its gradient, then dL/dh of the top map through its weights.
        let dzTop = gradient(top, rows: b)
        BLAS.gemm(logitGradient, output.weight, transposeB: true, into: dzTop)
        Kernels.reluBackward(dzTop, activation: relu[top])
        optimizers[layers.count].addDenseGradient(input: relu[top], dz: logitGradient, first: true, training: training)
        if let learningRate { optimizers[layers.count].stepFromTargets(learningRate: learningRate) }
        for l in stride(from: top, through: 0, by: -1) {
            let dz = gradient(l, rows: b)
            let below = l > 0 ? gradient(l - 1, rows: b) : nil
            optimizers[l].addLocalGradient(layers[l], columns: columns[l], dz: dz, first: true, training: training, below: below)
            if let below { Kernels.reluBackward(below, activation: relu[l - 1]) }
            if let learningRate { optimizers[l].stepFromTargets(learningRate: learningRate) }
        }
        return BatchStats(loss: loss, errors: b - correct, count: b)
    }

    public func evaluate(_ batches: BatchIterator) -> Evaluation {
        var errors = 0, total = 0
        while let n = batches.next() {
            forward(batches.x)
            errors += Kernels.misclassified(logits, labels: batches.labels)
            total += n
        }
        return Evaluation(errorRate: Double(errors) / Double(max(total, 1)))
    }
}
