import Foundation
import RunStore

/// One run's epochs read by the rule.
public struct RunDisturbance: Codable, Sendable, Equatable {
    public var epochs: Int
    /// Epoch numbers judged disturbed.
    public var disturbedEpochs: [Int]
    /// How many epochs each reason flagged (an epoch may have several).
    public var reasons: [String: Int]
    /// Training seconds of the undisturbed epochs, in epoch order.
    public var undisturbedSeconds: [Double]
    /// Which parts of the rule the stored data allowed (older runs lack the measurements).
    public var measured: [String]

    enum CodingKeys: String, CodingKey {
        case epochs, reasons, measured
        case disturbedEpochs = "disturbed_epochs"
        case undisturbedSeconds = "undisturbed_seconds"
    }

    /// `armFastest`: the fastest epoch of the run's arm on its host (`armFastest(runs:epochs:)`).
    public init(epochs: [EpochLine], reference: Double?, armFastest: Double? = nil, rule: DisturbanceRule = .standard) {
        let timed = epochs.filter { $0.trainSeconds != nil }
        let fastest = timed.compactMap(\.trainSeconds).min()
        var disturbed: [Int] = [], counts: [String: Int] = [:], clean: [Double] = []
        for e in timed {
            let why = rule.reasons(e, fastest: fastest, armFastest: armFastest, reference: reference)
            for r in why { counts[r.rawValue, default: 0] += 1 }
            if why.isEmpty { clean.append(e.trainSeconds!) } else { disturbed.append(e.epoch) }
        }
        self.epochs = timed.count
        disturbedEpochs = disturbed
        reasons = counts
        undisturbedSeconds = clean
        var m: [String] = []
        if timed.contains(where: { $0.otherCPUShare != nil }) { m.append(DisturbanceReason.otherCPU.rawValue) }
        if reference != nil && timed.contains(where: { $0.canarySeconds != nil }) { m.append(DisturbanceReason.canary.rawValue) }
        if timed.count > 1 { m.append(DisturbanceReason.slowEpoch.rawValue) }
        if armFastest != nil && !timed.isEmpty { m.append(DisturbanceReason.slowForArm.rawValue) }
        measured = m
    }

    public var isDisturbed: Bool { !disturbedEpochs.isEmpty }
    /// A run with no undisturbed epoch gives no undisturbed time.
    public var isUsable: Bool { !undisturbedSeconds.isEmpty }

    /// The run's quiet time per epoch: the median of its undisturbed epochs.
    public var undisturbedEpochSeconds: Double? { undisturbedSeconds.isEmpty ? nil : Stats.median(undisturbedSeconds) }

    /// The machine's quiet canary time for each host: the fastest of the
    /// study's declared reference and every canary its runs took there.
    public static func references(runs: [RunRecord], epochs: [String: [EpochRecord]], studies: [StudyRecord]) -> [String: Double] {
        let declared = Dictionary(studies.compactMap { s in s.canaryReferenceSeconds.map { (s.name, $0) } }, uniquingKeysWith: min)
        var out: [String: Double] = [:]
        for r in runs {
            let key = referenceKey(r)
            let canaries = (epochs[r.id] ?? []).compactMap(\.canarySeconds).filter { $0.isFinite && $0 > 0 }
            for v in canaries + [r.study.flatMap { declared[$0] }].compactMap({ $0 }) {
                out[key] = min(out[key] ?? .infinity, v)
            }
        }
        return out
    }

    public static func referenceKey(_ r: RunRecord) -> String { "\(r.study ?? "")\u{1F}\(r.hostname ?? "")" }

    /// The fastest training epoch of each arm on each host, over its
    /// completed runs: what an epoch of that arm takes when nothing slows it.
    public static func armFastest(runs: [RunRecord], epochs: [String: [EpochRecord]]) -> [ArmOnHost: Double] {
        var out: [ArmOnHost: Double] = [:]
        for r in runs where r.status == .completed {
            guard let f = (epochs[r.id] ?? []).compactMap(\.trainSeconds).filter({ $0 > 0 }).min() else { continue }
            out[ArmOnHost(r), default: .infinity] = min(out[ArmOnHost(r), default: .infinity], f)
        }
        return out
    }

    /// The same work: one arm of a comparison unit, on one host.
    public struct ArmOnHost: Hashable, Sendable {
        var unit: ComparisonUnit, arm: String, host: String?
        public init(_ r: RunRecord) { (unit, arm, host) = (ComparisonUnit(r), ArmInfo.of(r).name, r.hostname) }
    }
}

/// How many epochs and runs of an arm the rule flagged.
public struct DisturbanceCount: Codable, Sendable, Equatable {
    public var epochs = 0
    public var disturbedEpochs = 0
    public var runs = 0
    public var disturbedRuns = 0
    /// Runs with no undisturbed epoch at all.
    public var unusableRuns = 0
    /// Epochs each reason flagged.
    public var reasons: [String: Int] = [:]

    enum CodingKeys: String, CodingKey {
        case epochs, runs, reasons
        case disturbedEpochs = "disturbed_epochs"
        case disturbedRuns = "disturbed_runs"
        case unusableRuns = "unusable_runs"
    }

    public init() {}

    public init(_ runs: [RunDisturbance]) {
        for r in runs { add(r) }
    }

    mutating func add(_ r: RunDisturbance) {
        epochs += r.epochs
        disturbedEpochs += r.disturbedEpochs.count
        runs += 1
        if r.isDisturbed { disturbedRuns += 1 }
        if !r.isUsable { unusableRuns += 1 }
        for (k, v) in r.reasons { reasons[k, default: 0] += v }
    }

    public static func + (a: DisturbanceCount, b: DisturbanceCount) -> DisturbanceCount {
        var c = a
        c.epochs += b.epochs
        c.disturbedEpochs += b.disturbedEpochs
        c.runs += b.runs
        c.disturbedRuns += b.disturbedRuns
        c.unusableRuns += b.unusableRuns
        for (k, v) in b.reasons { c.reasons[k, default: 0] += v }
        return c
    }
}
