import Tensor

/// Mini-batch iteration over a labeled set without per-batch allocation:
/// the order array, the image batch and the label batch are allocated once
/// and refilled. Shuffling is seeded per epoch from one run seed.
public final class BatchIterator {
    public let source: LabeledImages
    public let batchSize: Int
    /// The current batch: `x.rows` is the number of images in it.
    public let x: Matrix
    public let labels: UnsafeMutablePointer<Int32>
    private var order: [Int]
    private var position = 0
    private let shuffleSeed: UInt64?
    private let dropLast: Bool

    /// - Parameters:
    ///   - shuffleSeed: nil keeps the stored order (evaluation).
    ///   - dropLast: skip a final short batch (training with fixed shapes).
    public init(source: LabeledImages, batchSize: Int, shuffleSeed: UInt64?, dropLast: Bool,
                ledger: Ledger = .shared) {
        precondition(batchSize > 0, "batch size must be positive")
        self.source = source
        self.batchSize = min(batchSize, max(source.count, 1))
        self.shuffleSeed = shuffleSeed
        self.dropLast = dropLast
        x = Matrix(rows: self.batchSize, cols: source.inputSize, category: .dataset, ledger: ledger)
        labels = .allocate(capacity: self.batchSize)
        labels.initialize(repeating: 0, count: self.batchSize)
        order = Array(0..<source.count)
    }

    deinit { labels.deallocate() }

    /// Batches per epoch.
    public var batchCount: Int {
        dropLast ? source.count / batchSize : (source.count + batchSize - 1) / batchSize
    }

    /// Rewinds and, when shuffling, reorders deterministically for `epoch`.
    public func startEpoch(_ epoch: Int) {
        position = 0
        guard let seed = shuffleSeed else { return }
        for i in order.indices { order[i] = i }
        var rng = Self.shuffleStream(seed: seed, epoch: epoch)
        order.withUnsafeMutableBufferPointer { rng.shuffle($0) }
    }

    /// The generator an epoch's order is drawn from: a permutation of the
    /// training set by Fisher–Yates (other implementations reproduce it).
    public static func shuffleStream(seed: UInt64, epoch: Int) -> RNG { RNG(seed: seed, stream: 0xBA7C_0000 &+ UInt64(epoch)) }

    /// Indices of the images in the current batch, in batch order.
    public var batchIndices: ArraySlice<Int> { order[max(0, position - x.rows)..<position] }

    /// Fills the next batch; returns its size, or nil at the end of the epoch.
    public func next() -> Int? {
        let remaining = source.count - position
        if remaining <= 0 || (dropLast && remaining < batchSize) { return nil }
        let n = min(batchSize, remaining)
        x.setRows(n)
        for r in 0..<n {
            let i = order[position + r]
            source.images.scaledRow(i, into: x.row(r))
            labels[r] = source.labels[i]
        }
        position += n
        return n
    }
}
