/// Hidden layers: a fully connected ReLU stack, written as `4x2000` (four
/// layers of 2000) or as a list `784-2000-2000`, or a locally connected
/// one (`LocalStack`): `lc2`, `lc3`, `lc2:3x11`. A list always starts with
/// the input size, which is checked against the data set, so `2000-2000`
/// is never read two ways.
public struct LayerSpec: Equatable, Sendable, CustomStringConvertible {
    public let text: String
    private let repeated: (count: Int, width: Int)?
    private let list: [Int]?
    /// Set for a locally connected stack.
    public let local: LocalStack?

    public init(parsing text: String) throws(TrainingError) {
        self.text = text
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasPrefix("lc") {
            local = try LocalStack(parsing: t, text: text)
            (repeated, list) = (nil, nil)
            return
        }
        local = nil
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

    /// Hidden widths for a data set of images of `image` (height, width, channels).
    public func hiddenWidths(image: (Int, Int, Int)) throws(TrainingError) -> [Int] {
        if let local { return local.shapes(image: image).map(\.outputs) }
        return try hiddenWidths(inputSize: image.0 * image.1 * image.2)
    }

    /// Hidden widths for a data set with `inputSize` inputs (a fully connected stack).
    public func hiddenWidths(inputSize: Int) throws(TrainingError) -> [Int] {
        if let local {
            throw .badLayers(text, reason: "\(local.layers) locally connected layers need the image's shape, not only its \(inputSize) inputs")
        }
        if let r = repeated { return Array(repeating: r.width, count: r.count) }
        let values = list!
        guard values[0] == inputSize else {
            throw .badLayers(text, reason: "a list starts with the input size, \(inputSize) for this data set (found \(values[0]))")
        }
        return Array(values.dropFirst())
    }
}

import Foundation

/// A locally connected stack (Hinton 2022, CIFAR-10): `layers` maps of the
/// image's height x width with `units` ReLUs per location, each with its
/// own `field` x `field` receptive field in the map below. `lc2` and `lc3`
/// are the paper's (3 units, 11 x 11); `lcN:UxK` any other.
public struct LocalStack: Equatable, Sendable {
    public let layers: Int, units: Int, field: Int

    public static let paperUnits = 3, paperField = 11

    init(parsing t: String, text: String) throws(TrainingError) {
        let form = "expected lc2, lc3 or lcN:UxK (N layers of U units per location with K x K fields, K odd), e.g. lc2:3x11"
        let body = t.dropFirst(2)
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard let n = Int(parts[0]), parts.count <= 2 else { throw .badLayers(text, reason: form) }
        var (units, field) = (Self.paperUnits, Self.paperField)
        if parts.count == 2 {
            let uk = parts[1].split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard uk.count == 2, let u = uk[0], let k = uk[1] else { throw .badLayers(text, reason: form) }
            (units, field) = (u, k)
        }
        guard (1...8).contains(n), (1...64).contains(units), field >= 1, field <= 31, field % 2 == 1 else {
            throw .badLayers(text, reason: "1 to 8 layers of 1 to 64 units per location, with an odd field of 1 to 31")
        }
        (layers, self.units, self.field) = (n, units, field)
    }

    /// Each layer's shape over an image of (height, width, channels).
    public func shapes(image: (Int, Int, Int)) -> [LocalShape] {
        (0..<layers).map { l in
            LocalShape(height: image.0, width: image.1, inChannels: l == 0 ? image.2 : units, units: units, field: field)
        }
    }
}
