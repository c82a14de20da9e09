import Tensor

/// Activation buffers that are reused layer after layer: two ping-pong
/// buffers for layer inputs and normalised outputs, and one for ReLU outputs
/// (which become gradients in place). Layer l reads ping[l % 2] and writes
/// ping[(l + 1) % 2], so each ping buffer is only as wide as the widest
/// thing it ever holds: ping[0] the image and the odd layers' outputs,
/// ping[1] the even layers' outputs. The working set is that of the
/// widest layer, whatever the depth. Views for each layer's shape are made
/// once, here, so hot loops allocate nothing.
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
        let ping = LayerBuffers.pingWidths(inputSize: inputSize, widths: widths).map {
            Matrix(rows: rows, cols: $0, category: .activations, ledger: ledger)
        }
        let hidden = Matrix(rows: rows, cols: widths.max() ?? 1, category: .activations, ledger: ledger)
        self.ping = ping
        self.hidden = hidden
        let sizes = [inputSize] + widths
        input = widths.indices.map { Matrix(viewOf: ping[$0 % 2], rows: rows, cols: sizes[$0]) }
        output = widths.indices.map { Matrix(viewOf: ping[($0 + 1) % 2], rows: rows, cols: widths[$0]) }
        relu = widths.indices.map { Matrix(viewOf: hidden, rows: rows, cols: widths[$0]) }
    }

    /// `rows` rows of every buffer of `whole`, from `rowOffset` on: one
    /// stream's part of stacked buffers.
    init(viewOf whole: LayerBuffers, rowOffset: Int, rows: Int) {
        self.rows = rows
        ping = whole.ping
        hidden = whole.hidden
        func part(_ m: [Matrix]) -> [Matrix] { m.map { Matrix(viewOf: $0, rowOffset: rowOffset, rows: rows, cols: $0.cols) } }
        input = part(whole.input)
        relu = part(whole.relu)
        output = part(whole.output)
    }

    /// Columns of the two ping-pong buffers.
    static func pingWidths(inputSize: Int, widths: [Int]) -> [Int] {
        let odd = widths.indices.filter { $0 % 2 == 1 }.map { widths[$0] }
        let even = widths.indices.filter { $0 % 2 == 0 }.map { widths[$0] }
        return [max(inputSize, odd.max() ?? 0), max(even.max() ?? 0, 1)]
    }

    /// Uses the first `n` rows of every view (a short last batch).
    func setRows(_ n: Int) {
        for m in input + relu + output { m.setRows(n) }
    }

    /// The network input buffer (layer 0's input).
    var first: Matrix { input[0] }
}
