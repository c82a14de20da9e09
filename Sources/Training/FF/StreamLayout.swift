/// Whether FF runs a batch's positive and negative streams through each
/// layer as one stacked GEMM of 2 x batch rows, keeping the neutral stream's
/// outputs for the head's gradients (with a softmax head), or runs every
/// stream on its own (recomputing the neutral one for the head).
///
/// Stacking does the same arithmetic in fewer, taller GEMMs: at batch 100 a
/// 200-row product runs about 1.25 times faster per FLOP than two 100-row
/// ones, the positive and negative weight gradients become one product with
/// twice the inner dimension, and keeping the neutral outputs saves one
/// forward product per layer. It costs one more batch of one layer's
/// working set plus a batch of every head layer's output, so it is used
/// while that fits the configured budget (`FFConfig.stackMemoryMiB`); beyond
/// it, activation memory stays one layer's working set, whatever the depth.
public struct StreamLayout: Equatable, Sendable {
    public static let defaultBudgetMiB = 64

    public let batchSize: Int
    public let stacked: Bool

    /// Rows of every reused activation buffer and of the per-row scratch.
    public var rows: Int { stacked ? 2 * batchSize : batchSize }

    /// - Parameter headUnits: units of all layers feeding the softmax head.
    public init(batchSize: Int, inputSize: Int, widths: [Int], headUnits: Int, budgetMiB: Int?) {
        self.batchSize = batchSize
        let extra = batchSize * (StreamLayout.bytesPerRow(inputSize: inputSize, widths: widths)
                                 + headUnits * MemoryLayout<Float>.stride)
        stacked = extra <= (budgetMiB ?? StreamLayout.defaultBudgetMiB) << 20
    }

    /// The layout FF uses for `config`'s batch size, head and budget.
    init(config: TrainingConfig, inputSize: Int, widths: [Int]) {
        self.init(batchSize: config.batchSize, inputSize: inputSize, widths: widths,
                  headUnits: config.ff.headUnits(widths: widths), budgetMiB: config.ff.stackMemoryMiB)
    }

    /// Bytes one more row of the reused buffers costs: the two ping-pong
    /// buffers, the ReLU buffer and three per-row scalars.
    static func bytesPerRow(inputSize: Int, widths: [Int]) -> Int {
        let ping = LayerBuffers.pingWidths(inputSize: inputSize, widths: widths).reduce(0, +)
        return (ping + (widths.max() ?? 0) + 3) * MemoryLayout<Float>.stride
    }
}
