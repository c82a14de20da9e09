import CGemm
import Dispatch

/// The products of a layer whose weights are kept packed (`ffb_gemm.h`):
/// column panels of 32, the layout the kernel reads, so no product packs
/// them again. At batch 100, OpenBLAS packs the whole 2000 x 2000 weight
/// matrix (16 MB) for 0.8 GFLOP of work on every call; here the weights
/// are written in this layout once, and every later write (the weight
/// gradient, the optimizer's elementwise update) keeps it.
///
/// Each output element is one chain of fused multiply-adds in the inner
/// index's order, so results do not depend on the row count, the thread
/// split or the thread count; they equal OpenBLAS's within float rounding.
public enum PackedGemm {
    public static let panel = Int(FFB_PANEL)

    /// The kernels' builds. Training runs the best the CPU has; tests name
    /// one (a CPU without it runs the best it has below).
    public enum Build: Int32, CaseIterable, Sendable { case generic = 0, avx2 = 1, avx512 = 2 }

    /// The instruction set a build runs on here (nil: the CPU's best).
    public static func instructionSet(_ build: Build? = nil) -> String { String(cString: ffb_gemm_isa(build?.rawValue ?? -1)) }

    /// Rewrites a row-major matrix in place in the packed layout.
    public static func pack(_ w: Matrix) {
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: max(w.count, 1))
        defer { copy.deallocate() }
        copy.update(from: w.data, count: w.count)
        ffb_pack(copy, w.cols, Int32(w.rows), Int32(w.cols), w.data)
    }

    /// A packed matrix's values in row-major order.
    public static func unpacked(_ w: Matrix) -> [Float] {
        var out = [Float](repeating: 0, count: w.count)
        out.withUnsafeMutableBufferPointer { ffb_unpack(w.data, Int32(w.rows), Int32(w.cols), $0.baseAddress!, w.cols) }
        return out
    }

    /// c = a w (+ c when `accumulate`), w packed.
    public static func forward(_ a: Matrix, _ w: Matrix, into c: Matrix, accumulate: Bool = false, build: Build? = nil) {
        precondition(a.cols == w.rows && c.rows == a.rows && c.cols == w.cols, "packed forward: shapes differ")
        let (m, n, k) = (a.rows, w.cols, w.rows)
        timed(GemmShape(transposeA: false, transposeB: false, m: m, n: n, k: k, packed: true)) {
            split(panels(n)) { p0, p1 in
                ffb_gemm_nn(build?.rawValue ?? -1, Int32(m), Int32(n), Int32(k), a.data, a.cols, w.data, c.data, c.cols, accumulate ? 1 : 0, p0, p1)
            }
        }
    }

    /// g = alpha x^T dz + beta g, g packed like the weights it is the gradient of.
    public static func weightGradient(_ x: Matrix, _ dz: Matrix, into g: Matrix, alpha: Float, beta: Float, build: Build? = nil) {
        precondition(x.rows == dz.rows && g.rows == x.cols && g.cols == dz.cols, "packed weight gradient: shapes differ")
        let (rows, k, n) = (x.rows, x.cols, dz.cols)
        timed(GemmShape(transposeA: true, transposeB: false, m: k, n: n, k: rows, packed: true)) {
            split(Int32(k)) { i0, i1 in
                ffb_gemm_tn(build?.rawValue ?? -1, Int32(rows), Int32(k), Int32(n), x.data, x.cols, dz.data, dz.cols, g.data, alpha, beta, i0, i1)
            }
        }
    }

    /// dx = dz w^T, w packed.
    public static func inputGradient(_ dz: Matrix, _ w: Matrix, into dx: Matrix, build: Build? = nil) {
        precondition(dz.cols == w.cols && dx.rows == dz.rows && dx.cols == w.rows, "packed input gradient: shapes differ")
        let (rows, k, n) = (dz.rows, w.rows, w.cols)
        timed(GemmShape(transposeA: false, transposeB: true, m: rows, n: k, k: n, packed: true)) {
            split(Int32(k)) { i0, i1 in
                ffb_gemm_nt(build?.rawValue ?? -1, Int32(rows), Int32(k), Int32(n), dz.data, dz.cols, w.data, dx.data, dx.cols, i0, i1)
            }
        }
    }

    private static func panels(_ n: Int) -> Int32 { Int32((n + panel - 1) / panel) }

    /// [0, count) in near-equal contiguous parts, one per BLAS thread
    /// (the count `--threads` sets), run at once.
    private static func split(_ count: Int32, _ body: (Int32, Int32) -> Void) {
        let parts = Int32(min(BLAS.threads, Int(count)))
        guard parts > 1 else { body(0, count); return }
        withoutActuallyEscaping(body) { escapable in
            // Each part writes only its own outputs.
            nonisolated(unsafe) let part = escapable
            DispatchQueue.concurrentPerform(iterations: Int(parts)) { t in
                let t = Int32(t)
                part(count * t / parts, count * (t + 1) / parts)
            }
        }
    }

    private static func timed(_ shape: GemmShape, _ body: () -> Void) {
        let probe = GemmProbe.shared
        guard probe.isOn else { body(); return }
        let start = Monotonic.now()
        body()
        probe.add(shape, seconds: Monotonic.now() - start)
    }
}
