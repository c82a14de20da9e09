import Datasets
import Foundation
import Tensor
import Training

/// One configuration of `ffbench bench training`: step and epoch times,
/// the GEMM limit at the step's own shapes, and what recording costs.
public struct TrainingBench: Encodable, Sendable {
    public var algorithm: String
    public var layers: String
    public var batchSize: Int
    public var threads: Int
    public var step: StepTiming
    public var limit: GemmLimit
    /// Batches per timed epoch (the whole training set unless limited).
    public var epochBatches: Int
    /// Medians over the plain/recorded pairs (alternating, A B A B …).
    public var epochSeconds: Double
    public var recordedEpochSeconds: Double
    public var pairs: Int
    public var sampleInterval: Double
    /// The run holding the recorded epoch (study "bench").
    public var recordedRunID: String
    /// Filled by the caller from a separate process (see `MemoryUse`).
    public var memory: MemoryUse?

    /// Step FLOPs over step time.
    public var achievedGflops: Double { step.flops / step.stepSeconds / 1e9 }
    /// The same FLOPs at the speed sgemm reaches alone at these shapes.
    public var efficiency: Double { limit.seconds / step.stepSeconds }
    public var recorderOverhead: Double { recordedEpochSeconds / epochSeconds - 1 }

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
        case recordedRunID = "recorded_run_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(layers, forKey: .layers)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(threads, forKey: .threads)
        try c.encode(step, forKey: .step)
        try c.encode(limit, forKey: .limit)
        try c.encode(epochBatches, forKey: .epochBatches)
        try c.encode(epochSeconds, forKey: .epochSeconds)
        try c.encode(recordedEpochSeconds, forKey: .recordedEpochSeconds)
        try c.encode(sampleInterval, forKey: .sampleInterval)
        try c.encode(pairs, forKey: .pairs)
        try c.encode(recordedRunID, forKey: .recordedRunID)
        try c.encodeIfPresent(memory, forKey: .memory)
        try c.encode(achievedGflops, forKey: .achievedGflops)
        try c.encode(efficiency, forKey: .efficiency)
        try c.encode(recorderOverhead, forKey: .recorderOverhead)
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
        let step = StepTiming.measure(loop.model, data: data, batchSize: config.batchSize, steps: steps,
                                      minSeconds: minStepSeconds, ledger: ledger)
        let limit = GemmLimit.measure(step.calls)
        var one = config
        one.epochs = 1
        let overhead = try RecorderOverhead.measure(config: one, data: data, pairs: pairs, interval: sampleInterval,
                                                    databasePath: databasePath, batchLimit: epochBatches)
        let batches = min(data.train.count / config.batchSize, epochBatches ?? .max)
        return TrainingBench(algorithm: config.algorithm.rawValue, layers: config.layers, batchSize: config.batchSize,
                             threads: BLAS.threads, step: step, limit: limit, epochBatches: batches,
                             epochSeconds: median(overhead.plainSeconds), recordedEpochSeconds: median(overhead.recordedSeconds),
                             pairs: pairs, sampleInterval: sampleInterval, recordedRunID: overhead.recordedRunIDs.last!,
                             memory: nil)
    }
}
