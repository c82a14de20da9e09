import Tensor

/// Activation buffers that are reused layer after layer: two ping-pong
/// buffers for normalised layer outputs and one for ReLU outputs (which
/// become gradients in place), each sized for the widest layer. Views for
/// each layer's shape are made once, here, so hot loops allocate nothing.
final class LayerBuffers {
    let rows: Int
    let ping: [Matrix]
    let hidden: Matrix
    /// For layer l (0-based): its input, its ReLU output, its normalised output.
    let input: [Matrix]
    let relu: [Matrix]
    let output: [Matrix]

    init(rows: Int, inputSize: Int, widths: [Int], ledger: Ledger) {
        self.rows = rows
        let widest = max(inputSize, widths.max() ?? 0)
        let ping = [Matrix(rows: rows, cols: widest, category: .activations, ledger: ledger),
                    Matrix(rows: rows, cols: widest, category: .activations, ledger: ledger)]
        let hidden = Matrix(rows: rows, cols: widths.max() ?? 1, category: .activations, ledger: ledger)
        self.ping = ping
        self.hidden = hidden
        let sizes = [inputSize] + widths
        input = widths.indices.map { Matrix(viewOf: ping[$0 % 2], rows: rows, cols: sizes[$0]) }
        output = widths.indices.map { Matrix(viewOf: ping[($0 + 1) % 2], rows: rows, cols: widths[$0]) }
        relu = widths.indices.map { Matrix(viewOf: hidden, rows: rows, cols: widths[$0]) }
    }

    /// Uses the first `n` rows of every view (a short last batch).
    func setRows(_ n: Int) {
        for m in input + relu + output { m.setRows(n) }
    }

    /// The network input buffer (layer 0's input).
    var first: Matrix { input[0] }
}
