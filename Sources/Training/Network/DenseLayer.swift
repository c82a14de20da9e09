import Tensor

/// A fully connected layer's parameters and their gradients:
/// z = x W + b with W of shape inputs x outputs. Gradient buffers are
/// allocated on first use (see `Parameter`).
///
/// A `packed` layer keeps W, its gradient and every optimizer state of W in
/// `PackedGemm`'s layout, so its products never pack W again (the hidden
/// layers behind the first: FF's first layer reads W's label rows, and
/// output layers are too narrow to gain). Read its values with `rowMajor`.
public final class DenseLayer {
    public let inputs: Int
    public let outputs: Int
    public let weight: Matrix
    public let bias: Matrix
    public let parameters: [Parameter]
    public let packed: Bool

    /// Weights N(0, 1/fan_in) (Hinton's initialisation, drawn in row-major
    /// order whatever the layout), biases 0.
    public init(inputs: Int, outputs: Int, rng: inout RNG, packed: Bool = false, ledger: Ledger = .shared) {
        self.inputs = inputs
        self.outputs = outputs
        self.packed = packed
        weight = Matrix(rows: inputs, cols: outputs, category: .weights, ledger: ledger)
        bias = Matrix(rows: 1, cols: outputs, category: .weights, ledger: ledger)
        parameters = [Parameter(value: weight, decays: true, ledger: ledger),
                      Parameter(value: bias, decays: false, ledger: ledger)]
        rng.fillNormal(weight, std: 1 / Float(inputs).squareRoot())
        if packed { PackedGemm.pack(weight) }
    }

    public var weightGradient: Matrix { parameters[0].gradient }
    public var biasGradient: Matrix { parameters[1].gradient }

    public var parameterCount: Int { inputs * outputs + outputs }

    /// The values of W, its gradient or a state of W, in row-major order.
    public func rowMajor(_ m: Matrix) -> [Float] { packed && m.count == weight.count ? PackedGemm.unpacked(m) : m.values }

    /// z = x W (the bias is the caller's: it comes with the activation).
    public func forward(_ x: Matrix, into z: Matrix) {
        if packed { PackedGemm.forward(x, weight, into: z) } else { BLAS.gemm(x, weight, into: z) }
    }

    /// The gradient below: dx = dz W^T.
    public func inputGradient(_ dz: Matrix, into dx: Matrix) {
        if packed { PackedGemm.inputGradient(dz, weight, into: dx) } else { BLAS.gemm(dz, weight, transposeB: true, into: dx) }
    }
}

extension Optimizer {
    /// For an optimizer built over a `DenseLayer`'s parameters (weight, then
    /// bias): dW (+)= input^T dz and db (+)= the column sums of dz, into the
    /// optimizer's targets when training, else the gradient buffers. `first`
    /// overwrites what a previous step left; otherwise the sums add.
    func addDenseGradient(_ layer: DenseLayer, input: Matrix, dz: Matrix, first: Bool, training: Bool) {
        let dw = target(0, training: training), db = target(1, training: training)
        if layer.packed {
            PackedGemm.weightGradient(input, dz, into: dw.matrix, alpha: dw.alpha, beta: dw.beta(first: first))
        } else {
            BLAS.gemm(input, transposeA: true, dz, into: dw.matrix, alpha: dw.alpha, beta: dw.beta(first: first))
        }
        Kernels.columnSums(dz, into: db.matrix, alpha: db.alpha, beta: db.beta(first: first))
    }
}
