/// A native run's training settings as stored (`runs.config_json`, written
/// from Training's `TrainingConfig`). The stored snake_case keys are read
/// into these names by conversion, so they are spelled only where they are
/// written; a test encodes a `TrainingConfig` and reads every field back
/// here. Every field is optional: nothing is assumed about a setting a run
/// did not record.
public struct RunConfig: Decodable, Sendable, Equatable {
    public struct Optimizer: Decodable, Sendable, Equatable {
        public var kind: String?
        public var learningRate: Double?
        public var momentum: Double?
        public var dampening: Double?
        public var weightDecay: Double?
        public var decayStyle: String?
    }

    /// Forward-Forward's own settings.
    public struct FF: Decodable, Sendable, Equatable {
        public var labelValue: Double?
        public var threshold: Double?
        public var negatives: String?
        public var layerSchedule: String?
        public var peerNormalization: Double?
        public var peerMomentum: Double?
        public var goodnessFromLayer: Int?
        public var headFromLayer: Int?
        public var softmaxHead: Bool?
        public var head: Optimizer?
        public var prediction: String?
        public var centerInputs: Bool?
        /// "max-ssq" or "min-ssq"; nil: max-ssq (runs before the choice existed).
        public var goodness: String?
    }

    public var algorithm: String?
    public var layers: String?
    public var batchSize: Int?
    public var epochs: Int?
    public var schedule: String?
    public var optimizer: Optimizer?
    public var ff: FF?
}

extension RunRecord {
    /// The run's stored training settings (nil for a recorded command, or when they do not read).
    public var config: RunConfig? { configJSON.flatMap { StoredJSON.decode(RunConfig.self, $0, snakeCaseKeys: true) } }
}
