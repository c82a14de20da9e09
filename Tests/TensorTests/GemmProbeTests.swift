import Foundation
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
        // A product big enough to take measurable time: the probe's seconds
        // are its calls' own, so within the wall time around them.
        let big = Matrix(rows: 256, cols: 256, category: .other, ledger: Ledger())
        let out = Matrix(rows: 256, cols: 256, category: .other, ledger: Ledger())
        let wallStart = Monotonic.now()
        BLAS.gemm(big, big, into: out)
        let wall = Monotonic.now() - wallStart
        let record = probe.stop()
        BLAS.gemm(a, b, into: c)
        #expect(record.calls == [GemmShape(transposeA: false, transposeB: false, m: 3, n: 5, k: 4),
                                 GemmShape(transposeA: true, transposeB: false, m: 4, n: 4, k: 3),
                                 GemmShape(transposeA: false, transposeB: false, m: 256, n: 256, k: 256)])
        let flops: Double = 2 * 3 * 5 * 4 + 2 * 4 * 4 * 3 + 2 * 256 * 256 * 256
        #expect(Double(record.flops) == flops)
        #expect(record.seconds > 0 && record.seconds < wall + 0.05, "probe \(record.seconds) s, wall \(wall) s")
        #expect(probe.stop().calls.count == 3)
    }

    /// The probe is one per process; a product on another thread (a parallel
    /// test, the canary) must not count as part of the step being measured.
    @Test func leavesOutOtherThreadsCalls() {
        let probe = GemmProbe.shared
        probe.start()
        let done = DispatchSemaphore(value: 0)
        Thread {
            let a = Matrix(rows: 7, cols: 2, category: .other, ledger: Ledger())
            let c = Matrix(rows: 7, cols: 7, category: .other, ledger: Ledger())
            BLAS.gemm(a, a, transposeB: true, into: c)
            done.signal()
        }.start()
        done.wait()
        let a = Matrix(rows: 2, cols: 2, category: .other, ledger: Ledger())
        let c = Matrix(rows: 2, cols: 2, category: .other, ledger: Ledger())
        BLAS.gemm(a, a, into: c)
        #expect(probe.stop().calls == [GemmShape(transposeA: false, transposeB: false, m: 2, n: 2, k: 2)])
    }
}
