import Datasets
import Tensor
import Training

/// Training steps of one model timed one by one, in rounds, with the GEMM
/// calls they make and the time spent inside BLAS.
public struct StepTiming: Codable, Sendable {
    /// Timed steps over all rounds.
    public var steps: Int
    public var rounds: Int
    /// Median wall time of one step (forward, gradients, optimizer update)
    /// in the fastest round: taken the way the sgemm limit is (see
    /// `GemmLimit.measure`), so a burst of load from another tenant slows
    /// neither side of the efficiency ratio.
    public var stepSeconds: Double
    /// Median time per step spent inside `cblas_sgemm`, in that round.
    public var gemmSeconds: Double
    /// Mean wall time of all timed steps, noise included.
    public var meanStepSeconds: Double
    /// The GEMM calls of one step, in order.
    public var calls: [GemmShape]
    /// Ledger allocations made by the steps after the first (must be 0).
    public var allocationsAfterFirstStep: Int

    public var flops: Double { calls.reduce(0) { $0 + $1.flops } }
    public var outsideGemmShare: Double { 1 - gemmSeconds / stepSeconds }

    enum CodingKeys: String, CodingKey {
        case steps, rounds, calls
        case stepSeconds = "step_seconds"
        case gemmSeconds = "gemm_seconds_per_step"
        case meanStepSeconds = "mean_step_seconds"
        case allocationsAfterFirstStep = "allocations_after_first_step"
    }

    /// One warm-up step, then one round of at least `steps` steps and `minSeconds`.
    public static func measure(_ model: Model, data: Dataset, batchSize: Int, steps: Int, minSeconds: Double = 0,
                               ledger: Ledger) -> StepTiming {
        let timer = StepTimer(model, data: data, batchSize: batchSize, ledger: ledger)
        timer.round(steps: steps, minSeconds: minSeconds)
        return timer.result()
    }
}

/// Steps one model through the shuffled training set: a warm-up step whose
/// GEMM calls are recorded, then timed rounds (small models take
/// milliseconds a step; a few would be all noise).
final class StepTimer {
    let model: Model
    let batches: BatchIterator
    let ledger: Ledger
    let calls: [GemmShape]
    let allocationsAfterWarmUp: Int
    /// Each round's median step and in-sgemm times, and every step's time.
    private var medians: [(step: Double, gemm: Double)] = []
    private var all: [Double] = []

    init(_ model: Model, data: Dataset, batchSize: Int, ledger: Ledger) {
        self.model = model
        self.ledger = ledger
        batches = BatchIterator(source: data.train, batchSize: batchSize, shuffleSeed: 1, dropLast: true, ledger: ledger)
        batches.startEpoch(1)
        let probe = GemmProbe.shared
        probe.start()
        _ = Self.step(model, batches)
        calls = probe.stop().calls
        allocationsAfterWarmUp = ledger.allocationCount
    }

    private static func step(_ model: Model, _ batches: BatchIterator) -> BatchStats {
        if batches.next() == nil { batches.startEpoch(2); _ = batches.next() }
        return model.trainBatch(batches.x, labels: batches.labels, learningRateScale: 1)
    }

    func round(steps: Int, minSeconds: Double) {
        let probe = GemmProbe.shared
        var stepTimes: [Double] = [], gemmTimes: [Double] = []
        stepTimes.reserveCapacity(steps)
        gemmTimes.reserveCapacity(steps)
        let start = Monotonic.now()
        while stepTimes.count < steps || Monotonic.now() - start < minSeconds {
            probe.start()
            let t = Monotonic.now()
            _ = Self.step(model, batches)
            stepTimes.append(Monotonic.now() - t)
            gemmTimes.append(probe.stop().seconds)
        }
        medians.append((median(stepTimes), median(gemmTimes)))
        all += stepTimes
    }

    func result() -> StepTiming {
        let best = medians.min { $0.step < $1.step } ?? (.nan, .nan)
        return StepTiming(steps: all.count, rounds: medians.count, stepSeconds: best.step, gemmSeconds: best.gemm,
                          meanStepSeconds: all.reduce(0, +) / Double(max(all.count, 1)), calls: calls,
                          allocationsAfterFirstStep: ledger.allocationCount - allocationsAfterWarmUp)
    }
}
