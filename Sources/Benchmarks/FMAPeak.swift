import CLocal
import Dispatch
import Foundation
import Tensor
import Training

/// The machine's fused multiply-add peak: independent FMA chains on the
/// widest vectors the CPU has (AVX2 here), one chain set per thread. The
/// honest ceiling for any float32 kernel, measured beside the work it judges.
public struct FMAPeak: Codable, Sendable {
    public let threads: Int
    /// Best of the rounds: GFLOP/s over all threads.
    public let gflops: Double
    public let instructionSet: String

    enum CodingKeys: String, CodingKey {
        case threads, gflops
        case instructionSet = "instruction_set"
    }

    /// Best of `rounds` rounds of about 0.1 s each.
    public static func measure(threads: Int, rounds: Int = 5) -> FMAPeak {
        let iterations = 2_000_000
        // OpenBLAS's workers spin for a while after a product; a probe started
        // under them would measure a shared core (it once gave one core's peak
        // for two threads).
        Thread.sleep(forTimeInterval: 0.3)
        var best = 0.0
        for _ in 0..<rounds {
            let start = Monotonic.now()
            // The probe counts its own operations; every thread does the same.
            nonisolated(unsafe) var flops = 0.0
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var sink: Float = 0 // written by the probe, so its chains are not optimised away
                let done = ffb_fma_peak(iterations, &sink)
                if t == 0 { flops = done }
            }
            let seconds = Monotonic.now() - start
            best = max(best, Double(threads) * flops / seconds / 1e9)
        }
        return FMAPeak(threads: threads, gflops: best, instructionSet: LocalLayer.instructionSet)
    }
}
