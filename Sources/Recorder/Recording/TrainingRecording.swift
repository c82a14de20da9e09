import Exports
import Foundation
import RunStore
import Tensor
import Training

/// Where and how to record a training run.
public struct RecordingOptions: Sendable {
    public var databasePath: String
    public var study: String?
    public var arm: String?
    public var sampleInterval: Double

    public init(databasePath: String, study: String?, arm: String?, sampleInterval: Double) {
        self.databasePath = databasePath
        self.study = study
        self.arm = arm
        self.sampleInterval = sampleInterval
    }

    /// Parses "20ms", "0.5s", "2" (seconds) into seconds.
    public static func parseInterval(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let value: Double?
        if t.hasSuffix("ms") { value = Double(t.dropLast(2)).map { $0 / 1000 } }
        else if t.hasSuffix("s") { value = Double(t.dropLast()) }
        else { value = Double(t) }
        guard let v = value, v.isFinite, v >= 0.001, v <= 3600 else { return nil }
        return v
    }
}

extension RunRecord {
    /// The run row for an in-process training run.
    public static func training(config: TrainingConfig, dataset: String, parameterCount: Int,
                                options: RecordingOptions, host: HostFacts) -> RunRecord {
        let configJSON = JSONOutput.line(config)
        let hostJSON = JSONOutput.line(host)
        return RunRecord(study: options.study, arm: options.arm, algorithm: config.algorithm.rawValue, dataset: dataset,
                         layers: config.layers, batchSize: config.batchSize, epochs: config.epochs,
                         seed: Int64(bitPattern: config.seed), parameterCount: parameterCount, configJSON: configJSON,
                         hostJSON: hostJSON, hostname: host.hostname, pid: Int(getpid()),
                         command: CommandLine.arguments.joined(separator: " "), sampleInterval: options.sampleInterval,
                         framework: "ffbench")
    }
}

/// Forwards to several observers (the terminal printer and the recorder).
public final class ObserverGroup: TrainingObserver {
    let observers: [TrainingObserver]
    public init(_ observers: [TrainingObserver]) { self.observers = observers }
    public func phaseChanged(_ phase: TrainingPhase, epoch: Int) { observers.forEach { $0.phaseChanged(phase, epoch: epoch) } }
    public func batchEnded(epoch: Int, batch: Int, batches: Int) {
        for o in observers { o.batchEnded(epoch: epoch, batch: batch, batches: batches) }
    }
    public func epochEnded(_ result: EpochResult) { observers.forEach { $0.epochEnded(result) } }
}
