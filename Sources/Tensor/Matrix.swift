/// A Float32 row-major matrix with owned, 64-byte aligned storage that is
/// registered with a `Ledger` for its whole life.
///
/// Storage is allocated once for `capacityRows`; `rows` may shrink and grow
/// within it so a last, short mini-batch reuses the same buffer.
/// It is a class on purpose: buffers are shared and reused, never copied.
public final class Matrix {
    public private(set) var rows: Int
    public let capacityRows: Int
    public let cols: Int
    public let category: TensorCategory
    public let data: UnsafeMutablePointer<Float>
    private let ledger: Ledger
    /// Views share a base matrix's storage; only the base owns and counts it.
    private let base: Matrix?

    public static let alignment = 64

    public init(rows: Int, cols: Int, category: TensorCategory, ledger: Ledger = .shared) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.capacityRows = rows
        self.cols = cols
        self.category = category
        self.ledger = ledger
        self.base = nil
        let count = max(rows * cols, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride,
                                                   alignment: Matrix.alignment)
        data = raw.bindMemory(to: Float.self, capacity: count)
        data.initialize(repeating: 0, count: count)
        ledger.register(bytes: byteCount, category: category)
    }

    public convenience init(rows: Int, cols: Int, values: [Float],
                            category: TensorCategory = .other, ledger: Ledger = .shared) {
        precondition(values.count == rows * cols, "values must fill the matrix")
        self.init(rows: rows, cols: cols, category: category, ledger: ledger)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A `rows x cols` window on `base`'s storage, starting `rowOffset` rows
    /// (of `cols` values) in, for buffers reused with different shapes
    /// (layer after layer). Create views once, outside hot loops; they cost
    /// no ledger bytes.
    public init(viewOf base: Matrix, rowOffset: Int = 0, rows: Int, cols: Int) {
        precondition((rowOffset + rows) * cols <= base.capacityRows * base.cols, "view beyond its base")
        self.rows = rows
        self.capacityRows = rows
        self.cols = cols
        self.category = base.category
        self.ledger = base.ledger
        self.base = base
        self.data = base.data + rowOffset * cols
    }

    deinit {
        guard base == nil else { return }
        ledger.release(bytes: byteCount, category: category)
        UnsafeMutableRawPointer(data).deallocate()
    }

    /// Bytes held, which is what the ledger counts (capacity, not `rows`).
    public var byteCount: Int { base == nil ? capacityRows * cols * MemoryLayout<Float>.stride : 0 }
    public var count: Int { rows * cols }

    /// Uses the first `n` rows of the capacity; contents are kept.
    public func setRows(_ n: Int) {
        precondition(n >= 0 && n <= capacityRows, "rows \(n) beyond capacity \(capacityRows)")
        rows = n
    }

    @inline(__always)
    public subscript(r: Int, c: Int) -> Float {
        get { data[r * cols + c] }
        set { data[r * cols + c] = newValue }
    }

    @inline(__always)
    public func row(_ r: Int) -> UnsafeMutablePointer<Float> { data + r * cols }

    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }

    public func copy(from other: Matrix) {
        precondition(other.rows == rows && other.cols == cols, "shape mismatch in copy")
        data.update(from: other.data, count: count)
    }

    /// The used part as an array (tests, reporting; not for hot loops).
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }
}
