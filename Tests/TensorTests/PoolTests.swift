import Foundation
import Testing
@testable import Tensor

/// The compute threads: products split over them equal one whole product,
/// every part runs once, nested or concurrent use gives the same numbers,
/// and an idle process does not keep a core busy.
@Suite(.serialized) struct PoolTests {
    /// Shapes large enough to split: batch-shaped forward, gradient-below and weight-gradient products, and odd sizes.
    static let shapes: [(m: Int, n: Int, k: Int)] = [(100, 700, 300), (100, 300, 700), (300, 290, 100), (33, 1001, 64), (1000, 40, 50),
                                                     (100, 500, 784), (100, 2000, 500), (20, 256, 205), (512, 512, 4), (100, 10, 2000)]

    static func product(_ s: (m: Int, n: Int, k: Int), _ tA: Bool, _ tB: Bool, seed: UInt64) -> (Matrix, Matrix, Matrix) {
        let a = tA ? Ref.random(s.k, s.m, seed: seed) : Ref.random(s.m, s.k, seed: seed)
        let b = tB ? Ref.random(s.n, s.k, seed: seed + 1) : Ref.random(s.k, s.n, seed: seed + 1)
        return (a, b, Ref.random(s.m, s.n, seed: seed + 2))
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func aSplitProductEqualsTheWholeProductWithinRounding(transposeA: Bool, transposeB: Bool) {
        for (i, s) in Self.shapes.enumerated() {
            let (a, b, c) = Self.product(s, transposeA, transposeB, seed: UInt64(10 * i))
            let whole = Matrix(rows: s.m, cols: s.n, values: c.values), split = Matrix(rows: s.m, cols: s.n, values: c.values)
            BLAS.withThreads(1) { BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: whole, alpha: 0.5, beta: 1) }
            BLAS.withThreads(2) {
                #expect(BLAS.threads == 2)
                BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: split, alpha: 0.5, beta: 1)
            }
            // Each element is one OpenBLAS dot product either way, and most shapes give the whole product to
            // the bit; a block may take another of OpenBLAS's paths (a 50-row half of 100x10x2000 does), which
            // rounds differently.
            let error = Ref.maxRelativeError(Ref.doubles(split), Ref.doubles(whole))
            #expect(error <= 4 * Double(s.k) * Double(Float.ulpOfOne), "\(s) tA=\(transposeA) tB=\(transposeB): \(error)")
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
