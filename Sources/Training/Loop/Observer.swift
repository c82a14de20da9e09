/// One epoch's figures as the trainer measured them (the recorder turns
/// them into the stored and printed wire format, RunStore's `EpochLine`).
public struct EpochResult: Sendable, Equatable {
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
