import Foundation

/// The rule, fixed in advance (docs/analysis.md), by which an epoch's
/// timing is *disturbed*: the machine did something else while it trained.
/// Thresholds come from measurements on an idle 2-core machine, quoted in
/// docs/analysis.md beside them.
public struct DisturbanceRule: Codable, Sendable, Equatable {
    /// Other CPU use (busy less the run's own tree, plus steal) above this share of all cores.
    public var otherCPUShare: Double
    /// The canary around the epoch slower than the quiet reference by more than this fraction.
    public var canarySlowdown: Double
    /// The epoch slower than its run's fastest epoch by more than this fraction (epochs of a run do the same work).
    public var epochSlowdown: Double
    /// The epoch slower than the fastest epoch of its arm on its host by more
    /// than this fraction: every run of an arm does the same work, so a whole
    /// run slowed by the host (which its own epochs cannot show) stands out.
    public var armSlowdown: Double

    enum CodingKeys: String, CodingKey {
        case otherCPUShare = "other_cpu_share"
        case canarySlowdown = "canary_slowdown"
        case epochSlowdown = "epoch_slowdown"
        case armSlowdown = "arm_slowdown"
    }

    public static let standard = DisturbanceRule(otherCPUShare: 0.10, canarySlowdown: 0.75, epochSlowdown: 0.50, armSlowdown: 0.50)

    /// Why an epoch is disturbed (empty: undisturbed). `fastest`: the run's
    /// fastest epoch; `armFastest`: the fastest epoch of the run's arm on its
    /// host; `reference`: the machine's quiet canary time.
    public func reasons(_ e: EpochLine, fastest: Double?, armFastest: Double? = nil, reference: Double?) -> [DisturbanceReason] {
        var why: [DisturbanceReason] = []
        if let share = e.otherCPUShare, share > otherCPUShare { why.append(.otherCPU) }
        if let c = e.canarySeconds, let r = reference, r > 0, c > r * (1 + canarySlowdown) { why.append(.canary) }
        if let s = e.trainSeconds, let f = fastest, f > 0, s > f * (1 + epochSlowdown) { why.append(.slowEpoch) }
        if let s = e.trainSeconds, let f = armFastest, f > 0, s > f * (1 + armSlowdown) { why.append(.slowForArm) }
        return why
    }
}

public enum DisturbanceReason: String, Codable, Sendable, CaseIterable {
    case otherCPU = "other_cpu"
    case canary
    case slowEpoch = "slow_epoch"
    case slowForArm = "slow_for_arm"

    public var words: String {
        switch self {
        case .otherCPU: return "other processes used the CPU"
        case .canary: return "the canary ran slow"
        case .slowEpoch: return "slower than the run's fastest epoch"
        case .slowForArm: return "slower than its arm's fastest epoch"
        }
    }
}

