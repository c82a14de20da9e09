import Tensor

/// Float64 references and random inputs shared by the kernel tests.
enum Ref {
    /// Shapes that include 1-row, 1-column and odd sizes.
    static let shapes: [(Int, Int)] = [(1, 1), (1, 7), (9, 1), (3, 5), (17, 31), (64, 100), (5, 257)]

    static func random(_ rows: Int, _ cols: Int, seed: UInt64, scale: Float = 1) -> Matrix {
        var rng = RNG(seed: seed)
        let m = Matrix(rows: rows, cols: cols, category: .other)
        for i in 0..<m.count { m.data[i] = Float(rng.normal()) * scale }
        return m
    }

    static func doubles(_ m: Matrix) -> [Double] { m.values.map(Double.init) }

    /// Largest |a - b| / max(1, |b|).
    static func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        var worst = 0.0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
        return worst
    }

    /// Central finite differences of a float64 function.
    static func gradient(of f: ([Double]) -> Double, at x: [Double], h: Double = 1e-6) -> [Double] {
        var g = [Double](repeating: 0, count: x.count)
        var xp = x
        for i in x.indices {
            xp[i] = x[i] + h
            let up = f(xp)
            xp[i] = x[i] - h
            let down = f(xp)
            xp[i] = x[i]
            g[i] = (up - down) / (2 * h)
        }
        return g
    }

    static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }
}

import Foundation
