import Tensor

/// Writes labels into the first ten inputs of each row, as in Hinton's FF:
/// a one-hot label with `value` at the label's place, or a neutral label
/// of value / 10 in all ten places (for the one-pass softmax).
enum LabelOverlay {
    static let places = 10

    static func oneHot(_ x: Matrix, labels: UnsafePointer<Int32>, value: Float) {
        for r in 0..<x.rows {
            let p = x.row(r)
            for j in 0..<places { p[j] = 0 }
            p[Int(labels[r])] = value
        }
    }

    static func neutral(_ x: Matrix, value: Float) {
        let v = value / Float(places)
        for r in 0..<x.rows {
            let p = x.row(r)
            for j in 0..<places { p[j] = v }
        }
    }
}
