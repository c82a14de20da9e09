/// Named settings that reproduce published configurations.
public enum Preset: String, CaseIterable, Sendable {
    /// Hinton's official MATLAB code (`ffnew.m`): 3x1000, batch 100, smoothed
    /// SGD, peer normalisation, hard negatives, half-linear decay.
    case hinton
    /// loeweX/Forward-Forward (PyTorch): 3x1000, batch 100, SGD lr 1e-3,
    /// momentum 0.9, weight decay 3e-4, 100 epochs.
    case loewex

    public var summary: String {
        switch self {
        case .hinton: "Hinton's ffnew.m: 784-1000-1000-1000, batch 100, lr 0.01 (0.005 on the exact loss gradient), delay 0.9, weight cost 0.001, peer 0.03, hard negatives"
        case .loewex: "loeweX/Forward-Forward: 3x1000, batch 100, SGD lr 1e-3, momentum 0.9, weight decay 3e-4, 100 epochs"
        }
    }

    /// The preset's configuration. Options given explicitly on the command
    /// line are applied on top by the caller.
    public func config(algorithm: TrainingConfig.Algorithm, seed: UInt64) -> TrainingConfig {
        switch self {
        case .hinton:
            // Hinton ascends (1 - p) * h, half the exact gradient 2 (1 - p) h of
            // softplus(-(g - theta)); so lr 0.01 there is 0.005 here, and his
            // separate weight cost 0.001 becomes 0.002 (lr * wd is unchanged).
            return TrainingConfig(
                algorithm: algorithm, layers: "3x1000", epochs: 60, batchSize: 100, seed: seed,
                optimizer: .init(kind: .sgd, learningRate: algorithm == .ff ? 0.005 : 0.01, momentum: 0.9,
                                 dampening: 0.9, weightDecay: algorithm == .ff ? 0.002 : 0.001, decayStyle: .separate),
                schedule: .halfLinear, ff: TrainingConfig.FFConfig(), preset: rawValue)
        case .loewex:
            var ff = TrainingConfig.FFConfig()
            ff.negatives = .random
            return TrainingConfig(
                algorithm: algorithm, layers: "3x1000", epochs: 100, batchSize: 100, seed: seed,
                optimizer: .init(kind: .sgd, learningRate: 1e-3, momentum: 0.9, weightDecay: 3e-4),
                schedule: .constant, ff: ff, preset: rawValue)
        }
    }
}
