import Foundation
import RunStore

/// What an endpoint's interval says: the verdict is read off the interval
/// (never off a p-value alone), so the two cannot disagree.
public enum Verdict: String, Codable, Sendable {
    /// The arm's value is lower than the baseline's (the interval excludes no difference).
    case lower
    case higher
    /// The interval includes no difference: the data cannot tell.
    case inconclusive
    /// Accuracy: the equivalence interval lies inside ±margin.
    case equivalent
    /// A ratio whose interval lies inside [1/δ, δ] (δ: the plan's smallest effect).
    case practicallyEqual = "practically_equal"
    /// Times: too few runs of an arm had undisturbed epochs to compare.
    case unreliable
    /// Accuracy: not shown equivalent, and not shown different either.
    case notShownEquivalent = "not_shown_equivalent"
    /// Exact quantities: stated, not tested.
    case stated
    /// Too few values to compare.
    case notComparable = "not_comparable"
}

/// Exact quantities of both arms: stated, with their ratio, never tested.
public struct ExactValues: Codable, Sendable, Equatable {
    public var arm: [Double]
    public var baseline: [Double]
    /// Whether every seed of each arm gave the same value (the premise of stating it exactly).
    public var identical: Bool
    public var ratio: Double?
}

/// The target error a unit's time to target is measured against.
public struct TargetError: Codable, Sendable, Equatable {
    public var error: Double
    /// "declared" (the spec's target-error), "given" (`--target-error` on the
    /// command line) or "derived" (the least accurate
    /// arm's median best validation error: the accuracy every arm reaches).
    public var source: String
    public var derivedFrom: String?
    /// Whether selection read a validation split (false: the test set).
    public var onValidation: Bool

    enum CodingKeys: String, CodingKey {
        case error, source
        case derivedFrom = "derived_from"
        case onValidation = "on_validation"
    }
}

/// One metric of one arm against the baseline.
public struct Endpoint: Codable, Sendable {
    public var metric: String
    public var kind: MetricKind
    public var primary: Bool
    /// Values used, arm and baseline.
    public var n: [Int]
    public var paired: Bool
    /// Per arm, in stored units (arm, baseline).
    public var describe: [Descriptive?]
    public var ratio: LogRatio?
    public var equivalence: Equivalence?
    public var survival: SurvivalComparison?
    public var exact: ExactValues?
    /// The 95 % interval the verdict of a secondary endpoint follows, on the
    /// reported scale (a ratio, or percentage points).
    public var estimate: LeveledInterval?
    /// Primary only: the family test's p, Holm's adjusted p, and the
    /// interval read at the level of Holm's step (the primary verdict's).
    public var pValue: Double?
    public var pAdjusted: Double?
    public var adjusted: LeveledInterval?
    /// A rank test on the same data, labelled as a sensitivity analysis.
    public var sensitivity: TestResult?
    public var verdict: Verdict
    /// Ratios: equivalence within δ by TOST on logs, and where the verdict's interval lies against [1/δ, δ].
    public var practical: PracticalEquivalence?
    public var reading: PracticalEquivalence.Reading?
    /// Times: how many epochs and runs of each arm (arm, baseline) the disturbance rule flagged.
    public var disturbance: [DisturbanceCount]?
    /// A priori: the smallest ratio this many seeds detect with 80 % power
    /// at the plan's pilot CV, at Holm's first-step level α/4.
    public var detectableRatio: Double?
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case metric, kind, primary, n, paired, describe, ratio, equivalence, survival, exact, estimate, adjusted, sensitivity, verdict, notes
        case practical, reading, disturbance
        case pValue = "p_value"
        case pAdjusted = "p_adjusted"
        case detectableRatio = "detectable_ratio"
    }

    public var definition: Metric? { Metrics.named(metric) }
}

/// An arm against the baseline arm within one unit: every metric's
/// endpoint, with Holm's adjustment over the primary ones.
public struct ArmComparison: Codable, Sendable {
    public var unit: ComparisonUnit
    public var configuration: String
    public var arm: ArmInfo
    public var baseline: ArmInfo
    /// Completed runs of the arm and the baseline.
    public var runs: [Int]
    /// Runs that did not complete, by status, per arm.
    public var unfinished: [[String: Int]]
    /// Whether runs pair by seed (the same seeds completed in both arms).
    public var paired: Bool
    /// Primary endpoints tested: the size of Holm's family.
    public var familySize: Int
    public var target: TargetError?
    public var endpoints: [Endpoint]
    /// CPU models each arm's runs ran on (arm, baseline).
    public var cpuModels: [[String]]
    /// The disturbance rule's counts per arm (arm, baseline), and in all.
    public var disturbance: [DisturbanceCount]
    public var epochs: Int
    public var disturbedEpochs: Int
    /// The analysis plan the comparison was made under.
    public var plan: AnalysisPlan
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case unit, configuration, arm, baseline, runs, unfinished, paired, target, endpoints, notes, plan
        case familySize = "family_size"
        case cpuModels = "cpu_models"
        case disturbance, epochs
        case disturbedEpochs = "disturbed_epochs"
    }

    public func endpoint(_ metric: Metric) -> Endpoint? { endpoints.first { $0.metric == metric.name } }
}

