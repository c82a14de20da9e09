import Exports
import Datasets
import Foundation
import RunStore
import Training

/// A command recorded as a run (`ffbench record`, or a study arm with a
/// `command:`), described like a native run so it is compared like one.
public struct ExternalRun: Sendable {
    public var command: [String]
    public var study: String?
    public var arm: String?
    public var label: String?
    public var algorithm: String?
    public var framework: String?
    public var dataset: String?
    public var layers: String?
    public var batchSize: Int?
    public var seed: Int64?
    public var epochs: Int?
    public var sampleInterval: Double
    /// Extra environment for the command (e.g. the interpreter's path).
    public var environment: [String: String] = [:]

    public init(command: [String], sampleInterval: Double) {
        self.command = command
        self.sampleInterval = sampleInterval
    }

    /// Bad descriptions are refused before anything is stored; messages name the option.
    public func validate() throws(TrainingError) {
        guard !command.isEmpty else { throw .missingValue("command") }
        if let algorithm, !["ff", "bp", "external"].contains(algorithm) {
            throw .badValue(option: "algorithm", value: algorithm, expected: "ff or bp")
        }
        for (name, value) in [("study", study), ("arm", arm), ("framework", framework)] {
            if let value, let problem = SafeName.problem(value, gridSuffix: name == "arm") {
                throw .badValue(option: name, value: value, expected: problem)
            }
        }
        for (name, value) in [("dataset", dataset), ("layers", layers), ("batch-size", batchSize.map(String.init)),
                              ("epochs", epochs.map(String.init))] {
            if let value { try RunOptions.check(name, value) }
        }
    }

    func record(host: HostInfo) -> RunRecord {
        return RunRecord(study: study, arm: arm, label: label, algorithm: algorithm ?? "external",
                         dataset: dataset.flatMap { try? DatasetID(parsing: $0).rawValue }, layers: layers,
                         batchSize: batchSize, epochs: epochs, seed: seed,
                         hostJSON: JSONOutput.line(host),
                         hostname: host.hostname, pid: Int(getpid()), command: command.joined(separator: " "),
                         sampleInterval: sampleInterval, framework: framework ?? "external")
    }

    /// Runs the command to its end into the store at `path`; its exit status.
    public func run(into path: String, stop: StopSignals, passThrough: (String) -> Void, warn: (String) -> Void) throws -> Int32 {
        try validate()
        let store = try RunStore.open(path)
        let recording = try ExternalRecording(store: store, run: record(host: HostInfo.current()), sampleInterval: sampleInterval)
        return try recording.run(command, environment: environment, stop: stop, passThrough: passThrough, warn: warn)
    }
}
