/// Hidden layer widths of a fully connected ReLU stack, written as
/// `4x2000` (four layers of 2000) or as a list `784-2000-2000`. A list
/// always starts with the input size, which is checked against the data
/// set, so `2000-2000` is never read two ways.
public struct LayerSpec: Equatable, Sendable, CustomStringConvertible {
    public let text: String
    private let repeated: (count: Int, width: Int)?
    private let list: [Int]?

    public init(parsing text: String) throws(TrainingError) {
        self.text = text
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let x = t.firstIndex(of: "x") {
            guard let n = Int(t[..<x]), let w = Int(t[t.index(after: x)...]) else {
                throw .badLayers(text, reason: "expected COUNTxWIDTH, e.g. 4x2000, or a list like 784-2000-2000")
            }
            guard n >= 1, w >= 1 else { throw .badLayers(text, reason: "count and width must be positive") }
            guard n <= 64, w <= 100_000 else { throw .badLayers(text, reason: "at most 64 layers of at most 100000 units") }
            repeated = (n, w)
            list = nil
        } else {
            let parts = t.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else {
                throw .badLayers(text, reason: "expected COUNTxWIDTH, e.g. 4x2000, or a list like 784-2000-2000")
            }
            let values = parts.map { $0! }
            guard values.allSatisfy({ $0 >= 1 && $0 <= 100_000 }) else {
                throw .badLayers(text, reason: "every size must be between 1 and 100000")
            }
            repeated = nil
            list = values
        }
    }

    public static func == (a: LayerSpec, b: LayerSpec) -> Bool { a.text == b.text }

    public var description: String { text }

    /// Hidden widths for a data set with `inputSize` inputs.
    public func hiddenWidths(inputSize: Int) throws(TrainingError) -> [Int] {
        if let r = repeated { return Array(repeating: r.width, count: r.count) }
        let values = list!
        guard values[0] == inputSize else {
            throw .badLayers(text, reason: "a list starts with the input size, \(inputSize) for this data set (found \(values[0]))")
        }
        return Array(values.dropFirst())
    }
}

import Foundation