enum ArmComparer {
    static func compare(unit: ComparisonUnit, arm: ArmRuns, baseline: ArmRuns, metrics: [String: RunMetrics],
                        plan: AnalysisPlan, target: TargetError?) -> ArmComparison {
        let armSeeds = arm.completed.compactMap(\.seed), baseSeeds = baseline.completed.compactMap(\.seed)
        let paired = armSeeds.count == arm.completed.count && baseSeeds.count == baseline.completed.count
            && Set(armSeeds).count == armSeeds.count && Set(armSeeds) == Set(baseSeeds) && armSeeds.count >= 2
        var endpoints: [Endpoint] = []
        for metric in Metrics.all {
            endpoints.append(endpoint(metric, arm: arm, baseline: baseline, metrics: metrics, pairedRuns: paired,
                                      plan: plan, target: target))
        }
        // Holm over the primary endpoints that could be tested.
        let family = endpoints.indices.filter { endpoints[$0].primary && endpoints[$0].pValue != nil }
        let (adjusted, levels) = MultipleComparisons.holmSteps(family.map { endpoints[$0].pValue! }, alpha: plan.alpha)
        for (k, i) in family.enumerated() {
            endpoints[i].pAdjusted = adjusted[k]
            readAdjusted(&endpoints[i], level: levels[k], plan: plan)
        }
        var notes: [String] = []
        if !paired && !arm.completed.isEmpty && !baseline.completed.isEmpty {
            notes.append("runs do not pair by seed (different seeds completed): unpaired Welch procedures")
        }
        for (a, name) in [(arm, arm.info.title), (baseline, baseline.info.title)] where !a.unfinished.isEmpty {
            let parts = a.unfinished.keys.sorted { $0.rawValue < $1.rawValue }.map { "\(a.unfinished[$0]!) \($0.rawValue)" }
            notes.append("\(name): \(parts.joined(separator: ", ")) run(s) not in these figures")
        }
        func models(_ a: ArmRuns) -> [String] { Array(Set(a.completed.compactMap { $0.host?.cpuModel })).sorted() }
        let counts = disturbanceCounts(arm, baseline, metrics)
        return ArmComparison(unit: unit, configuration: unit.configuration, arm: arm.info, baseline: baseline.info,
                             runs: [arm.completed.count, baseline.completed.count],
                             unfinished: [arm, baseline].map { a in Dictionary(uniqueKeysWithValues: a.unfinished.map { ($0.key.rawValue, $0.value) }) },
                             paired: paired, familySize: family.count, target: target, endpoints: endpoints,
                             cpuModels: [models(arm), models(baseline)], disturbance: counts,
                             epochs: counts[0].epochs + counts[1].epochs,
                             disturbedEpochs: counts[0].disturbedEpochs + counts[1].disturbedEpochs, plan: plan, notes: notes)
    }

    static func disturbanceCounts(_ arm: ArmRuns, _ baseline: ArmRuns, _ metrics: [String: RunMetrics]) -> [DisturbanceCount] {
        [arm, baseline].map { a in DisturbanceCount(a.completed.compactMap { metrics[$0.id]?.disturbance }) }
    }

    /// Fewer undisturbed runs than this in an arm: its time is not compared.
    static let minimumUndisturbedRuns = 2

    /// Times depend on the node: these pair within nodes where they can.
    static let nodeSensitive: Set<String> = ["epoch_seconds", "mean_epoch_seconds", "cpu_seconds_per_epoch", "total_wall_seconds"]

