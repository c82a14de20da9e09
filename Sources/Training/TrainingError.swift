/// Mistakes in a training request, each one line naming the option.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case badLayers(String, reason: String)
    case badValue(option: String, value: String, expected: String)
    case batchTooLarge(batch: Int, trainingSet: Int)

    public var description: String {
        switch self {
        case .badLayers(let text, let reason):
            return "--layers '\(text)': \(reason)"
        case .badValue(let option, let value, let expected):
            return "\(option) '\(value)': expected \(expected)"
        case .batchTooLarge(let batch, let size):
            return "--batch-size \(batch) is larger than the training set (\(size) images)"
        }
    }
}
