/// The IDX format of MNIST and Fashion-MNIST: a big-endian header
/// (magic 0x0000080D where D is the number of dimensions, then D sizes)
/// followed by unsigned bytes.
public enum IDX {
    public static let imagesMagic: UInt32 = 0x0000_0803
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// Validates an image file's header against its size and the expected
    /// shape; returns the record count and where the pixels start.
    public static func checkImages(_ bytes: [UInt8], path: String, rows: Int, cols: Int,
                                   expectedCount: Int) throws(DatasetError) -> (count: Int, offset: Int) {
        let header = 16
        guard bytes.count >= header else { throw .sizeMismatch(path: path, expected: header, found: bytes.count) }
        let magic = word(bytes, 0)
        guard magic == imagesMagic else { throw .badMagic(path: path, expected: imagesMagic, found: magic) }
        let count = Int(word(bytes, 4)), r = Int(word(bytes, 8)), c = Int(word(bytes, 12))
        guard r == rows && c == cols else {
            throw .badDimensions(path: path, expected: "\(rows)x\(cols)", found: "\(r)x\(c)")
        }
        let expectedBytes = header + count * r * c
        guard bytes.count == expectedBytes else {
            throw .sizeMismatch(path: path, expected: expectedBytes, found: bytes.count)
        }
        guard count == expectedCount else { throw .badRecordCount(path: path, expected: expectedCount, found: count) }
        return (count, header)
    }

    /// Validates a label file: header, size, count and every label in 0..<classes.
    public static func checkLabels(_ bytes: [UInt8], path: String, expectedCount: Int,
                                   classes: Int) throws(DatasetError) -> (count: Int, offset: Int) {
        let header = 8
        guard bytes.count >= header else { throw .sizeMismatch(path: path, expected: header, found: bytes.count) }
        let magic = word(bytes, 0)
        guard magic == labelsMagic else { throw .badMagic(path: path, expected: labelsMagic, found: magic) }
        let count = Int(word(bytes, 4))
        guard bytes.count == header + count else {
            throw .sizeMismatch(path: path, expected: header + count, found: bytes.count)
        }
        guard count == expectedCount else { throw .badRecordCount(path: path, expected: expectedCount, found: count) }
        for i in 0..<count where Int(bytes[header + i]) >= classes {
            throw .labelOutOfRange(path: path, record: i, value: Int(bytes[header + i]))
        }
        return (count, header)
    }

    private static func word(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}
