import Foundation
import Testing
@testable import Tensor

/// The compute threads: products split over them equal one whole product,
/// every part runs once, nested or concurrent use gives the same numbers,
/// and an idle process does not keep a core busy.
@Suite(.serialized) struct PoolTests {
    /// Batch-shaped forward, gradient-below and weight-gradient products, odd sizes, and shapes near the
    /// smallest block (OpenBLAS's small-matrix and direct kernels round differently from its packed path).
    static let shapes: [(m: Int, n: Int, k: Int)] = [(100, 700, 300), (100, 300, 700), (300, 290, 100), (33, 1001, 64), (1000, 40, 50),
                                                     (100, 500, 784), (100, 2000, 500), (20, 256, 205), (512, 512, 4), (100, 10, 2000),
                                                     (101, 1999, 77), (1003, 97, 161), (1003, 97, 151), (2000, 10, 100), (784, 500, 100)]

    static func product(_ s: (m: Int, n: Int, k: Int), _ tA: Bool, _ tB: Bool, seed: UInt64) -> (Matrix, Matrix, Matrix) {
        let a = tA ? Ref.random(s.k, s.m, seed: seed) : Ref.random(s.m, s.k, seed: seed)
        let b = tB ? Ref.random(s.n, s.k, seed: seed + 1) : Ref.random(s.k, s.n, seed: seed + 1)
        return (a, b, Ref.random(s.m, s.n, seed: seed + 2))
    }

    /// A run's numbers must not depend on `--threads`: each block is computed as in the whole product.
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)], [(Float(1), Float(0)), (0.5, 1)])
    func aSplitProductEqualsTheWholeProductToTheBit(transposes: (Bool, Bool), scale: (alpha: Float, beta: Float)) {
        let (transposeA, transposeB) = transposes
        var split = 0
        for (i, s) in Self.shapes.enumerated() {
            let (a, b, c) = Self.product(s, transposeA, transposeB, seed: UInt64(10 * i))
            let whole = Matrix(rows: s.m, cols: s.n, values: c.values)
            BLAS.withThreads(1) {
                BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: whole, alpha: scale.alpha, beta: scale.beta)
            }
            for threads in [2, 3] {
                let parts = Matrix(rows: s.m, cols: s.n, values: c.values)
                BLAS.withThreads(threads) {
                    if BLAS.splitParts(m: s.m, n: s.n, k: s.k) > 1 { split += 1 }
                    BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: parts, alpha: scale.alpha, beta: scale.beta)
                }
                let differing = zip(parts.values, whole.values).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(differing == 0, "\(s) tA=\(transposeA) tB=\(transposeB) at \(threads) threads: \(differing) elements differ")
            }
        }
        #expect(split >= 12, "most shapes must split for the comparison to mean something")
    }

    /// Every block holds at least the smallest packed product, however the widths round.
    @Test func noBlockFallsBelowThePackedPath() {
        for threads in 2...4 {
            BLAS.withThreads(threads) {
                for m in stride(from: 16, through: 2100, by: 29) {
                    for (n, k) in [(10, 2000), (2000, 100), (500, 784), (97, 161)] {
                        let parts = BLAS.splitParts(m: m, n: n, k: k)
                        let extent = max(m, n), across = m * n * k / extent
                        for p in 0..<parts where parts > 1 {
                            #expect(BLAS.block(extent, part: p, parts: parts).count * across >= BLAS.blockMinimum)
                        }
                    }
                }
            }
        }
    }

    @Test func splitProductsAreTheSameOnEveryCallNestedOrNot() {
        let s = (m: 100, n: 700, k: 300)
        let (a, b, c) = Self.product(s, false, true, seed: 7)
        BLAS.withThreads(2) {
            func run() -> [Float] {
                let out = Matrix(rows: s.m, cols: s.n, values: c.values)
                BLAS.gemm(a, b, transposeB: true, into: out)
                return out.values
            }
            let first = run()
            #expect(run() == first)
            // Inside a part the pool is held: the product's parts run one after another on that thread.
            let nested = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: 2)
            defer { nested.deallocate() }
            _ = nested.initialize(from: [[], []])
            Pool.run(parts: 2) { part, _ in nested[part] = run() }
            #expect(nested[0] == first && nested[1] == first)
        }
    }

    @Test func everyPartRunsOnceOnItsOwnThread() {
        BLAS.withThreads(2) {
            let seen = UnsafeMutableBufferPointer<(part: Int, parts: Int, thread: pthread_t?)>.allocate(capacity: 2)
            defer { seen.deallocate() }
            seen.initialize(repeating: (-1, -1, nil))
            Pool.run(parts: 2) { part, parts in seen[part] = (part, parts, pthread_self()) }
            #expect(seen.map(\.part) == [0, 1] && seen.map(\.parts) == [2, 2])
            #expect(seen[0].thread.map { pthread_equal($0, pthread_self()) != 0 } == true, "part 0 runs on the caller")
            #expect(seen[1].thread.map { pthread_equal($0, pthread_self()) == 0 } == true, "part 1 runs on a worker")
        }
    }

    /// OpenBLAS's own workers spun for about 0.1 s after every product; the pool's may spin only briefly.
    @Test func idleWorkersStopUsingTheCPU() {
        BLAS.withThreads(2) {
            // Part 0 holds the pool (nobody else can hand the worker a part) while the worker, done with part 1, idles.
            var used = -1.0
            Pool.run(parts: 2) { part, _ in
                guard part == 0 else { return }
                Thread.sleep(forTimeInterval: 0.05)
                let before = Pool.workerCPUSeconds
                Thread.sleep(forTimeInterval: 0.5)
                used = Pool.workerCPUSeconds - before
            }
            #expect(used >= 0 && used < 0.02, "the idle worker used \(used) s of CPU in 0.5 s")
        }
    }
}
