import Testing
import Tensor

@Suite struct GEMMTests {
    static let cases: [(m: Int, n: Int, k: Int)] = [(1, 1, 1), (1, 7, 3), (5, 1, 9), (13, 17, 1), (31, 29, 37), (64, 3, 100), (2, 200, 11)]

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matchesFloat64Reference(transposeA: Bool, transposeB: Bool) {
        for (index, shape) in Self.cases.enumerated() {
            let (m, n, k) = shape
            let a = transposeA ? Ref.random(k, m, seed: UInt64(index)) : Ref.random(m, k, seed: UInt64(index))
            let b = transposeB ? Ref.random(n, k, seed: UInt64(index + 100)) : Ref.random(k, n, seed: UInt64(index + 100))
            let c = Ref.random(m, n, seed: UInt64(index + 200))
            let c0 = Ref.doubles(c)
            let alpha: Float = 0.75, beta: Float = -0.5
            BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: c, alpha: alpha, beta: beta)

            var expected = [Double](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k {
                        let av = Double(transposeA ? a[p, i] : a[i, p])
                        let bv = Double(transposeB ? b[j, p] : b[p, j])
                        s += av * bv
                    }
                    expected[i * n + j] = Double(alpha) * s + Double(beta) * c0[i * n + j]
                }
            }
            let error = Ref.maxRelativeError(Ref.doubles(c), expected)
            #expect(error < 1e-5 * Double(max(k, 1)), "shape \(shape) tA=\(transposeA) tB=\(transposeB): error \(error)")
        }
    }

    @Test func zeroInnerDimensionScalesByBeta() {
        let a = Matrix(rows: 3, cols: 0, category: .other)
        let b = Matrix(rows: 0, cols: 2, category: .other)
        let c = Matrix(rows: 3, cols: 2, values: [1, 2, 3, 4, 5, 6])
        BLAS.gemm(a, b, into: c, beta: 0.5)
        #expect(c.values == [0.5, 1, 1.5, 2, 2.5, 3])
    }
}
