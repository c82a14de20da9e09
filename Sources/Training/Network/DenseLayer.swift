import Tensor

/// A fully connected layer's parameters and their gradients:
/// z = x W + b with W of shape inputs x outputs.
public final class DenseLayer {
    public let inputs: Int
    public let outputs: Int
    public let weight: Matrix
    public let bias: Matrix
    public let weightGradient: Matrix
    public let biasGradient: Matrix

    /// Weights N(0, 1/fan_in) (Hinton's initialisation), biases 0.
    public init(inputs: Int, outputs: Int, rng: inout RNG, ledger: Ledger = .shared) {
        self.inputs = inputs
        self.outputs = outputs
        weight = Matrix(rows: inputs, cols: outputs, category: .weights, ledger: ledger)
        bias = Matrix(rows: 1, cols: outputs, category: .weights, ledger: ledger)
        weightGradient = Matrix(rows: inputs, cols: outputs, category: .gradients, ledger: ledger)
        biasGradient = Matrix(rows: 1, cols: outputs, category: .gradients, ledger: ledger)
        rng.fillNormal(weight, std: 1 / Float(inputs).squareRoot())
    }

    public var parameters: [Parameter] {
        [Parameter(value: weight, gradient: weightGradient, decays: true),
         Parameter(value: bias, gradient: biasGradient, decays: false)]
    }

    public var parameterCount: Int { inputs * outputs + outputs }

    /// Where a step adds the weight and bias gradients: into `optimizer`'s
    /// targets when training (built over `parameters`), else into this
    /// layer's gradient buffers.
    func gradientTargets(_ optimizer: Optimizer?) -> (weight: GradientTarget, bias: GradientTarget) {
        guard let optimizer else { return (GradientTarget(matrix: weightGradient), GradientTarget(matrix: biasGradient)) }
        return (optimizer.target(0), optimizer.target(1))
    }
}

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
