/// One epoch's figures, as printed and as stored in the `epochs` table.
public struct EpochResult: Codable, Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double
    /// nil when the model measures none (FF without the softmax head).
    public var trainError: Double?
    /// nil when the epoch was not evaluated (see `TrainingConfig.evalEvery`).
    public var testError: Double?
    /// nil without a validation split, or when the epoch was not evaluated.
    public var validationError: Double?
    public var testErrorGoodness: Double?
    public var testErrorSoftmax: Double?
    public var trainSeconds: Double
    public var evalSeconds: Double
    public var learningRate: Double

    enum CodingKeys: String, CodingKey {
        case epoch
        case trainLoss = "train_loss"
        case trainError = "train_error"
        case testError = "test_error"
        case validationError = "validation_error"
        case testErrorGoodness = "test_error_goodness"
        case testErrorSoftmax = "test_error_softmax"
        case trainSeconds = "train_seconds"
        case evalSeconds = "eval_seconds"
        case learningRate = "learning_rate"
    }
}

public enum TrainingPhase: String, Sendable {
    case setup, training, evaluating, finished
}

/// How a trainer reports while it runs. The recorder implements this; the
/// trainer knows nothing of databases or terminals.
public protocol TrainingObserver: AnyObject {
    func phaseChanged(_ phase: TrainingPhase, epoch: Int)
    func batchEnded(epoch: Int, batch: Int, batches: Int)
    func epochEnded(_ result: EpochResult)
}

extension TrainingObserver {
    public func phaseChanged(_ phase: TrainingPhase, epoch: Int) {}
    public func batchEnded(epoch: Int, batch: Int, batches: Int) {}
    public func epochEnded(_ result: EpochResult) {}
}

/// How a run ended.
public enum TrainingOutcome: Equatable, Sendable {
    case completed
    /// A loss became NaN or infinite.
    case diverged(epoch: Int, batch: Int)
    /// `shouldStop` asked the loop to end early (a signal).
    case interrupted(epoch: Int)
}
