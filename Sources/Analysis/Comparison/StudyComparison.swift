import Foundation
import RunStore

/// Every arm-versus-baseline comparison in a run database (docs/analysis.md).
public struct StudyComparison: Codable, Sendable {
    public struct ArmSummary: Codable, Sendable {
        public var info: ArmInfo
        public var completed: Int
        public var unfinished: [String: Int]
    }

    /// One unit: its arms, the baseline and target it used, and the plan.
    public struct Unit: Codable, Sendable {
        public var unit: ComparisonUnit
        public var configuration: String
        public var arms: [ArmSummary]
        public var baseline: String?
        public var target: TargetError?
        public var plan: AnalysisPlan
        public var notes: [String]
    }

    public var units: [Unit]
    public var comparisons: [ArmComparison]
    public var runs: [RunMetrics]

    public static func load(store: RunStore, study: String?, overrides: PlanDeclaration = .init()) throws(RunStoreError) -> StudyComparison {
        let runs = try store.runs(study: study)
        return make(runs: runs, epochs: try store.epochsByRun(study: study), studies: try store.studies(), overrides: overrides)
    }

    /// The comparisons of these runs: a pure function of the stored values.
    public static func make(runs: [RunRecord], epochs: [String: [EpochRecord]], studies: [StudyRecord],
                            overrides: PlanDeclaration = .init()) -> StudyComparison {
        let studyRecords = Dictionary(uniqueKeysWithValues: studies.map { ($0.name, $0) })
        // A run retimed by `study --retime` stays stored but its rerun stands in for it.
        let runs = runs.filter { $0.supersededBy == nil }
        let references = RunDisturbance.references(runs: runs, epochs: epochs, studies: studies)
        let armFastest = RunDisturbance.armFastest(runs: runs, epochs: epochs)
        let metrics = Dictionary(uniqueKeysWithValues: runs.filter { $0.status == .completed }.map {
            ($0.id, RunMetrics(run: $0, epochs: epochs[$0.id] ?? [], reference: references[RunDisturbance.referenceKey($0)],
                               armFastest: armFastest[RunDisturbance.ArmOnHost($0)]))
        })
        var units: [Unit] = [], comparisons: [ArmComparison] = []
        for (unit, arms) in ArmGrouping.group(runs) {
            let plan = AnalysisPlan(unit.study.flatMap { studyRecords[$0] }, overrides: overrides)
            var notes: [String] = []
            let target = targetError(arms, metrics: metrics, plan: plan, given: overrides.targetError != nil)
            let baseline = ArmGrouping.baseline(arms.filter { !$0.completed.isEmpty }, declared: plan.baseline)
            if baseline == nil {
                notes.append(plan.baseline.map { "the baseline arm '\($0)' has no completed runs here: nothing to compare with" }
                             ?? "no BP arm with completed runs to serve as the baseline: nothing to compare with")
            }
            let others = arms.filter { $0.info.name != baseline?.info.name && !$0.completed.isEmpty }
            if let baseline {
                if others.isEmpty { notes.append("only the baseline arm (\(baseline.info.title)) has completed runs: nothing to compare it with") }
                for arm in others {
                    comparisons.append(ArmComparer.compare(unit: unit, arm: arm, baseline: baseline, metrics: metrics,
                                                           plan: plan, target: target))
                }
                // Several BP arms of one framework (BP's memory-saving variants): FF
                // is compared with each, so its memory can be put against the fairest.
                let variants = baseline.info.algorithm != "bp" ? []
                    : others.filter { $0.info.algorithm == "bp" && $0.info.framework == baseline.info.framework }
                for ff in others where ff.info.algorithm == "ff" && ff.info.framework == baseline.info.framework {
                    for variant in variants {
                        comparisons.append(ArmComparer.compare(unit: unit, arm: ff, baseline: variant, metrics: metrics,
                                                               plan: plan, target: target))
                    }
                }
            }
            units.append(Unit(unit: unit, configuration: unit.configuration,
                              arms: arms.map { ArmSummary(info: $0.info, completed: $0.completed.count,
                                                          unfinished: Dictionary(uniqueKeysWithValues: $0.unfinished.map { ($0.key.rawValue, $0.value) })) },
                              baseline: baseline?.info.name, target: target, plan: plan, notes: notes))
        }
        return StudyComparison(units: units, comparisons: comparisons,
                               runs: runs.compactMap { metrics[$0.id] })
    }

    /// The completed runs of a study whose timing the disturbance rule
    /// flagged (any disturbed epoch), superseded ones aside: what
    /// `study --retime` reruns.
    public static func disturbedRuns(store: RunStore, study: String) throws(RunStoreError) -> [RunRecord] {
        let c = try load(store: store, study: study)
        let flagged = Set(c.runs.filter { $0.disturbance.isDisturbed }.map(\.runID))
        return try store.runs(study: study).filter { flagged.contains($0.id) }
    }

    /// The declared target, or the least accurate arm's median best
    /// validation error: the accuracy every arm reaches (in median).
    /// `given`: the plan's target came from the command line, not the study.
    static func targetError(_ arms: [ArmRuns], metrics: [String: RunMetrics], plan: AnalysisPlan, given: Bool = false) -> TargetError? {
        let compared = arms.flatMap(\.completed).compactMap { metrics[$0.id] }
        let onValidation = !compared.isEmpty && compared.allSatisfy(\.selectsOnValidation)
        if let t = plan.targetError { return TargetError(error: t, source: given ? "given" : "declared", derivedFrom: nil, onValidation: onValidation) }
        let medians = arms.compactMap { arm -> (String, Double)? in
            let best = arm.completed.compactMap { metrics[$0.id]?.values["best_validation_error"] }
            return best.isEmpty ? nil : (arm.info.name, Stats.median(best))
        }
        guard let worst = medians.max(by: { ($0.1, $1.0) < ($1.1, $0.0) }) else { return nil }
        return TargetError(error: worst.1, source: "derived", derivedFrom: worst.0, onValidation: onValidation)
    }
}
