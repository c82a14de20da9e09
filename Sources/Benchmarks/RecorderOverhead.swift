import Datasets
import Foundation
import RunStore
import Tensor
import Recorder
import Training

/// Measures what recording costs: whole epochs of the same model trained
/// alternately without and with a recorder sampling every `interval`, in
/// pairs whose order alternates (A B B A A B …), so machine drift and
/// whatever the second epoch of a pair pays hit both alike. On a shared
/// machine that difference is mostly noise, so the recorder's own cost is
/// measured directly too: the CPU time of its sampling and writing threads
/// over the time they ran. It bounds what recording takes from training
/// (at most those seconds of one core).
public struct RecorderOverhead: Codable, Sendable {
    public var config: String
    public var sampleInterval: Double
    public var plainSeconds: [Double]
    public var recordedSeconds: [Double]
    public var samplesWritten: Int
    /// The recorded epochs' runs in the database (study "bench").
    public var recordedRunIDs: [String]
    /// Per recorded epoch: the recorder threads' CPU seconds, and those over
    /// the seconds the recorder ran.
    public var recorderCPUSeconds: [Double]
    public var recorderCPUShares: [Double]

    enum CodingKeys: String, CodingKey {
        case config
        case sampleInterval = "sample_interval"
        case plainSeconds = "plain_epoch_seconds"
        case recordedSeconds = "recorded_epoch_seconds"
        case samplesWritten = "samples_written"
        case recordedRunIDs = "recorded_run_ids"
        case recorderCPUSeconds = "recorder_cpu_seconds"
        case recorderCPUShares = "recorder_cpu_shares"
        case overhead
        case recorderCPUShare = "recorder_cpu_share"
    }

    /// Median recorded over median plain epoch time, minus one.
    public var overhead: Double
    /// Median of `recorderCPUShares`.
    public var recorderCPUShare: Double

    init(config: String, sampleInterval: Double, plainSeconds: [Double], recordedSeconds: [Double], samplesWritten: Int,
         recordedRunIDs: [String], recorderCPUSeconds: [Double], recorderCPUShares: [Double]) {
        self.recorderCPUSeconds = recorderCPUSeconds
        self.recorderCPUShares = recorderCPUShares
        recorderCPUShare = median(recorderCPUShares)
        self.recordedRunIDs = recordedRunIDs
        self.config = config
        self.sampleInterval = sampleInterval
        self.plainSeconds = plainSeconds
        self.recordedSeconds = recordedSeconds
        self.samplesWritten = samplesWritten
        overhead = median(recordedSeconds) / median(plainSeconds) - 1
    }

    public static func measure(config: TrainingConfig, data: Dataset, pairs: Int, interval: Double,
                               databasePath: String, batchLimit: Int? = nil) throws -> RecorderOverhead {
        var plain: [Double] = [], recorded: [Double] = []
        let store = try RunStore.open(databasePath)
        var samples = 0
        var ids: [String] = []
        var cpu: [Double] = [], shares: [Double] = []
        for pair in 0..<pairs {
            var one = config
            one.epochs = 1
            let plainFirst = pair % 2 == 0
            if plainFirst { plain.append(try epochSeconds(one, data, recorder: nil, batchLimit: batchLimit)) }
            let run = RunRecord(study: "bench", arm: "recorder-overhead", algorithm: config.algorithm.rawValue,
                                dataset: data.info.id.rawValue, layers: config.layers, batchSize: config.batchSize,
                                epochs: 1, seed: Int64(bitPattern: config.seed), hostname: ProcessInfo.processInfo.hostName,
                                pid: Int(getpid()), sampleInterval: interval)
            let recorder = try RunRecorder(store: store, run: run, sampleInterval: interval)
            recorded.append(try epochSeconds(one, data, recorder: recorder, batchLimit: batchLimit))
            try recorder.finish(status: .completed)
            cpu.append(recorder.threadCPUSeconds)
            shares.append(recorder.threadCPUSeconds / recorder.recordingSeconds)
            samples += try store.sampleCount(run.id)
            ids.append(run.id)
            if !plainFirst { plain.append(try epochSeconds(one, data, recorder: nil, batchLimit: batchLimit)) }
        }
        return RecorderOverhead(config: "\(config.variantName) \(config.layers) batch \(config.batchSize)",
                                sampleInterval: interval, plainSeconds: plain, recordedSeconds: recorded, samplesWritten: samples,
                                recordedRunIDs: ids, recorderCPUSeconds: cpu, recorderCPUShares: shares)
    }

    private static func epochSeconds(_ config: TrainingConfig, _ data: Dataset, recorder: RunRecorder?,
                                     batchLimit: Int?) throws -> Double {
        let loop = try TrainingLoop(config: config, data: data)
        loop.batchLimit = batchLimit
        final class Capture: TrainingObserver {
            var seconds = 0.0
            func epochEnded(_ r: EpochResult) { seconds = r.trainSeconds }
        }
        let capture = Capture()
        _ = loop.run(observer: ObserverGroup([capture] + (recorder.map { [$0] } ?? [])))
        return capture.seconds
    }
}
