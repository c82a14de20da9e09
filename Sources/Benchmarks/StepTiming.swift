import Datasets
import Tensor
import Training

/// Training steps of one model timed one by one, with the GEMM calls they
/// make and the time spent inside BLAS.
public struct StepTiming: Codable, Sendable {
    public var steps: Int
    /// Mean wall time of one step (forward, gradients, optimizer update).
    public var stepSeconds: Double
    /// Mean time per step spent inside `cblas_sgemm`.
    public var gemmSeconds: Double
    /// The GEMM calls of one step, in order.
    public var calls: [GemmShape]
    /// Ledger allocations made by the steps after the first (must be 0).
    public var allocationsAfterFirstStep: Int

    public var flops: Double { calls.reduce(0) { $0 + $1.flops } }
    public var outsideGemmShare: Double { 1 - gemmSeconds / stepSeconds }

    enum CodingKeys: String, CodingKey {
        case steps, calls
        case stepSeconds = "step_seconds"
        case gemmSeconds = "gemm_seconds_per_step"
        case allocationsAfterFirstStep = "allocations_after_first_step"
    }

    /// One warm-up step (whose GEMM calls are recorded), then at least
    /// `steps` timed steps, and at least `minSeconds` of them (small models
    /// take milliseconds a step; a few would be all noise), on the
    /// following batches of the shuffled training set.
    public static func measure(_ model: Model, data: Dataset, batchSize: Int, steps: Int, minSeconds: Double = 0,
                               ledger: Ledger) -> StepTiming {
        let batches = BatchIterator(source: data.train, batchSize: batchSize, shuffleSeed: 1, dropLast: true, ledger: ledger)
        batches.startEpoch(1)
        let probe = GemmProbe.shared
        func step() {
            if batches.next() == nil { batches.startEpoch(2); _ = batches.next() }
            _ = model.trainBatch(batches.x, labels: batches.labels, learningRateScale: 1)
        }
        probe.start()
        step()
        let calls = probe.stop().calls
        let allocations = ledger.allocationCount
        probe.start()
        let start = Monotonic.now()
        var done = 0
        while done < steps || Monotonic.now() - start < minSeconds {
            step()
            done += 1
        }
        let seconds = Monotonic.now() - start
        let inGemm = probe.stop().seconds
        return StepTiming(steps: done, stepSeconds: seconds / Double(done), gemmSeconds: inGemm / Double(done),
                          calls: calls, allocationsAfterFirstStep: ledger.allocationCount - allocations)
    }
}
