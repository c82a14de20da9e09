import Datasets
import Tensor

/// What FF's two networks (dense `FFNetwork`, locally connected
/// `LocalFFNetwork`) share around their own streams: a training step
/// updates the softmax head after the layers, and evaluation tallies both
/// predictions, goodness for every label and the one-pass softmax.
protocol FFModel: Model {
    var config: TrainingConfig { get }
    var ff: TrainingConfig.FFConfig { get }
    var headOptimizer: Optimizer { get }
    /// The batch's streams; with a learning rate each trained layer is updated as its streams leave it.
    func gradients(_ x: Matrix, labels: UnsafePointer<Int32>, learningRate: Float?) -> BatchStats
    /// Misclassified rows of one batch by goodness and by the softmax head,
    /// each only when asked for (0 otherwise, and without a head).
    func batchErrors(_ x: Matrix, labels: UnsafePointer<Int32>, goodness: Bool, softmax: Bool) -> (goodness: Int, softmax: Int)
}

extension FFModel {
    public func trainBatch(_ x: Matrix, labels: UnsafePointer<Int32>, learningRateScale: Float) -> BatchStats {
        let stats = gradients(x, labels: labels, learningRate: config.optimizer.learningRate * learningRateScale)
        headOptimizer.stepFromTargets(learningRate: ff.head.learningRate * learningRateScale)
        return stats
    }

    /// The batch's streams: fills every gradient, updates nothing but the
    /// peer-normalisation running means.
    func computeGradients(_ x: Matrix, labels: UnsafePointer<Int32>) -> BatchStats {
        gradients(x, labels: labels, learningRate: nil)
    }

    public func evaluate(_ batches: BatchIterator) -> Evaluation { evaluate(batches, both: true) }

    public func evaluateSelection(_ batches: BatchIterator) -> Evaluation { evaluate(batches, both: false) }

    private func evaluate(_ batches: BatchIterator, both: Bool) -> Evaluation {
        let byGoodness = both || ff.prediction == .goodness, bySoftmax = ff.hasHead && (both || ff.prediction == .softmax)
        var goodnessErrors = 0, softmaxErrors = 0, total = 0
        while let n = batches.next() {
            let e = batchErrors(batches.x, labels: batches.labels, goodness: byGoodness, softmax: bySoftmax)
            (goodnessErrors, softmaxErrors, total) = (goodnessErrors + e.goodness, softmaxErrors + e.softmax, total + n)
        }
        let g = byGoodness ? Double(goodnessErrors) / Double(max(total, 1)) : nil
        let s = bySoftmax ? Double(softmaxErrors) / Double(max(total, 1)) : nil
        return Evaluation(errorRate: ff.prediction == .goodness ? g : s, goodnessErrorRate: g, softmaxErrorRate: s)
    }
}

extension NegativeLabels {
    /// A wrong label for every row, of the configured kind.
    static func choose(_ kind: TrainingConfig.Negatives, into out: UnsafeMutablePointer<Int32>, labels: UnsafePointer<Int32>,
                       probs: Matrix, count: Int, classes: Int, rng: inout RNG) {
        switch kind {
        case .hard: hard(out, labels: labels, probs: probs, rng: &rng)
        case .random: random(out, labels: labels, count: count, classes: classes, rng: &rng)
        }
    }
}

/// Buffers both FF networks allocate alike.
enum FFBuffers {
    /// The head's logits, their softmax and its gradient, and goodness scores per label: rows x classes each.
    static func labelSide(rows: Int, classes: Int, ledger: Ledger) -> (logits: Matrix, probs: Matrix, gradient: Matrix, scores: Matrix) {
        let m = (0..<4).map { _ in Matrix(rows: rows, cols: classes, category: .activations, ledger: ledger) }
        return (m[0], m[1], m[2], m[3])
    }

    /// One row as wide as the widest layer, and views of it at each layer's width.
    static func columnScratch(widths: [Int], ledger: Ledger) -> (Matrix, [Matrix]) {
        let scratch = Matrix(rows: 1, cols: widths.max()!, category: .activations, ledger: ledger)
        return (scratch, widths.map { Matrix(viewOf: scratch, rows: 1, cols: $0) })
    }

    /// A negative label per row, zeroed (deallocated by the network).
    static func labels(_ count: Int) -> UnsafeMutablePointer<Int32> {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: count)
        p.initialize(repeating: 0, count: count)
        return p
    }
}
