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
/// (at most those seconds of one core). Every epoch is checked by the
/// disturbance rule (other CPU use, the canary, the slowest against the
/// fastest of its kind): a pair with a disturbed epoch is repeated, up to
/// twice as many pairs again, and a difference is reported as an overhead
/// only from undisturbed pairs — never from disturbed ones.
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
    /// Which epochs the disturbance rule flagged (same order as the seconds).
    public var plainDisturbed: [Bool]
    public var recordedDisturbed: [Bool]

    enum CodingKeys: String, CodingKey {
        case plainDisturbed = "plain_disturbed"
        case recordedDisturbed = "recorded_disturbed"
        case undisturbedPairs = "undisturbed_pairs"
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

    /// Median recorded over median plain epoch time, minus one, over the
    /// undisturbed pairs; nil when every pair was disturbed.
    public var overhead: Double?
    public var undisturbedPairs: Int
    /// Median of `recorderCPUShares`.
    public var recorderCPUShare: Double

    init(config: String, sampleInterval: Double, plainSeconds: [Double], recordedSeconds: [Double], samplesWritten: Int,
         recordedRunIDs: [String], recorderCPUSeconds: [Double], recorderCPUShares: [Double],
         plainDisturbed: [Bool], recordedDisturbed: [Bool]) {
        self.recorderCPUSeconds = recorderCPUSeconds
        self.recorderCPUShares = recorderCPUShares
        recorderCPUShare = median(recorderCPUShares)
        self.recordedRunIDs = recordedRunIDs
        self.config = config
        self.sampleInterval = sampleInterval
        self.plainSeconds = plainSeconds
        self.recordedSeconds = recordedSeconds
        self.samplesWritten = samplesWritten
        // The slowest-against-fastest part of the rule, within each kind of epoch.
        let rule = DisturbanceRule.standard
        func slow(_ x: [Double]) -> [Bool] { let f = x.min() ?? 0; return x.map { $0 > f * (1 + rule.epochSlowdown) } }
        let plainBusy = zip(plainDisturbed, slow(plainSeconds)).map { $0 || $1 }
        let recordedBusy = zip(recordedDisturbed, slow(recordedSeconds)).map { $0 || $1 }
        (self.plainDisturbed, self.recordedDisturbed) = (plainBusy, recordedBusy)
        let clean = plainSeconds.indices.filter { !plainBusy[$0] && !recordedBusy[$0] }
        undisturbedPairs = clean.count
        overhead = clean.isEmpty ? nil : median(clean.map { recordedSeconds[$0] }) / median(clean.map { plainSeconds[$0] }) - 1
    }

    /// Undisturbed plain epochs' seconds (all of them when every one was disturbed).
    public var quietPlainSeconds: [Double] {
        let quiet = plainSeconds.indices.filter { !plainDisturbed[$0] }.map { plainSeconds[$0] }
        return quiet.isEmpty ? plainSeconds : quiet
    }

    public var quietRecordedSeconds: [Double] {
        let quiet = recordedSeconds.indices.filter { !recordedDisturbed[$0] }.map { recordedSeconds[$0] }
        return quiet.isEmpty ? recordedSeconds : quiet
    }

    public static func measure(config: TrainingConfig, data: Dataset, pairs: Int, interval: Double,
                               databasePath: String, batchLimit: Int? = nil) throws -> RecorderOverhead {
        var plain: [Double] = [], recorded: [Double] = []
        let store = try RunStore.open(databasePath)
        var samples = 0
        var ids: [String] = []
        var cpu: [Double] = [], shares: [Double] = []
        var plainBusy: [Bool] = [], recordedBusy: [Bool] = []
        let reference = Canary.reference()
        var attempts = 0, clean = 0
        // Pairs until `pairs` came out undisturbed by other CPU use or a slow canary, or twice as many again were tried.
        while clean < pairs && attempts < 3 * pairs {
            let pair = attempts
            attempts += 1
            var one = config
            one.epochs = 1
            let plainFirst = pair % 2 == 0
            func timePlain() throws {
                let (seconds, busy) = try watched(reference) { try epochSeconds(one, data, recorder: nil, batchLimit: batchLimit) }
                plain.append(seconds)
                plainBusy.append(busy)
            }
            if plainFirst { try timePlain() }
            let run = RunRecord(study: "bench", arm: "recorder-overhead", algorithm: config.algorithm.rawValue,
                                dataset: data.info.id.rawValue, layers: config.layers, batchSize: config.batchSize,
                                epochs: 1, seed: Int64(bitPattern: config.seed), hostname: ProcessInfo.processInfo.hostName,
                                pid: Int(getpid()), sampleInterval: interval)
            let recorder = try RunRecorder(store: store, run: run, sampleInterval: interval)
            let (seconds, busy) = try watched(reference) { try epochSeconds(one, data, recorder: recorder, batchLimit: batchLimit) }
            recorded.append(seconds)
            recordedBusy.append(busy)
            try recorder.finish(status: .completed)
            cpu.append(recorder.threadCPUSeconds)
            shares.append(recorder.threadCPUSeconds / recorder.recordingSeconds)
            samples += try store.sampleCount(run.id)
            ids.append(run.id)
            if !plainFirst { try timePlain() }
            if !plainBusy.last! && !recordedBusy.last! { clean += 1 }
        }
        return RecorderOverhead(config: "\(config.variantName) \(config.layers) batch \(config.batchSize)",
                                sampleInterval: interval, plainSeconds: plain, recordedSeconds: recorded, samplesWritten: samples,
                                recordedRunIDs: ids, recorderCPUSeconds: cpu, recorderCPUShares: shares,
                                plainDisturbed: plainBusy, recordedDisturbed: recordedBusy)
    }

    /// Times `body` and says whether the machine disturbed it: other CPU use
    /// over the rule's share, or the canary after it slower than the quiet reference allows.
    static func watched(_ reference: Double, _ body: () throws -> Double) throws -> (Double, Bool) {
        let rule = DisturbanceRule.standard
        let meter = EpochMeter.thisProcess()
        meter.begin()
        let seconds = try body()
        let reading = meter.end()
        let canary = Canary.measure()
        let busy = (reading.otherCPUShare ?? 0) > rule.otherCPUShare || canary > reference * (1 + rule.canarySlowdown)
        return (seconds, busy)
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
