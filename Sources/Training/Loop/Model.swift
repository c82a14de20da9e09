import Datasets
import Tensor

/// What one mini-batch of training produced.
public struct BatchStats {
    /// Summed over the batch (FF: every layer's loss; BP: cross-entropy).
    public var loss: Double
    /// Misclassified training images (FF: by the softmax head, as Hinton
    /// reports; nil for FF without one, which has no one-pass prediction).
    public var errors: Int?
    public var count: Int
}

/// Test errors of a model on a labeled set.
public struct Evaluation: Sendable {
    /// The error rate the run is judged by.
    public var errorRate: Double?
    /// FF only: by accumulated goodness and by the one-pass softmax.
    public var goodnessErrorRate: Double?
    public var softmaxErrorRate: Double?
}

/// A trainable network: FF or BP. Buffers are allocated at construction;
/// `trainBatch` and `evaluate` allocate nothing.
public protocol Model: AnyObject {
    var parameterCount: Int { get }
    /// Every trained matrix (weights, biases, the head's): what divergence is checked on.
    var parameterMatrices: [Matrix] { get }
    /// Called before each 1-based epoch (greedy FF chooses its layer here).
    func beginEpoch(_ epoch: Int)
    func trainBatch(_ x: Matrix, labels: UnsafePointer<Int32>, learningRateScale: Float) -> BatchStats
    func evaluate(_ batches: BatchIterator) -> Evaluation
    /// Only the error the run is judged by (`errorRate`): what selecting an
    /// epoch on the validation split needs. FF skips its other prediction.
    func evaluateSelection(_ batches: BatchIterator) -> Evaluation
}

extension Model {
    public func evaluateSelection(_ batches: BatchIterator) -> Evaluation { evaluate(batches) }
}
