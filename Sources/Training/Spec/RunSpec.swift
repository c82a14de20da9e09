import Exports
import Datasets
import Foundation

/// One training run, completely: the data set and every setting. A study's
/// child runs receive it whole (as JSON), so they run exactly what the
/// study resolved and validated.
public struct RunSpec: Codable, Sendable, Equatable {
    public var dataset: DatasetID
    public var config: TrainingConfig

    public init(dataset: DatasetID, config: TrainingConfig) {
        self.dataset = dataset
        self.config = config
    }

    /// The spec from option values in precedence order (a later value of
    /// the same option wins): the paper's defaults, or a preset's, then
    /// every option, then the checks that involve several options.
    public static func resolve(_ values: [(name: String, value: String)]) throws(TrainingError) -> RunSpec {
        for (name, _) in values where RunOptions.named(name) == nil {
            throw .unknownOption(name, known: RunOptions.all.map(\.name))
        }
        func last(_ name: String) -> String? { values.last { $0.name == name }?.value }
        var algorithm = TrainingConfig.Algorithm.ff
        if let v = last("algorithm") { algorithm = try RunOptions.choice(TrainingConfig.Algorithm.self, "algorithm", v) }
        var preset: Preset?
        if let v = last("preset") { preset = try RunOptions.choice(Preset.self, "preset", v) }
        var spec = RunSpec(dataset: .mnist, config: Self.defaults(algorithm: algorithm, preset: preset))
        for (name, value) in values where name != "algorithm" && name != "preset" {
            try RunOptions.named(name)!.apply(&spec, value)
        }
        if last("validation") == nil {
            spec.config.validation = TrainingConfig.defaultValidation(trainingImages: spec.dataset.info.trainCount)
        }
        _ = try LayerSpec(parsing: spec.config.layers)
        if let v = spec.config.validation, v >= spec.dataset.info.trainCount {
            throw .badValue(option: "validation", value: String(v), expected: "fewer than the \(spec.dataset.info.trainCount) training images", quoted: false)
        }
        return spec
    }

    /// The settings before any option: a preset's, or the paper's network
    /// (4x2000, 60 epochs) with the official code's settings.
    static func defaults(algorithm: TrainingConfig.Algorithm, preset: Preset?) -> TrainingConfig {
        if let preset { return preset.config(algorithm: algorithm, seed: 1) }
        var c = Preset.hinton.config(algorithm: algorithm, seed: 1)
        c.preset = nil
        c.layers = "4x2000"
        if algorithm == .bp {
            c.optimizer = .init(kind: .sgd, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        }
        return c
    }

    /// The spec as one line of JSON, for a child process.
    public var json: String {
        JSONOutput.line(self)
    }

    public static func decode(json: String) throws(TrainingError) -> RunSpec {
        do { return try JSONDecoder().decode(RunSpec.self, from: Data(json.utf8)) } catch {
            throw .badValue(option: "spec", value: String(json.prefix(40)), expected: "a run specification written by ffbench (\(error))")
        }
    }
}
