import Tensor

extension TrainingConfig.OptimizerConfig {
    /// The optimizer this configuration describes, over `parameters`.
    public func make(_ parameters: [Parameter], ledger: Ledger = .shared) -> Optimizer {
        switch kind {
        case .sgd:
            return SGD(parameters: parameters, momentum: momentum, weightDecay: weightDecay, dampening: dampening,
                       decayStyle: decayStyle == .separate ? .separate : .inGradient, ledger: ledger)
        case .adam:
            return Adam(parameters: parameters, weightDecay: weightDecay, ledger: ledger)
        }
    }
}
