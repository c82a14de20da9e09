/// Bytes in rows (images as they are stored on disk: one byte per pixel),
/// registered in the ledger like every tensor. A data set held this way
/// takes a quarter of the memory of Float32; batches are converted when
/// they are gathered.
public final class ByteMatrix {
    public let rows: Int
    public let cols: Int
    public let category: TensorCategory
    public let data: UnsafeMutablePointer<UInt8>
    private let ledger: Ledger

    public init(rows: Int, cols: Int, category: TensorCategory, ledger: Ledger = .shared) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        (self.rows, self.cols, self.category, self.ledger) = (rows, cols, category, ledger)
        let count = max(rows * cols, 1)
        data = .allocate(capacity: count)
        data.initialize(repeating: 0, count: count)
        ledger.register(bytes: byteCount, category: category)
    }

    deinit {
        ledger.release(bytes: byteCount, category: category)
        data.deallocate()
    }

    public var byteCount: Int { rows * cols }

    public func row(_ r: Int) -> UnsafeMutablePointer<UInt8> { data + r * cols }

    public subscript(r: Int, c: Int) -> UInt8 {
        get { data[r * cols + c] }
        set { data[r * cols + c] = newValue }
    }

    /// A pixel byte as the trainers see it: scaled to [0, 1] exactly as the
    /// data files were always read (x / 255 in Float32).
    @inline(__always) public static func scaled(_ byte: UInt8) -> Float { Float(byte) / 255 }

    /// Row `r` scaled into `destination` (`cols` floats).
    public func scaledRow(_ r: Int, into destination: UnsafeMutablePointer<Float>) {
        let source = row(r)
        for j in 0..<cols { destination[j] = Self.scaled(source[j]) }
    }

    /// Every value scaled, row after row (tests and small sets).
    public var scaledValues: [Float] { (0..<rows * cols).map { Self.scaled(data[$0]) } }
}
