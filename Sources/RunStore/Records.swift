import Foundation
import GRDB

/// One training run (or one recorded external command). See docs/schema.md.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"

    public var id: String
    public var study: String?
    public var arm: String?
    public var label: String?
    public var algorithm: String
    public var dataset: String?
    public var layers: String?
    public var batchSize: Int?
    public var epochs: Int?
    public var seed: Int64?
    public var status: RunStatus
    public var startedAt: String
    public var finishedAt: String?
    public var parameterCount: Int?
    public var configJSON: String?
    public var hostJSON: String?
    public var hostname: String?
    public var pid: Int?
    public var heartbeatAt: String?
    public var command: String?
    public var exitStatus: Int?
    public var sampleInterval: Double?
    public var message: String?
    /// What implemented the run: `ffbench` for native runs, e.g. `pytorch` for a recorded command.
    public var framework: String?
    /// The id of the run that retimed this one (`ffbench study --retime`); such a run is kept but not compared.
    public var supersededBy: String?

    public init(id: String = UUID().uuidString.lowercased(), study: String? = nil, arm: String? = nil, label: String? = nil,
                algorithm: String, dataset: String? = nil, layers: String? = nil, batchSize: Int? = nil,
                epochs: Int? = nil, seed: Int64? = nil, status: RunStatus = .running,
                startedAt: String = Timestamp.now(), parameterCount: Int? = nil, configJSON: String? = nil,
                hostJSON: String? = nil, hostname: String? = nil, pid: Int? = nil, command: String? = nil,
                sampleInterval: Double? = nil, framework: String? = nil) {
        self.id = id
        self.study = study
        self.arm = arm
        self.label = label
        self.algorithm = algorithm
        self.dataset = dataset
        self.layers = layers
        self.batchSize = batchSize
        self.epochs = epochs
        self.seed = seed
        self.status = status
        self.startedAt = startedAt
        self.parameterCount = parameterCount
        self.configJSON = configJSON
        self.hostJSON = hostJSON
        self.hostname = hostname
        self.pid = pid
        self.heartbeatAt = startedAt
        self.command = command
        self.sampleInterval = sampleInterval
        self.framework = framework
    }

    enum CodingKeys: String, CodingKey {
        case id, study, arm, label, algorithm, dataset, layers, epochs, seed, status, hostname, pid, command, message, framework
        case batchSize = "batch_size"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case parameterCount = "parameter_count"
        case configJSON = "config_json"
        case hostJSON = "host_json"
        case heartbeatAt = "heartbeat_at"
        case exitStatus = "exit_status"
        case sampleInterval = "sample_interval"
        case supersededBy = "superseded_by"
    }
}

public enum RunStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case running, completed, failed, interrupted, diverged
}

/// An epoch as ffbench writes it and reads it: one `epochs` row without
/// its run id. `ffbench train --format json` prints these, a recorded
/// command may print them, and the store keeps them; the keys are the
/// table's columns (docs/schema.md), spelled here once.
public struct EpochLine: Codable, Sendable, Equatable {
    public var epoch: Int
    public var trainLoss: Double?
    public var trainError: Double?
    public var testError: Double?
    /// Error on the validation split (held out of the training set): what selection uses.
    public var validationError: Double?
    public var testErrorGoodness: Double?
    public var testErrorSoftmax: Double?
    public var trainSeconds: Double?
    public var evalSeconds: Double?
    public var peakRSSBytes: Int64?
    public var peakTensorBytes: Int64?
    public var peakActivationBytes: Int64?
    public var learningRate: Double?
    /// CPU seconds (user + system) of the run's process tree while the epoch trained.
    public var cpuSeconds: Double?
    /// The rest of the machine's CPU use while the epoch trained, as a share of all its cores: busy time
    /// (/proc/stat) less the run's own process tree, plus steal time.
    public var otherCPUShare: Double?
    /// The slower of the canaries around the epoch (native runs), or around the whole run (commands).
    public var canarySeconds: Double?
    /// Energy the CPU packages used while the epoch trained (RAPL), or the GPUs' (NVML); nil where no counter exists.
    public var energyJoules: Double?
    /// PyTorch on CUDA: torch.cuda.max_memory_allocated / max_memory_reserved over the epoch, reset after its first batch.
    public var cudaMaxAllocatedBytes: Int64?
    public var cudaMaxReservedBytes: Int64?

