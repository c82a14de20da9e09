import CBLAS
import CPool
import Foundation

/// Thin, shape-checked entry points into OpenBLAS. OpenBLAS runs at one
/// thread; a product worth splitting is cut into one block of rows or
/// columns of C per thread of `Pool`, each block a whole OpenBLAS call.
public enum BLAS {
    /// C = alpha * op(A) * op(B) + beta * C, all row-major.
    /// Shapes are checked: a mismatch is a programming error, not bad input.
    public static func gemm(_ a: Matrix, transposeA: Bool = false,
                            _ b: Matrix, transposeB: Bool = false,
                            into c: Matrix, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let kb = transposeB ? b.cols : b.rows
        let n = transposeB ? b.rows : b.cols
        precondition(k == kb, "gemm inner dimensions differ: \(k) vs \(kb)")
        precondition(c.rows == m && c.cols == n, "gemm output is \(c.rows)x\(c.cols), expected \(m)x\(n)")
        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
              alpha: alpha, a: a.data, lda: a.cols, b: b.data, ldb: b.cols,
              beta: beta, c: c.data, ldc: c.cols)
    }

    /// Raw row-major sgemm for sub-blocks (leading dimensions given).
    /// `probed: false` keeps measuring instruments (the canary) out of the
    /// training's GEMM profile.
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, probed: Bool = true) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves C untouched for k = 0 only when beta == 1; make it explicit.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        let probe = GemmProbe.shared
        let timed = probed && probe.isOn
        let start = timed ? Monotonic.now() : 0
        let parts = splitParts(m: m, n: n, k: k)
        if parts == 1 {
            call(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        } else if m >= n {
            // Row blocks of C: rows of op(A).
            Pool.run(parts: parts) { p, parts in
                let r = block(m, part: p, parts: parts)
                call(transposeA, transposeB, r.count, n, k, alpha, transposeA ? a + r.lowerBound : a + r.lowerBound * lda, lda,
                     b, ldb, beta, c + r.lowerBound * ldc, ldc)
            }
        } else {
            // Column blocks of C: columns of op(B).
            Pool.run(parts: parts) { p, parts in
                let r = block(n, part: p, parts: parts)
                call(transposeA, transposeB, m, r.count, k, alpha, a, lda,
                     transposeB ? b + r.lowerBound * ldb : b + r.lowerBound, ldb, beta, c + r.lowerBound, ldc)
            }
        }
        if timed {
            probe.add(GemmShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k),
                      seconds: Monotonic.now() - start)
        }
    }

    /// The fewest multiply-adds a block may hold. OpenBLAS 0.3.21 sends a
    /// product of at most 100^3 to its small-matrix kernels and (at one
    /// thread, with alpha 1 and beta 0, no transposes) one below 28 * 512^2
    /// to its direct kernel; both round differently from its packed path. A
    /// block at least this large takes the packed path, as the whole product
    /// does, so a product gives the same bits at every thread count.
    static let blockMinimum = 28 * 512 * 512

    /// Blocks a product is split into: one per thread, each at least 16 rows
    /// or columns wide and `blockMinimum` multiply-adds.
    static func splitParts(m: Int, n: Int, k: Int) -> Int {
        let threads = BLAS.threads
        let extent = max(m, n), across = m * n * k / extent
        var parts = min(threads, extent / 16)
        // The first blocks are the narrowest (widths round down to 16).
        while parts > 1 && block(extent, part: 0, parts: parts).count * across < blockMinimum { parts -= 1 }
        return max(parts, 1)
    }

    /// Part `part` of `parts` of 0..<extent, every block but the last a multiple of 16 wide.
    static func block(_ extent: Int, part: Int, parts: Int) -> Range<Int> {
        let width = extent / parts / 16 * 16
        return part * width..<(part == parts - 1 ? extent : (part + 1) * width)
    }

    private static func call(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                             _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(max(lda, 1)), b, Int32(max(ldb, 1)),
                    beta, c, Int32(max(ldc, 1)))
    }

    /// Sets the threads products and elementwise work run on. Results do not
    /// depend on the count: a block of a product is computed as in the whole
    /// product, and elementwise work updates each element by itself.
    public static func setThreads(_ n: Int) {
        threadScope.lock(); defer { threadScope.unlock() }
        _ = started
        ffb_pool_set_threads(Int32(n))
    }

    /// Runs `body` at `n` threads and restores the previous count. The count
    /// is one per process, so a scope holds a lock: two scopes on different
    /// threads (tests run concurrently) cannot change it under each other.
    public static func withThreads<T>(_ n: Int, _ body: () throws -> T) rethrows -> T {
        threadScope.lock(); defer { threadScope.unlock() }
        let previous = threads
        setThreads(n)
        defer { setThreads(previous) }
        return try body()
    }

    nonisolated(unsafe) private static let threadScope = NSRecursiveLock()
    public static var threads: Int {
        _ = started
        return Int(ffb_pool_threads())
    }

    /// OpenBLAS's own count at start (OPENBLAS_NUM_THREADS, or the cores)
    /// becomes the pool's; OpenBLAS itself then runs at one thread.
    private static let started: Void = {
        ffb_pool_set_threads(openblas_get_num_threads())
        openblas_set_num_threads(1)
    }()
    public static var config: String { String(cString: openblas_get_config()) }
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
