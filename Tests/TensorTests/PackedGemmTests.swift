import Foundation
import Testing
@testable import Tensor

/// The packed kernels against OpenBLAS and a float64 product: equal within
/// float rounding, and each output element computed the same way whatever
/// the rows, the thread split or the instruction set.
@Suite struct PackedGemmTests {
    static func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
        let m = Matrix(rows: rows, cols: cols, category: .other, ledger: Ledger())
        var rng = RNG(seed: seed)
        rng.fillNormal(m, std: 1)
        return m
    }

    static func packed(_ m: Matrix) -> Matrix {
        let p = Matrix(rows: m.rows, cols: m.cols, values: m.values, category: .other, ledger: Ledger())
        PackedGemm.pack(p)
        return p
    }

    /// |got - float64| against the rounding bound of an inner product of
    /// length k in float32: k * eps * sum |a_i b_i| (plus a tiny absolute term).
    static func withinRounding(_ got: [Float], _ exact: [Double], _ magnitude: [Double], k: Int) -> Bool {
        let eps = Double(Float.ulpOfOne)
        return zip(got, zip(exact, magnitude)).allSatisfy { g, em in
            abs(Double(g) - em.0) <= Double(k) * eps * em.1 + 1e-30
        }
    }

    /// c = op(a) op(b) in float64, and the sums of |products| bounding its rounding.
    static func reference(_ a: Matrix, transposeA: Bool, _ b: Matrix, transposeB: Bool) -> (value: [Double], magnitude: [Double], m: Int, n: Int, k: Int) {
        let m = transposeA ? a.cols : a.rows, k = transposeA ? a.rows : a.cols, n = transposeB ? b.rows : b.cols
        var value = [Double](repeating: 0, count: m * n), magnitude = value
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0, t = 0.0
                for p in 0..<k {
                    let x = Double(transposeA ? a[p, i] : a[i, p]) * Double(transposeB ? b[j, p] : b[p, j])
                    s += x
                    t += abs(x)
                }
                value[i * n + j] = s
                magnitude[i * n + j] = t
            }
        }
        return (value, magnitude, m, n, k)
    }

    @Test(arguments: [(7, 5), (37, 32), (19, 70), (3, 2000)])
    func packingRoundTripsAndKeepsTheElementCount(k: Int, n: Int) {
        let w = Self.random(k, n, seed: 3)
        let p = Self.packed(w)
        #expect(PackedGemm.unpacked(p) == w.values)
        // Panel 0's second row starts 32 floats in (or n, for a single narrow panel).
        #expect(p.data[min(n, PackedGemm.panel)] == w[1, 0])
    }

    @Test(arguments: PackedGemm.Build.allCases)
    func eachProductEqualsFloat64WithinRoundingAndOpenBLASWithinTwiceThat(build: PackedGemm.Build) {
        // Rows that split into uneven tiles, a narrow last panel, an inner dimension past any unrolling.
        for (m, k, n) in [(1, 3, 5), (13, 70, 45), (100, 300, 200), (25, 33, 64)] {
            let a = Self.random(m, k, seed: 1), w = Self.random(k, n, seed: 2), pw = Self.packed(w)
            let c = Matrix(rows: m, cols: n, category: .other, ledger: Ledger())
            let blas = Matrix(rows: m, cols: n, category: .other, ledger: Ledger())
            PackedGemm.forward(a, pw, into: c, build: build)
            BLAS.gemm(a, w, into: blas)
            let f = Self.reference(a, transposeA: false, w, transposeB: false)
            #expect(Self.withinRounding(c.values, f.value, f.magnitude, k: k), "forward \(m)x\(k)x\(n)")
            #expect(Self.withinRounding(c.values, blas.values.map(Double.init), f.magnitude.map { 2 * $0 }, k: k))

            // The gradient below: dx = dz w^T.
            let dz = Self.random(m, n, seed: 4)
            let dx = Matrix(rows: m, cols: k, category: .other, ledger: Ledger())
            PackedGemm.inputGradient(dz, pw, into: dx, build: build)
            let d = Self.reference(dz, transposeA: false, w, transposeB: true)
            #expect(Self.withinRounding(dx.values, d.value, d.magnitude, k: n), "input gradient \(m)x\(n)x\(k)")

            // The weight gradient, packed: g = 0.5 a^T dz + 0.25 g.
            let g0 = Self.random(k, n, seed: 5), g = Self.packed(g0)
            PackedGemm.weightGradient(a, dz, into: g, alpha: 0.5, beta: 0.25, build: build)
            let t = Self.reference(a, transposeA: true, dz, transposeB: false)
            let expected = zip(t.value, g0.values).map { 0.5 * $0 + 0.25 * Double($1) }
            let bound = zip(t.magnitude, g0.values).map { 0.5 * $0 + 0.25 * abs(Double($1)) }
            #expect(Self.withinRounding(PackedGemm.unpacked(g), expected, bound, k: m + 1), "weight gradient \(k)x\(m)x\(n)")
        }
    }

    /// What makes stacked passes and thread counts safe: a row's product
    /// does not depend on the other rows, nor on how columns are split.
    @Test func rowsAndThreadSplitsDoNotChangeAnyValue() {
        let a = Self.random(200, 500, seed: 6), w = Self.packed(Self.random(500, 300, seed: 7))
        let whole = Matrix(rows: 200, cols: 300, category: .other, ledger: Ledger())
        let top = Matrix(rows: 100, cols: 300, category: .other, ledger: Ledger())
        let oneThread = Matrix(rows: 200, cols: 300, category: .other, ledger: Ledger())
        BLAS.withThreads(2) { PackedGemm.forward(a, w, into: whole) }
        PackedGemm.forward(Matrix(viewOf: a, rows: 100, cols: 500), w, into: top)
        BLAS.withThreads(1) { PackedGemm.forward(a, w, into: oneThread) }
        #expect(Array(whole.values.prefix(100 * 300)) == top.values)
        #expect(whole.values == oneThread.values)
    }

    /// AVX2 and AVX-512 run the same fused multiply-add chains: identical results.
    @Test func theVectorBuildsAgreeToTheBit() {
        let a = Self.random(30, 100, seed: 8), w = Self.packed(Self.random(100, 75, seed: 9))
        let wide = Matrix(rows: 30, cols: 75, category: .other, ledger: Ledger())
        let narrow = Matrix(rows: 30, cols: 75, category: .other, ledger: Ledger())
        PackedGemm.forward(a, w, into: wide, build: .avx512)
        PackedGemm.forward(a, w, into: narrow, build: .avx2)
        #expect(wide.values == narrow.values)
    }
}
