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
    /// Expand the command's `{placeholders}` and `${VARIABLES}` (a study's command arm).
    public var substitute = false
    /// Where {data-dir} is looked for (as `--data-dir`); FFBENCH_DATA and ./Data otherwise.
    public var dataDirectory: String?
    /// {threads}; otherwise OPENBLAS_NUM_THREADS, otherwise this machine's cores.
    public var threads: Int?

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
                throw .badValue(option: name, value: SafeName.shown(value), expected: problem)
            }
        }
        for (name, value) in [("dataset", dataset), ("layers", layers), ("batch-size", batchSize.map(String.init)),
                              ("epochs", epochs.map(String.init))] {
            if let value { try RunOptions.check(name, value) }
        }
    }

    func record(host: HostFacts) -> RunRecord {
        return RunRecord(study: study, arm: arm, label: label, algorithm: algorithm ?? "external",
                         dataset: dataset.flatMap { try? DatasetID(parsing: $0).rawValue }, layers: layers,
                         batchSize: batchSize, epochs: epochs, seed: seed,
                         hostJSON: JSONOutput.line(host),
                         hostname: host.hostname, pid: Int(getpid()), command: command.joined(separator: " "),
                         sampleInterval: sampleInterval, framework: framework ?? "external")
    }

    /// `ffbench record`'s flags for what the command trains (the study's child runs take these).
    public var describingArguments: [String] {
        var a: [String] = []
        for (flag, value) in [("algorithm", algorithm), ("framework", framework), ("dataset", dataset), ("layers", layers),
                              ("batch-size", batchSize.map(String.init)), ("seed", seed.map(String.init)),
                              ("epochs", epochs.map(String.init)), ("threads", threads.map(String.init))] {
            // `=` keeps a negative value (a seed above 2^63) from reading as a flag.
            if let value { a.append("--\(flag)=\(value)") }
        }
        return a
    }

    /// The command as it runs: placeholders from the description, variables from the environment.
    public func expandedCommand() throws -> [String] {
        guard substitute else { return command }
        let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        var values: [String: String] = [:]
        values["seed"] = seed.map { String(UInt64(bitPattern: $0)) }
        values["epochs"] = epochs.map(String.init)
        values["layers"] = layers
        values["batch-size"] = batchSize.map(String.init)
        values["dataset"] = dataset
        values["threads"] = String(threads ?? env["OPENBLAS_NUM_THREADS"].flatMap { Int($0) } ?? ProcessInfo.processInfo.activeProcessorCount)
        if command.contains(where: { $0.contains("{data-dir}") }), let dataset {
            let id = try DatasetID(parsing: dataset)
            values["data-dir"] = try DataLocator(explicitDirectory: dataDirectory, environment: env).locate(id.info).directory
        }
        return try CommandTemplate.expand(command, values: values, environment: env)
    }

    /// Runs the command to its end into the store at `path`; its exit status.
    /// `onEpoch` sees each epoch line as stored.
    public func run(into path: String, stop: StopSignals, passThrough: (String) -> Void, warn: (String) -> Void,
                    onEpoch: (EpochLine) -> Void = { _ in }) throws -> Int32 {
        try validate()
        var run = self
        run.command = try expandedCommand()
        let store = try RunStore.open(path)
        let recording = try ExternalRecording(store: store, run: run.record(host: ThisHost.facts()), sampleInterval: sampleInterval)
        return try recording.run(run.command, environment: environment, stop: stop, passThrough: passThrough, warn: warn, onEpoch: onEpoch)
    }
}
