/// Mistakes in a training request, each one line naming the option by its
/// spec key (`batch-size`); a command line words it as a flag (`asFlag`).
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case badLayers(String, reason: String)
    /// `quoted`: the value is shown in quotes (text), or bare (a number out of range).
    case badValue(option: String, value: String, expected: String, quoted: Bool = true)
    case batchTooLarge(batch: Int, trainingSet: Int)
    case unknownOption(String, known: [String])
    case missingValue(String)

    public var description: String { worded(prefix: "") }

    /// "--layers '4by2000': …", for a command line.
    public var asFlag: String { worded(prefix: "--") }

    public func worded(prefix: String) -> String {
        switch self {
        case .badLayers(let text, let reason):
            return "\(prefix)layers '\(text)': \(reason)"
        case .badValue(let option, let value, let expected, let quoted):
            return quoted ? "\(prefix)\(option) '\(value)': expected \(expected)" : "\(prefix)\(option) \(value): expected \(expected)"
        case .batchTooLarge(let batch, let size):
            return "\(prefix)batch-size \(batch) is larger than the training set (\(size) images)"
        case .missingValue(let name):
            return "\(prefix)\(name): expected a value"
        case .unknownOption(let name, let known):
            return "\(prefix)\(name): unknown option (expected one of: \(known.joined(separator: ", ")))"
        }
    }
}
