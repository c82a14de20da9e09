/// The CIFAR-10 binary format: headerless records of one label byte and
/// 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue, row-major 32x32).
public enum CIFAR {
    public static let pixelsPerRecord = 3072
    public static let recordBytes = 1 + pixelsPerRecord

    /// Validates size, record count and labels; returns the record count.
    public static func checkBatch(_ bytes: [UInt8], path: String, expectedCount: Int,
                                  classes: Int) throws(DatasetError) -> Int {
        let expectedBytes = expectedCount * recordBytes
        guard bytes.count == expectedBytes else {
            throw .sizeMismatch(path: path, expected: expectedBytes, found: bytes.count)
        }
        for i in 0..<expectedCount where Int(bytes[i * recordBytes]) >= classes {
            throw .labelOutOfRange(path: path, record: i, value: Int(bytes[i * recordBytes]))
        }
        return expectedCount
    }
}
