import Testing
@testable import Tensor

@Suite(.serialized) struct GemmProbeTests {
    @Test func recordsEveryCallsShapeOnlyWhileOn() {
        let a = Matrix(rows: 3, cols: 4, category: .other, ledger: Ledger())
        let b = Matrix(rows: 4, cols: 5, category: .other, ledger: Ledger())
        let c = Matrix(rows: 3, cols: 5, category: .other, ledger: Ledger())
        let t = Matrix(rows: 4, cols: 4, category: .other, ledger: Ledger())
        BLAS.gemm(a, b, into: c)
        let probe = GemmProbe.shared
        probe.start()
        BLAS.gemm(a, b, into: c)
        BLAS.gemm(a, transposeA: true, a, into: t)
        let record = probe.stop()
        BLAS.gemm(a, b, into: c)
        #expect(record.calls == [GemmShape(transposeA: false, transposeB: false, m: 3, n: 5, k: 4),
                                 GemmShape(transposeA: true, transposeB: false, m: 4, n: 4, k: 3)])
        #expect(record.flops == 2 * 3 * 5 * 4 + 2 * 4 * 4 * 3)
        #expect(record.seconds >= 0)
        #expect(probe.stop().calls.count == 2)
    }
}