    public init(epoch: Int, trainLoss: Double? = nil, trainError: Double? = nil, testError: Double? = nil,
                validationError: Double? = nil, testErrorGoodness: Double? = nil, testErrorSoftmax: Double? = nil,
                trainSeconds: Double? = nil, evalSeconds: Double? = nil, peakRSSBytes: Int64? = nil,
                peakTensorBytes: Int64? = nil, peakActivationBytes: Int64? = nil, learningRate: Double? = nil) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainError = trainError
        self.testError = testError
        self.validationError = validationError
        self.testErrorGoodness = testErrorGoodness
        self.testErrorSoftmax = testErrorSoftmax
        self.trainSeconds = trainSeconds
        self.evalSeconds = evalSeconds
        self.peakRSSBytes = peakRSSBytes
        self.peakTensorBytes = peakTensorBytes
        self.peakActivationBytes = peakActivationBytes
        self.learningRate = learningRate
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epoch
        case trainLoss = "train_loss"
        case trainError = "train_error"
        case testError = "test_error"
        case validationError = "validation_error"
        case testErrorGoodness = "test_error_goodness"
        case testErrorSoftmax = "test_error_softmax"
        case trainSeconds = "train_seconds"
        case evalSeconds = "eval_seconds"
        case peakRSSBytes = "peak_rss_bytes"
        case peakTensorBytes = "peak_tensor_bytes"
        case peakActivationBytes = "peak_activation_bytes"
        case learningRate = "learning_rate"
        case cpuSeconds = "cpu_seconds"
        case otherCPUShare = "other_cpu_share"
        case canarySeconds = "canary_seconds"
        case energyJoules = "energy_joules"
        case cudaMaxAllocatedBytes = "cuda_max_allocated_bytes"
        case cudaMaxReservedBytes = "cuda_max_reserved_bytes"
    }

    /// The JSON keys of the wire format.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }
}

/// One epoch of a run: its `EpochLine` and the run it belongs to.
@dynamicMemberLookup
public struct EpochRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "epochs"

    public var runID: String
    public var line: EpochLine

    public init(runID: String, line: EpochLine) {
        self.runID = runID
        self.line = line
    }

    public init(runID: String, epoch: Int, trainLoss: Double? = nil, trainError: Double? = nil, testError: Double? = nil,
                testErrorGoodness: Double? = nil, testErrorSoftmax: Double? = nil, trainSeconds: Double? = nil,
                evalSeconds: Double? = nil, peakRSSBytes: Int64? = nil, peakTensorBytes: Int64? = nil,
                peakActivationBytes: Int64? = nil, learningRate: Double? = nil, validationError: Double? = nil) {
        self.init(runID: runID, line: EpochLine(
            epoch: epoch, trainLoss: trainLoss, trainError: trainError, testError: testError, validationError: validationError,
            testErrorGoodness: testErrorGoodness, testErrorSoftmax: testErrorSoftmax, trainSeconds: trainSeconds,
            evalSeconds: evalSeconds, peakRSSBytes: peakRSSBytes, peakTensorBytes: peakTensorBytes,
            peakActivationBytes: peakActivationBytes, learningRate: learningRate))
    }

    public subscript<T>(dynamicMember key: WritableKeyPath<EpochLine, T>) -> T {
        get { line[keyPath: key] }
        set { line[keyPath: key] = newValue }
    }

    enum RunKey: String, CodingKey { case runID = "run_id" }

    public init(from decoder: Decoder) throws {
        runID = try decoder.container(keyedBy: RunKey.self).decode(String.self, forKey: .runID)
        line = try EpochLine(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try line.encode(to: encoder)
        var c = encoder.container(keyedBy: RunKey.self)
        try c.encode(runID, forKey: .runID)
    }
}

/// A study's analysis plan, declared before its runs (docs/analysis.md):
/// what every arm is compared with and by which margins. Reports read it
/// back, so the estimands are fixed by the spec, not chosen after the fact.
public struct StudyRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "studies"
    public var name: String
    /// Its analysis plan, in the table's own columns (baseline, target_error, …).
    public var plan: PlanDeclaration
    public var specJSON: String
    public var declaredAt: String
    /// The machine's quiet canary time, measured when the study started (docs/analysis.md, disturbance).
    public var canaryReferenceSeconds: Double?
    /// The quiet check made when the study started, as JSON (`ffbench env --check --format json`).
    public var quietJSON: String?

    /// The stored quiet check, typed (nil when none was stored or it does not read).
    public var quiet: QuietCheck? {
        quietJSON.flatMap { StoredJSON.decode(QuietCheck.self, $0) }
    }

    public init(name: String, plan: PlanDeclaration, specJSON: String, declaredAt: String = Timestamp.now()) {
        (self.name, self.plan, self.specJSON, self.declaredAt) = (name, plan, specJSON, declaredAt)
    }

    enum CodingKeys: String, CodingKey {
        case name
        case specJSON = "spec_json"
        case declaredAt = "declared_at"
        case canaryReferenceSeconds = "canary_reference_seconds"
        case quietJSON = "quiet_json"
    }

    // The plan's values are columns of the row itself, not a nested object.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        plan = try PlanDeclaration(from: decoder)
        specJSON = try c.decode(String.self, forKey: .specJSON)
        declaredAt = try c.decode(String.self, forKey: .declaredAt)
        canaryReferenceSeconds = try c.decodeIfPresent(Double.self, forKey: .canaryReferenceSeconds)
        quietJSON = try c.decodeIfPresent(String.self, forKey: .quietJSON)
    }

    public func encode(to encoder: Encoder) throws {
        try plan.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(specJSON, forKey: .specJSON)
        try c.encode(declaredAt, forKey: .declaredAt)
        try c.encode(canaryReferenceSeconds, forKey: .canaryReferenceSeconds)
        try c.encode(quietJSON, forKey: .quietJSON)
    }
}