    /// Values of a metric, aligned by seed when runs pair. A time whose
    /// seed pairs ran on different nodes pairs within nodes instead, when
    /// every node ran as many runs of the arm as of the baseline.
    static func values(_ metric: String, _ arm: ArmRuns, _ baseline: ArmRuns, _ metrics: [String: RunMetrics],
                       paired: Bool, notes: inout [String]) -> (arm: [Double], baseline: [Double], paired: Bool) {
        func value(_ r: RunRecord) -> Double? { metrics[r.id]?.values[metric] }
        if paired && nodeSensitive.contains(metric) {
            let base = Dictionary(uniqueKeysWithValues: baseline.completed.map { ($0.seed!, $0) })
            let crossing = arm.completed.filter { $0.hostname != base[$0.seed!]?.hostname }.count
            if crossing > 0 {
                let byHost = Dictionary(grouping: arm.completed, by: { $0.hostname ?? "" })
                let baseByHost = Dictionary(grouping: baseline.completed, by: { $0.hostname ?? "" })
                if Set(byHost.keys) == Set(baseByHost.keys) && byHost.allSatisfy({ baseByHost[$0.key]?.count == $0.value.count }) {
                    var a: [Double] = [], b: [Double] = []
                    for host in byHost.keys.sorted() {
                        for (x, y) in zip(byHost[host]!.sorted { ($0.seed ?? 0) < ($1.seed ?? 0) },
                                          baseByHost[host]!.sorted { ($0.seed ?? 0) < ($1.seed ?? 0) }) {
                            if let vx = value(x), let vy = value(y) { a.append(vx); b.append(vy) }
                        }
                    }
                    if a.count >= 2 && a.count == arm.completed.count {
                        notes.append("\(crossing) seed pair(s) ran on different nodes: runs are paired within nodes instead (\(byHost.count) nodes)")
                        return (a, b, true)
                    }
                }
                notes.append("\(crossing) of \(arm.completed.count) seed pairs ran on different nodes")
            }
        }
        if paired {
            let base = Dictionary(uniqueKeysWithValues: baseline.completed.map { ($0.seed!, value($0)) })
            var a: [Double] = [], b: [Double] = []
            for r in arm.completed { if let x = value(r), let y = base[r.seed!] ?? nil { a.append(x); b.append(y) } }
            if a.count >= 2 && a.count == arm.completed.count { return (a, b, true) }
            // Seeds without a value on one side (a run with no undisturbed epoch) leave the pairs that remain.
            if a.count >= 2 {
                notes.append("\(arm.completed.count - a.count) seed pair(s) without a value on one side left out of the pairing")
                return (a, b, true)
            }
        }
        return (arm.completed.compactMap(value), baseline.completed.compactMap(value), false)
    }

    static func endpoint(_ metric: Metric, arm: ArmRuns, baseline: ArmRuns, metrics: [String: RunMetrics], pairedRuns: Bool,
                         plan: AnalysisPlan, target: TargetError?) -> Endpoint {
        var e = Endpoint(metric: metric.name, kind: metric.kind, primary: metric.primary, n: [0, 0], paired: false,
                         describe: [nil, nil], verdict: .notComparable, notes: [])
        if metric.kind == .timeToTarget {
            timeToTarget(&e, arm: arm, baseline: baseline, metrics: metrics, target: target)
            return e
        }
        if metric.name == Metrics.epochTime.name {
            let counts = disturbanceCounts(arm, baseline, metrics)
            e.disturbance = counts
            // Too few runs at all is not the machine's doing: that is "not comparable", below.
            if let (who, c) = zip([arm, baseline], counts).first(where: {
                $0.1.unusableRuns > 0 && $0.1.runs >= minimumUndisturbedRuns && $0.1.runs - $0.1.unusableRuns < minimumUndisturbedRuns
            }) {
                e.verdict = .unreliable
                e.n = counts.map { $0.runs - $0.unusableRuns }
                e.notes.append("unreliable: the machine was busy during \(c.unusableRuns) of \(c.runs) \(who.info.title) runs (no undisturbed epoch)")
                return e
            }
        }
        var pairingNotes: [String] = []
        let (a, b, paired) = values(metric.name, arm, baseline, metrics, paired: pairedRuns, notes: &pairingNotes)
        e.notes += pairingNotes
        e.n = [a.count, b.count]
        e.paired = paired
        e.describe = [a, b].map { try? Descriptive($0) }
        guard !a.isEmpty && !b.isEmpty else {
            e.notes.append("no values in \(a.isEmpty ? arm.info.title : baseline.info.title)")
            return e
        }
        switch metric.kind {
        case .exact:
            let identical = Set(a).count == 1 && Set(b).count == 1
            e.exact = ExactValues(arm: Array(Set(a)).sorted(), baseline: Array(Set(b)).sorted(), identical: identical,
                                  ratio: identical && b[0] != 0 ? a[0] / b[0] : nil)
            e.verdict = .stated
            if !identical { e.notes.append("varies between seeds, so it is not an exact quantity here: values are listed, not tested") }
        case .ratio:
            do {
                let r = try LogRatio(arm: a, baseline: b, paired: paired)
                e.ratio = r
                e.estimate = r.ratio
                e.practical = PracticalEquivalence(r, delta: plan.smallestEffect)
                if metric.primary { e.pValue = r.pValue }
                else { (e.verdict, e.reading) = ratioVerdict(r.ratio, delta: plan.smallestEffect) }
                e.sensitivity = try? (paired ? Wilcoxon.test(a.map(log), b.map(log)) : MannWhitney.test(a.map(log), b.map(log)))
                if metric.primary {
                    let seeds = paired ? a.count : min(a.count, b.count)
                    e.detectableRatio = Power.detectableRatio(seeds: seeds, cv: plan.pilotCV, paired: paired, alpha: DesignCheck.detectionLevel(plan))
                }
            } catch { e.notes.append("\(error)") }
        case .accuracy:
            do {
                let q = try Equivalence(arm: a.map { $0 * 100 }, baseline: b.map { $0 * 100 }, paired: paired, margin: plan.equivalenceMargin)
                e.equivalence = q
                e.estimate = q.difference
                if metric.primary { e.pValue = q.pValue }
                else { e.verdict = accuracyVerdict(q, equivalenceLevel: plan.alpha) }
            } catch { e.notes.append("\(error)") }
        case .timeToTarget:
            break
        }
        return e
    }

