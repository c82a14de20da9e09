import Tensor

/// Where BP keeps its hidden activations for the backward pass.
///
/// Plain BP keeps every layer's. With checkpointing (span K; Chen et al.
/// 2016, arXiv 1604.06174) the L hidden layers form ⌈L/K⌉ segments of K:
/// only each segment's last output is kept (the next segment's input), and
/// a segment's other activations live in K shared work buffers, recomputed
/// from the segment's input when the backward pass reaches it. Recomputing
/// runs the same products on the same, not yet updated, weights, so the
/// values are identical to the ones plain BP kept.
final class BPActivations {
    let widths: [Int]
    /// Layers per segment (nil: every activation kept).
    let span: Int?
    /// kept[l]: layer l's stored output (plain BP: every layer; checkpointing: each segment's last but the top segment's).
    private var kept: [Int: Matrix] = [:]
    /// Views of the work buffers, by layer (checkpointing only).
    private var work: [Int: Matrix] = [:]
    private var all: [Matrix] = []
    /// The segment whose activations the work buffers hold now.
    private(set) var resident: Int?

    init(widths: [Int], rows: Int, span: Int?, ledger: Ledger) {
        self.widths = widths
        self.span = span
        guard let k = span else {
            for (l, w) in widths.enumerated() { kept[l] = Matrix(rows: rows, cols: w, category: .activations, ledger: ledger) }
            all = widths.indices.map { kept[$0]! }
            return
        }
        let segments = (widths.count + k - 1) / k
        let buffers = (0..<Self.workBuffers(depth: widths.count, span: k)).map { _ in
            Matrix(rows: rows, cols: widths.max()!, category: .activations, ledger: ledger)
        }
        for l in widths.indices {
            let s = l / k
            if l == min((s + 1) * k, widths.count) - 1 && s < segments - 1 {
                kept[l] = Matrix(rows: rows, cols: widths[l], category: .activations, ledger: ledger)
            } else {
                work[l] = Matrix(viewOf: buffers[l - s * k], rows: rows, cols: widths[l])
            }
        }
        all = widths.indices.map { kept[$0] ?? work[$0]! }
    }

    /// Work buffers a span needs: the layers of a segment that are not kept
    /// (all but the last of every lower segment, all of the top one).
    static func workBuffers(depth: Int, span k: Int) -> Int {
        let segments = (depth + k - 1) / k
        return max(segments > 1 ? k - 1 : 0, depth - (segments - 1) * k)
    }

    /// Layer l's output.
    func output(_ l: Int) -> Matrix { all[l] }

    func setRows(_ n: Int) { for m in all { m.setRows(n) } }

    func segment(_ l: Int) -> Int { span.map { l / $0 } ?? 0 }

    /// Marks the top segment resident after a forward pass.
    func forwardDone() { resident = span.map { (widths.count - 1) / $0 } }

    /// Makes layer l's output available: recomputes its segment from the
    /// segment's input when the work buffers hold another segment.
    func ensure(_ l: Int, input x: Matrix, layers: [DenseLayer]) {
        guard let k = span, kept[l] == nil, resident != l / k else { return }
        let s = l / k
        var input = s == 0 ? x : output(s * k - 1)
        for j in (s * k)..<min((s + 1) * k, widths.count) where kept[j] == nil {
            BLAS.gemm(input, layers[j].weight, into: output(j))
            Kernels.addBiasReLU(output(j), bias: layers[j].bias)
            input = output(j)
        }
        resident = s
    }
}
