import Foundation
import Tensor
@testable import Training

/// A float64 re-implementation of the forward computations, for finite
/// differences. Rows are examples.
enum F64 {
    typealias Rows = [[Double]]

    /// A batch of uniform pixels and labels 1, 4, 7, 0, … for the gradient checks.
    static func batch(rows: Int, inputs: Int, seed: UInt64) -> (Matrix, [Int32]) {
        var rng = RNG(seed: seed)
        let x = Matrix(rows: rows, cols: inputs, category: .other, ledger: Ledger())
        for i in 0..<x.count { x.data[i] = rng.uniformFloat() }
        return (x, (0..<rows).map { Int32(($0 * 3 + 1) % 10) })
    }

    static func matrix(_ m: Matrix) -> Rows {
        (0..<m.rows).map { r in (0..<m.cols).map { Double(m[r, $0]) } }
    }

    static func normRows(_ x: Rows) -> Rows {
        x.map { row in
            let rms = (row.reduce(0) { $0 + $1 * $1 } / Double(row.count)).squareRoot()
            return row.map { $0 / (rms + Double(Kernels.rmsTiny)) }
        }
    }

    static func dense(_ x: Rows, _ w: Rows, _ b: [Double], relu: Bool) -> Rows {
        x.map { row in
            (0..<b.count).map { j in
                var s = b[j]
                for i in row.indices { s += row[i] * w[i][j] }
                return relu ? max(0, s) : s
            }
        }
    }

    static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }

    /// Mean over rows of the FF layer loss of one kind of example.
    static func ffLoss(_ h: Rows, positive: Bool, threshold: Double) -> Double {
        h.reduce(0) { acc, row in
            let g = row.reduce(0) { $0 + $1 * $1 }
            return acc + softplus(positive ? -(g - threshold) : g - threshold)
        } / Double(h.count)
    }

    /// Mean cross-entropy of softmax(logits).
    static func crossEntropy(_ logits: Rows, _ labels: [Int]) -> Double {
        zip(logits, labels).reduce(0) { acc, pair in
            let (z, y) = pair
            let m = z.max()!
            return acc + log(z.reduce(0) { $0 + exp($1 - m) }) - (z[y] - m)
        } / Double(logits.count)
    }

    /// Max |a - b| over max |b|: a relative error that ignores tiny entries' noise.
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, 1e-12)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    /// Central differences of f with respect to each entry of w.
    static func gradient(_ w: Rows, h: Double = 1e-6, _ f: (Rows) -> Double) -> [Double] {
        var out: [Double] = []
        var p = w
        for i in w.indices {
            for j in w[i].indices {
                p[i][j] = w[i][j] + h
                let up = f(p)
                p[i][j] = w[i][j] - h
                let down = f(p)
                p[i][j] = w[i][j]
                out.append((up - down) / (2 * h))
            }
        }
        return out
    }

    /// A locally connected layer, written from its definition: unit u at
    /// location (i, j) sums its weights times the map below over the
    /// field centred on (i, j), zero outside. `planar`: the rows are
    /// channel-major (an image); else channels last.
    static func local(_ x: Rows, _ s: LocalShape, planar: Bool, _ w: Rows, _ b: [Double], relu: Bool) -> Rows {
        let (h, wd, cin, k) = (s.height, s.width, s.inChannels, s.field)
        let pad = (k - 1) / 2
        return x.map { row in
            func at(_ y: Int, _ x: Int, _ c: Int) -> Double {
                guard y >= 0, y < h, x >= 0, x < wd else { return 0 }
                return planar ? row[c * h * wd + y * wd + x] : row[(y * wd + x) * cin + c]
            }
            var out = [Double](repeating: 0, count: s.outputs)
            for i in 0..<h {
                for j in 0..<wd {
                    for o in 0..<s.units {
                        let u = (i * wd + j) * s.units + o
                        var sum = b[u], p = 0
                        for dy in 0..<k { for dx in 0..<k { for c in 0..<cin {
                            sum += at(i + dy - pad, j + dx - pad, c) * w[u][p]
                            p += 1
                        } } }
                        out[u] = relu ? max(0, sum) : sum
                    }
                }
            }
            return out
        }
    }
}
