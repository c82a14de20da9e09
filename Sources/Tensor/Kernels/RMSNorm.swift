import Foundation

extension Kernels {
    /// Hinton's `ffnormrows`: y = x / (rms(x) + tiny), rms(x) = sqrt(mean_j x_j^2),
    /// so each row's activities average 1 per unit and only their direction
    /// passes to the next layer. `rms[r]` keeps rms(x) for the backward pass.
    public static let rmsTiny: Float = 1e-20

    public static func rmsNormalizeRows(_ x: Matrix, into y: Matrix, rms: UnsafeMutablePointer<Float>) {
        precondition(x.rows == y.rows && x.cols == y.cols, "shape mismatch")
        let n = x.cols
        let invN = 1 / Float(n)
        for r in 0..<x.rows {
            let xp = x.row(r), yp = y.row(r)
            let s = dot(xp, xp, count: n)
            let root = (s * invN).squareRoot()
            rms[r] = root
            let inv = 1 / (root + rmsTiny)
            for j in 0..<n { yp[j] = xp[j] * inv }
        }
    }

    /// Backward of `rmsNormalizeRows`. With s = rms + tiny and y = x / s:
    /// dx_j = dy_j / s - x_j * (sum_i dy_i x_i) / (n * rms * s^2).
    public static func rmsNormalizeRowsBackward(dy: Matrix, x: Matrix, rms: UnsafePointer<Float>, into dx: Matrix) {
        precondition(dy.rows == x.rows && dy.cols == x.cols && dx.rows == x.rows && dx.cols == x.cols,
                     "shape mismatch")
        let n = x.cols
        for r in 0..<x.rows {
            let xp = x.row(r), gp = dy.row(r), op = dx.row(r)
            let root = rms[r]
            let s = root + rmsTiny
            let dot = dot(gp, xp, count: n)
            let invS = 1 / s
            // rms = 0 means x = 0: the projection term vanishes with x.
            let proj = root > 0 ? dot / (Float(n) * root * s * s) : 0
            for j in 0..<n { op[j] = gp[j] * invS - xp[j] * proj }
        }
    }
}