    static func timeToTarget(_ e: inout Endpoint, arm: ArmRuns, baseline: ArmRuns, metrics: [String: RunMetrics], target: TargetError?) {
        guard let target else {
            e.notes.append("no target error: no arm has a validation (or test) error to derive one from")
            return
        }
        let a = arm.completed.compactMap { metrics[$0.id]?.timeToTarget(target.error) }
        let b = baseline.completed.compactMap { metrics[$0.id]?.timeToTarget(target.error) }
        e.n = [a.count, b.count]
        guard !a.isEmpty && !b.isEmpty else { e.notes.append("no training times"); return }
        // One run an arm says nothing of run-to-run spread: its interval would have no width.
        guard a.count >= 2 && b.count >= 2 else {
            e.notes.append("\(a.count < 2 ? arm.info.title : baseline.info.title): 1 run, need at least 2 per arm")
            return
        }
        do {
            let s = try SurvivalComparison(arm: a, baseline: b)
            e.survival = s
            e.estimate = s.ratio
            e.pValue = s.pValue
            for (side, name) in [(s.arm, arm.info.title), (s.baseline, baseline.info.title)] where side.unreliable {
                e.notes.append("\(side.censored) of \(side.n) \(name) runs never reached the target: unreliable (more than one censored run)")
            }
        } catch { e.notes.append("\(error)") }
    }

    /// Reads a primary endpoint at its Holm step's level γ.
    static func readAdjusted(_ e: inout Endpoint, level gamma: Double, plan: AnalysisPlan) {
        if let r = e.ratio {
            let i = r.interval(1 - gamma)
            e.adjusted = i
            (e.verdict, e.reading) = ratioVerdict(i, delta: plan.smallestEffect)
        } else if let q = e.equivalence {
            e.adjusted = q.equivalenceInterval(alpha: gamma)
            e.verdict = accuracyVerdict(q, equivalenceLevel: gamma)
        } else if let s = e.survival {
            let i = s.interval(1 - gamma)
            e.adjusted = i
            e.verdict = direction(i, null: 1)
        }
    }

    /// A ratio's verdict and reading from one interval: practically equal
    /// inside [1/δ, δ]; otherwise its direction when it excludes 1.
    static func ratioVerdict(_ i: LeveledInterval, delta: Double) -> (Verdict, PracticalEquivalence.Reading) {
        let reading = PracticalEquivalence.read(i, delta: delta)
        return (reading == .within ? .practicallyEqual : direction(i, null: 1), reading)
    }

    static func direction(_ i: LeveledInterval, null: Double) -> Verdict {
        i.high < null ? .lower : i.low > null ? .higher : .inconclusive
    }

    /// Equivalent when the (1 − 2γ) interval lies inside ±margin; otherwise
    /// lower or higher when the 95 % interval of the difference excludes 0.
    static func accuracyVerdict(_ q: Equivalence, equivalenceLevel gamma: Double) -> Verdict {
        if q.isEquivalent(alpha: gamma) { return .equivalent }
        switch direction(q.difference, null: 0) {
        case .lower: return .lower
        case .higher: return .higher
        default: return .notShownEquivalent
        }
    }
}