/// A sampled metric value at `t` seconds since the run started.
public struct SampleRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "samples"
    public var runID: String
    public var t: Double
    public var metric: SampleMetric
    public var value: Double

    public init(runID: String, t: Double, metric: SampleMetric, value: Double) {
        self.runID = runID
        self.t = t
        self.metric = metric
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case t, metric, value
        case runID = "run_id"
    }
}

/// The name of a sampled metric (`samples.metric`; docs/schema.md), spelled
/// here once.
public struct SampleMetric: RawRepresentable, Hashable, Comparable, Sendable, Codable, DatabaseValueConvertible,
                            ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (a: SampleMetric, b: SampleMetric) -> Bool { a.rawValue < b.rawValue }

    /// Resident set size of the run's process (tree, for a command), bytes.
    public static let rss: SampleMetric = "rss_bytes"
    /// CPU seconds of the run's process (tree) so far, user and system.
    public static let cpuUser: SampleMetric = "cpu_user_seconds"
    public static let cpuSystem: SampleMetric = "cpu_system_seconds"
    /// Threads and processes of a recorded command's tree.
    public static let threads: SampleMetric = "threads"
    public static let processes: SampleMetric = "processes"
    /// Live bytes in the tensor ledger, all categories together.
    public static let tensorBytes: SampleMetric = "tensor_bytes"
    /// nvidia-smi: devices seen, the run's GPU memory, all devices' memory, mean utilisation.
    public static let gpuCount: SampleMetric = "gpu_count"
    public static let gpuMemory: SampleMetric = "gpu_memory_bytes"
    public static let gpuDeviceMemory: SampleMetric = "gpu_device_memory_bytes"
    public static let gpuUtilization: SampleMetric = "gpu_utilization_percent"

    static let tensorPrefix = "tensor_bytes."
    /// Live bytes of one ledger category (weights, activations, …).
    public static func tensorBytes(_ category: String) -> SampleMetric { SampleMetric(rawValue: tensorPrefix + category) }
    /// The ledger category of a per-category metric, else nil.
    public var tensorCategory: String? { rawValue.hasPrefix(Self.tensorPrefix) ? String(rawValue.dropFirst(Self.tensorPrefix.count)) : nil }
    /// Sampled from nvidia-smi.
    public var isGPU: Bool { rawValue.hasPrefix("gpu_") }
    /// Memory a report draws over time: RSS, each ledger category, GPU memory.
    public var isMemoryCurve: Bool { self == .rss || tensorCategory != nil || self == .gpuMemory || self == .gpuDeviceMemory }
}

/// A phase change, warning or error during a run.
public struct EventRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "events"
    public var runID: String
    public var t: Double
    public var kind: String
    public var message: String

    public init(runID: String, t: Double, kind: String, message: String) {
        self.runID = runID
        self.t = t
        self.kind = kind
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case t, kind, message
        case runID = "run_id"
    }
}

/// ISO 8601 UTC timestamps with milliseconds, as stored in the database.
public enum Timestamp {
    public static func now() -> String { string(Date()) }

    /// Formatted by hand: a run's writer stamps its heartbeat several times a
    /// second, and building an ISO8601DateFormatter costs more than the write.
    public static func string(_ date: Date) -> String {
        // Rounded to whole milliseconds first, as ISO8601DateFormatter does.
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let millis = Int(ms - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let fields = [parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec].map(Int.init)
        return "\(padded(fields[0], 4))-\(padded(fields[1], 2))-\(padded(fields[2], 2))T"
            + "\(padded(fields[3], 2)):\(padded(fields[4], 2)):\(padded(fields[5], 2)).\(padded(millis, 3))Z"
    }

    public static func date(_ string: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: string)
    }
}
