import Foundation
import RunStore

/// What a comparison holds fixed: one study, data set, network, batch
/// size and epoch budget. Arms are compared only within one unit.
public struct ComparisonUnit: Codable, Sendable, Hashable, Comparable {
    public var study: String?
    public var dataset: String?
    public var layers: String?
    public var batchSize: Int?
    public var epochs: Int?

    enum CodingKeys: String, CodingKey {
        case study, dataset, layers, epochs
        case batchSize = "batch_size"
    }

    public init(_ run: RunRecord) {
        study = run.study
        dataset = run.dataset
        layers = run.layers
        batchSize = run.batchSize
        epochs = run.epochs
    }

    /// "2x500, batch 100, 10 epochs".
    public var configuration: String {
        "\(layers ?? "–"), batch \(batchSize.map(String.init) ?? "–"), \(epochs.map(String.init) ?? "–") epoch\(epochs == 1 ? "" : "s")"
    }

    public static func < (a: ComparisonUnit, b: ComparisonUnit) -> Bool {
        func key(_ u: ComparisonUnit) -> [String] {
            [u.study ?? "", u.dataset ?? "", u.layers ?? "", String(format: "%012d", u.batchSize ?? 0), String(format: "%09d", u.epochs ?? 0)]
        }
        return key(a).lexicographicallyPrecedes(key(b))
    }
}

/// An arm's identity: its name in the study (grid suffixes stripped, since
/// the unit already says which grid point), what it runs and in what.
public struct ArmInfo: Codable, Sendable, Hashable {
    public var name: String
    public var algorithm: String
    public var framework: String

    /// The arm a run belongs to: its stored arm name up to a grid suffix
    /// ("ff[layers=2x2000]" is arm "ff"), or its algorithm (and framework,
    /// when not ffbench) for runs recorded without one.
    public static func of(_ run: RunRecord) -> ArmInfo {
        let framework = run.framework ?? (run.algorithm == "external" ? "external" : "ffbench")
        let name: String
        if let arm = run.arm, !arm.isEmpty {
            name = arm.firstIndex(of: "[").map { String(arm[..<$0]) } ?? arm
        } else {
            name = framework == "ffbench" ? run.algorithm : "\(run.algorithm)-\(framework)"
        }
        return ArmInfo(name: name, algorithm: run.algorithm, framework: framework)
    }

    /// How sentences name the arm: "FF" for an arm named after its
    /// algorithm, otherwise its own name.
    public var title: String {
        name.lowercased() == algorithm.lowercased() ? algorithm.uppercased() : name
    }

    /// The title with its framework, for when arms of several frameworks
    /// meet: "FF (ffbench)", "torch-ff (FF, pytorch)".
    public var titleWithFramework: String {
        title == algorithm.uppercased() ? "\(title) (\(framework))" : "\(title) (\(algorithm.uppercased()), \(framework))"
    }
}

/// The runs of one arm in one unit.
public struct ArmRuns: Sendable {
    public var info: ArmInfo
    /// Completed runs, by seed.
    public var completed: [RunRecord]
    /// Runs that did not complete, by status (failed, diverged, interrupted, running).
    public var unfinished: [RunStatus: Int]

    public var seeds: [Int64?] { completed.map(\.seed) }
}

enum ArmGrouping {
    /// Runs grouped into units, and within each unit into arms (sorted by name).
    static func group(_ runs: [RunRecord]) -> [(ComparisonUnit, [ArmRuns])] {
        let byUnit = Dictionary(grouping: runs, by: ComparisonUnit.init)
        return byUnit.keys.sorted().map { unit in
            let byArm = Dictionary(grouping: byUnit[unit]!, by: { ArmInfo.of($0).name })
            let arms = byArm.keys.sorted().map { name -> ArmRuns in
                let rs = byArm[name]!
                let completed = rs.filter { $0.status == .completed }.sorted { ($0.seed ?? .min, $0.id) < ($1.seed ?? .min, $1.id) }
                // The arm's identity from its completed runs when it has any.
                let info = ArmInfo.of((completed.first ?? rs[0]))
                var unfinished: [RunStatus: Int] = [:]
                for r in rs where r.status != .completed { unfinished[r.status, default: 0] += 1 }
                return ArmRuns(info: info, completed: completed, unfinished: unfinished)
            }
            return (unit, arms)
        }
    }

    /// The declared baseline when given; otherwise the one BP arm (the
    /// ffbench one when several frameworks have a BP arm). nil when none fits.
    static func baseline(_ arms: [ArmRuns], declared: String?) -> ArmRuns? {
        if let declared { return arms.first { $0.info.name == declared } }
        let bp = arms.filter { $0.info.algorithm == "bp" }
        if bp.count <= 1 { return bp.first }
        return bp.first { $0.info.framework == "ffbench" } ?? bp.first
    }
}
