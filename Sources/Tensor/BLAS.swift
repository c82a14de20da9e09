import CBLAS
import Foundation

/// Thin, shape-checked entry points into OpenBLAS.
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
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(max(lda, 1)), b, Int32(max(ldb, 1)),
                    beta, c, Int32(max(ldc, 1)))
        if timed {
            probe.add(GemmShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k),
                      seconds: Monotonic.now() - start)
        }
    }

    /// Sets OpenBLAS's worker threads. Results are bit-identical between
    /// runs at the same count, but not between counts (OpenBLAS splits the
    /// products differently).
    public static func setThreads(_ n: Int) {
        threadScope.lock(); defer { threadScope.unlock() }
        openblas_set_num_threads(Int32(n))
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
    public static var threads: Int { Int(openblas_get_num_threads()) }
    public static var config: String { String(cString: openblas_get_config()) }
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
