/// Everything that can be wrong with a data set's files, each rendered as
/// one line that names the file and the problem.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case unknownDataset(String)
    case notFound(dataset: String, searched: [String], hint: String)
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case corruptCompressed(path: String, reason: String)
    case tooLarge(path: String, limit: Int)
    case badMagic(path: String, expected: UInt32, found: UInt32)
    case badDimensions(path: String, expected: String, found: String)
    case sizeMismatch(path: String, expected: Int, found: Int)
    case badRecordCount(path: String, expected: Int, found: Int)
    case labelOutOfRange(path: String, record: Int, value: Int)
    case checksumMismatch(path: String, expected: String, found: String)
    case classCounts(path: String, expected: [Int], found: [Int])
    case badSplit(String)
    case download(url: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownDataset(let name):
            return "unknown data set '\(name)' (expected one of: \(DatasetID.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .notFound(let dataset, let searched, let hint):
            return "\(dataset): not found (searched \(searched.joined(separator: ", "))); \(hint)"
        case .missingFile(let path):
            return "\(path): file missing"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .tooLarge(let path, let limit):
            return "\(path): larger than expected (more than \(limit) bytes once decompressed); the file is damaged or not this data set's"
        case .corruptCompressed(let path, let reason):
            return "\(path): corrupt gzip data: \(reason)"
        case .badMagic(let path, let expected, let found):
            return "\(path): wrong magic number 0x\(hex(found)), expected 0x\(hex(expected))"
        case .badDimensions(let path, let expected, let found):
            return "\(path): dimensions \(found), expected \(expected)"
        case .sizeMismatch(let path, let expected, let found):
            let what = found < expected ? "truncated" : "too long"
            return "\(path): \(what): header implies \(expected) bytes, file has \(found)"
        case .badRecordCount(let path, let expected, let found):
            return "\(path): \(found) records, expected \(expected)"
        case .labelOutOfRange(let path, let record, let value):
            return "\(path): label \(value) of record \(record) is outside 0-9"
        case .checksumMismatch(let path, let expected, let found):
            return "\(path): SHA-256 mismatch: expected \(expected), found \(found)"
        case .classCounts(let path, let expected, let found):
            return "\(path): class counts \(found), expected \(expected)"
        case .badSplit(let message):
            return "validation split: \(message)"
        case .download(let url, let reason):
            return "\(url): download failed: \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write: \(reason)"
        }
    }

    /// True when the user's input (files, names, options) is at fault rather
    /// than the machine (network, disk); the command line maps it to exit 2.
    public var isInputError: Bool {
        switch self {
        case .download, .writeFailed: false
        default: true
        }
    }
}

private func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}
