import Datasets
import Foundation
import Tensor
import Training

/// One configuration of `ffbench bench training`: step and epoch times,
/// the GEMM limit at the step's own shapes, and what recording costs.
public struct TrainingBench: Codable, Sendable {
    public let algorithm: String
    public let layers: String
    public let batchSize: Int
    public let threads: Int
    public let step: StepTiming
    public let limit: GemmLimit
    /// Batches per timed epoch (the whole training set unless limited).
    public let epochBatches: Int
    /// Medians over the plain/recorded pairs (alternating, A B A B …).
    public let epochSeconds: Double
    public let recordedEpochSeconds: Double
    public let pairs: Int
    public let sampleInterval: Double
    /// The run holding the recorded epoch (study "bench").
    public let recordedRunID: String
    /// Filled by the caller from a separate process (see `MemoryUse`).
    public var memory: MemoryUse?

    /// Derived at measurement, stored so the JSON carries them:
    /// step FLOPs over step time; the limit's time over the step's (the
    /// same FLOPs at the speed sgemm reaches alone at these shapes);
    /// recorded over plain epoch time, minus one.
    public let achievedGflops: Double
    public let efficiency: Double
    /// nil when every plain/recorded pair was disturbed: a difference then is the machine's, not the recorder's.
    public let recorderOverhead: Double?
    /// Pairs the disturbance rule left undisturbed, of `pairs` tried.
    public let undisturbedPairs: Int
    /// The recorder threads' CPU time over the time they ran (median over
    /// the recorded epochs): what recording costs, measured directly.
    public let recorderCPUShare: Double
    /// The machine's FMA peak at the run's threads (best of before and after the steps),
    /// and the step's GEMM FLOPs per second as a share of it.
    public let fmaPeak: FMAPeak
    public let peakShare: Double
    /// The whole epoch's GEMM FLOPs per second (steps' FLOPs times batches
    /// over the undisturbed epoch time) as a share of the FMA peak.
    public let epochPeakShare: Double
    /// Seconds to evaluate the 10,000 test images (both predictions, median
    /// of two), and that over the training time of 50,000 images (an epoch
    /// beside the default 10,000-image validation split).
    public let evaluationSeconds: Double
    public let evaluationShare: Double

    enum CodingKeys: String, CodingKey {
        case algorithm, layers, threads, step, limit, memory, efficiency
        case batchSize = "batch_size"
        case epochBatches = "epoch_batches"
        case epochSeconds = "epoch_seconds"
        case recordedEpochSeconds = "recorded_epoch_seconds"
        case sampleInterval = "sample_interval"
        case pairs = "recorder_pairs"
        case achievedGflops = "achieved_gflops"
        case recorderOverhead = "recorder_overhead"
        case recorderCPUShare = "recorder_cpu_share"
        case recordedRunID = "recorded_run_id"
        case undisturbedPairs = "undisturbed_pairs"
        case fmaPeak = "fma_peak"
        case peakShare = "peak_share"
        case epochPeakShare = "epoch_peak_share"
        case evaluationSeconds = "evaluation_seconds"
        case evaluationShare = "evaluation_share"
    }

    init(algorithm: String, layers: String, batchSize: Int, threads: Int, step: StepTiming, limit: GemmLimit,
         epochBatches: Int, epochSeconds: Double, recordedEpochSeconds: Double, pairs: Int, sampleInterval: Double,
         recordedRunID: String, recorderCPUShare: Double, recorderOverhead: Double?, undisturbedPairs: Int, fmaPeak: FMAPeak,
         evaluationSeconds: Double) {
        self.recorderCPUShare = recorderCPUShare
        self.algorithm = algorithm
        self.layers = layers
        self.batchSize = batchSize
        self.threads = threads
        self.step = step
        self.limit = limit
        self.epochBatches = epochBatches
        self.epochSeconds = epochSeconds
        self.recordedEpochSeconds = recordedEpochSeconds
        self.pairs = pairs
        self.sampleInterval = sampleInterval
        self.recordedRunID = recordedRunID
        achievedGflops = step.flops / step.stepSeconds / 1e9
        efficiency = limit.seconds / step.stepSeconds
        self.recorderOverhead = recorderOverhead
        self.undisturbedPairs = undisturbedPairs
        self.fmaPeak = fmaPeak
        peakShare = achievedGflops / fmaPeak.gflops
        epochPeakShare = step.flops * Double(epochBatches) / epochSeconds / 1e9 / fmaPeak.gflops
        self.evaluationSeconds = evaluationSeconds
        evaluationShare = evaluationSeconds / (epochSeconds / Double(epochBatches) * 50_000 / Double(batchSize))
    }

    /// Runs the whole measurement for one configuration.
    /// - Parameters:
    ///   - steps, minStepSeconds: timed training steps (after one warm-up
    ///     step): at least this many, for at least this long.
    ///   - epochBatches: batches per timed epoch; nil for whole epochs.
    ///   - pairs: plain and recorded epochs, alternating; medians are kept.
    ///   - databasePath: where the recorded epochs write their samples.
    public static func measure(config: TrainingConfig, data: Dataset, steps: Int, minStepSeconds: Double = 2,
                               epochBatches: Int?, pairs: Int = 1,
                               sampleInterval: Double, databasePath: String) throws -> TrainingBench {
        let ledger = Ledger()
        let loop = try TrainingLoop(config: config, data: data, ledger: ledger)
        // Step rounds alternate with the limit's rounds; each side keeps its best.
        let timer = StepTimer(loop.model, data: data, batchSize: config.batchSize, ledger: ledger)
        let before = FMAPeak.measure(threads: BLAS.threads)
        let rounds = 3
        let limit = GemmLimit.measure(timer.calls, rounds: rounds) {
            timer.round(steps: (steps + rounds - 1) / rounds, minSeconds: minStepSeconds / Double(rounds))
        }
        let step = timer.result()
        let evaluation = (0..<2).map { _ in
            let test = BatchIterator(source: data.test, batchSize: config.batchSize, shuffleSeed: nil, dropLast: false, ledger: ledger)
            test.startEpoch(1)
            let start = Monotonic.now()
            _ = loop.model.evaluate(test)
            return Monotonic.now() - start
        }
        let after = FMAPeak.measure(threads: BLAS.threads)
        var one = config
        one.epochs = 1
        let overhead = try RecorderOverhead.measure(config: one, data: data, pairs: pairs, interval: sampleInterval,
                                                    databasePath: databasePath, batchLimit: epochBatches)
        let batches = min(data.train.count / config.batchSize, epochBatches ?? .max)
        return TrainingBench(algorithm: config.variantName, layers: config.layers, batchSize: config.batchSize,
                             threads: BLAS.threads, step: step, limit: limit, epochBatches: batches,
                             epochSeconds: median(overhead.quietPlainSeconds), recordedEpochSeconds: median(overhead.quietRecordedSeconds),
                             pairs: overhead.plainSeconds.count, sampleInterval: sampleInterval, recordedRunID: overhead.recordedRunIDs.last!,
                             recorderCPUShare: overhead.recorderCPUShare, recorderOverhead: overhead.overhead,
                             undisturbedPairs: overhead.undisturbedPairs, fmaPeak: before.gflops >= after.gflops ? before : after,
                             evaluationSeconds: median(evaluation))
    }
}
