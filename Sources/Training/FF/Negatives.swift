import Tensor

/// Chooses a wrong label for every image: never the true one.
enum NegativeLabels {
    /// Uniform among the nine wrong labels.
    static func random(_ out: UnsafeMutablePointer<Int32>, labels: UnsafePointer<Int32>, count: Int,
                       classes: Int, rng: inout RNG) {
        for r in 0..<count {
            let k = rng.int(below: classes - 1)
            out[r] = Int32(k >= Int(labels[r]) ? k + 1 : k)
        }
    }

    /// Hinton's `choosefrom(softmax(logits - 1000 * targets))`: sample from
    /// the head's predicted distribution with the true label's mass removed
    /// (exp(-1000) is exactly 0 in float). `probs` holds softmax rows.
    static func hard(_ out: UnsafeMutablePointer<Int32>, labels: UnsafePointer<Int32>, probs: Matrix,
                     rng: inout RNG) {
        let classes = probs.cols
        for r in 0..<probs.rows {
            let p = probs.row(r)
            let truth = Int(labels[r])
            var total: Float = 0
            for j in 0..<classes where j != truth { total += p[j] }
            var pick = -1
            if total > 0 {
                var u = rng.uniformFloat() * total
                for j in 0..<classes where j != truth {
                    u -= p[j]
                    if u < 0 { pick = j; break }
                }
            }
            if pick < 0 {
                // All wrong labels had zero mass (or rounding left u >= 0):
                // take the last wrong label with mass, else a uniform one.
                pick = (0..<classes).last { $0 != truth && p[$0] > 0 } ?? -1
                if pick < 0 {
                    let k = rng.int(below: classes - 1)
                    pick = k >= truth ? k + 1 : k
                }
            }
            out[r] = Int32(pick)
        }
    }
}
