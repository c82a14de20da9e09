import Datasets
import Foundation
import RunStore
import Tensor
import Training

/// One `ffbench train` run from start to end: the store opened and the
/// data loaded before any run row exists (so bad input leaves nothing
/// behind), the model trained while the recorder samples it, and the
/// run's stored status set to how it really ended.
public struct TrainingSession {
    public enum Outcome: Equatable, Sendable {
        case completed
        case diverged(message: String)
        case interrupted(message: String, exitStatus: Int32)
    }

    /// What the run is, once the data and model exist (for a header line).
    public struct Header: Sendable {
        public var trainer: String, shape: String, dataset: String, location: String, parameters: Int, seed: UInt64
    }

    public var spec: RunSpec
    public var loader: DatasetLoader
    public var recording: RecordingOptions?

    public init(spec: RunSpec, loader: DatasetLoader, recording: RecordingOptions?) {
        self.spec = spec
        self.loader = loader
        self.recording = recording
    }

    public func run(stop: StopSignals, observer: TrainingObserver, ready: (Header) -> Void) throws -> Outcome {
        let config = spec.config
        if let threads = config.threads { BLAS.setThreads(threads) }
        let store = try recording.map { try RunStore.open($0.databasePath) }
        let data = try loader.load(spec.dataset, validation: config.validation ?? 0)
        let loop = try TrainingLoop(config: config, data: data)
        loop.shouldStop = { stop.requested }
        let shape = ([data.train.inputSize] + loop.widths).map(String.init).joined(separator: "-")
        ready(Header(trainer: config.variantName, shape: shape, dataset: spec.dataset.rawValue, location: data.location.directory,
                     parameters: loop.model.parameterCount, seed: config.seed))
        var recorder: RunRecorder?
        if let store, let recording {
            let run = RunRecord.training(config: config, dataset: spec.dataset.rawValue, parameterCount: loop.model.parameterCount,
                                         options: recording, host: ThisHost.facts())
            recorder = try RunRecorder(store: store, run: run, sampleInterval: recording.sampleInterval)
        }
        switch loop.run(observer: ObserverGroup([observer] + (recorder.map { [$0] } ?? []))) {
        case .completed:
            try recorder?.finish(status: .completed, exitStatus: 0)
            return .completed
        case .diverged(let epoch, let batch):
            let message = "diverged at epoch \(epoch), batch \(batch): the loss or the weights became NaN or infinite"
            try recorder?.finish(status: .diverged, message: message, exitStatus: 1)
            return .diverged(message: message)
        case .interrupted(let epoch):
            let message = "interrupted by signal \(stop.receivedSignal) in epoch \(epoch)"
            try recorder?.finish(status: .interrupted, message: message, exitStatus: Int(stop.exitStatus))
            return .interrupted(message: message, exitStatus: stop.exitStatus)
        }
    }
}
