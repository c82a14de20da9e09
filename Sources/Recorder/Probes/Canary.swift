import CCoreLatency
import Foundation
import Tensor

/// A fixed probe of the machine's speed, in two parts that resemble the
/// work it guards, timed and added:
///
/// - sgemm at the training's batch-100 shape (100×2000 by 2000×2000, a 16 MB
///   weight matrix streamed through the caches as training streams its
///   weights) on every core, the faster of two calls. An FMA-only probe held
///   steady while whole epochs slowed by half.
/// - 20,000 cache-line round trips between two pinned cores. Multi-threaded
///   training hands work between cores many times a batch, and a virtual
///   machine's host may move its cores apart: on this project's 2-core guest
///   a round trip took 50 ns or, for stretches of seconds, 340 ns, and a
///   two-thread chain of 2x500 training products took 120–130 ms or 175–230
///   ms with it, while the sgemm part and a one-core loop held steady
///   (docs/analysis.md). 1 ms of the probe near, 7 ms far.
///
/// Its buffers are mapped for the measurement and unmapped after it, so it
/// adds nothing to a run's RSS between measurements.
public enum Canary {
    public static let m = 100, n = 2000, k = 2000
    public static let repeats = 2
    public static let roundTrips: Int32 = 20_000
    /// Cores the first one is paired with (the slowest pair counts).
    static let partners: Int32 = 3

    /// Seconds of the fastest of `repeats` sgemm calls (page faults and
    /// filling excluded) plus those of `roundTrips` round trips between the
    /// slowest pair of the first core and up to three others.
    public static func measure() -> Double {
        sgemmSeconds() + Double(roundTrips) * roundTripNanoseconds() * 1e-9
    }

    /// Nanoseconds per round trip between the slowest pair of cores (0 on one
    /// core, or where a thread cannot be pinned).
    public static func roundTripNanoseconds() -> Double { max(0, ffb_core_round_trip_ns(roundTrips, partners)) }

    static func sgemmSeconds() -> Double {
        let counts = [m * k, k * n, m * n]
        let bytes = counts.map { $0 * MemoryLayout<Float>.stride }
        let maps = bytes.map { mmap(nil, $0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) }
        defer { for (p, size) in zip(maps, bytes) where p != MAP_FAILED { munmap(p, size) } }
        guard maps.allSatisfy({ $0 != MAP_FAILED && $0 != nil }) else { return .nan }
        let (a, b, c) = (maps[0]!.assumingMemoryBound(to: Float.self), maps[1]!.assumingMemoryBound(to: Float.self),
                         maps[2]!.assumingMemoryBound(to: Float.self))
        for i in 0..<counts[0] { a[i] = Float(i % 7) * 0.01 }
        for i in 0..<counts[1] { b[i] = Float(i % 5) * 0.01 }
        return BLAS.withThreads(MachineCPU.cores) {
            var best = Double.infinity
            for _ in 0..<repeats {
                let start = Monotonic.now()
                BLAS.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                           a: UnsafePointer(a), lda: k, b: UnsafePointer(b), ldb: n, beta: 0, c: c, ldc: n, probed: false)
                best = min(best, Monotonic.now() - start)
            }
            return best
        }
    }

    /// The machine's quiet reference: the fastest of `count` canaries.
    public static func reference(count: Int = 5) -> Double {
        (0..<count).map { _ in measure() }.min() ?? .nan
    }
}
