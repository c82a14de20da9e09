import Tensor

/// A fully connected layer's parameters and their gradients:
/// z = x W + b with W of shape inputs x outputs. Gradient buffers are
/// allocated on first use (see `Parameter`).
public final class DenseLayer {
    public let inputs: Int
    public let outputs: Int
    public let weight: Matrix
    public let bias: Matrix
    public let parameters: [Parameter]

    /// Weights N(0, 1/fan_in) (Hinton's initialisation), biases 0.
    public init(inputs: Int, outputs: Int, rng: inout RNG, ledger: Ledger = .shared) {
        self.inputs = inputs
        self.outputs = outputs
        weight = Matrix(rows: inputs, cols: outputs, category: .weights, ledger: ledger)
        bias = Matrix(rows: 1, cols: outputs, category: .weights, ledger: ledger)
        parameters = [Parameter(value: weight, decays: true, ledger: ledger),
                      Parameter(value: bias, decays: false, ledger: ledger)]
        rng.fillNormal(weight, std: 1 / Float(inputs).squareRoot())
    }

    public var weightGradient: Matrix { parameters[0].gradient }
    public var biasGradient: Matrix { parameters[1].gradient }

    public var parameterCount: Int { inputs * outputs + outputs }
}

extension Optimizer {
    /// For an optimizer built over a `DenseLayer`'s parameters (weight, then
    /// bias): dW (+)= input^T dz and db (+)= the column sums of dz, into the
    /// optimizer's targets when training, else the gradient buffers. `first`
    /// overwrites what a previous step left; otherwise the sums add.
    func addDenseGradient(input: Matrix, dz: Matrix, first: Bool, training: Bool) {
        let dw = target(0, training: training), db = target(1, training: training)
        BLAS.gemm(input, transposeA: true, dz, into: dw.matrix, alpha: dw.alpha, beta: dw.beta(first: first))
        Kernels.columnSums(dz, into: db.matrix, alpha: db.alpha, beta: db.beta(first: first))
    }
}
