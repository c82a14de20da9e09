import Analysis
import Foundation
import RunStore

/// Builds the report document from the model: the answer first, then the
/// results with their tables and figures, the methods, the check against
/// the paper and the machines.
enum ReportContent {
    static func document(_ model: ReportModel) -> ReportDocument {
        let styles = ArmStyles(model.runs.map(ArmInfo.of))
        var numbering = Numbering()
        var refs = References()
        let results = resultsSection(model, styles: styles, numbering: &numbering, refs: &refs)
        let validation = validationSection(model, numbering: &numbering)
        return ReportDocument(
            title: model.title, question: ReportText.question,
            meta: "Database \(model.database) · runs as of \(model.asOf) · \(model.runs.count) runs",
            sections: [answerSection(model, styles: styles, refs: refs), results, methodsSection(model, styles: styles),
                       validation, environmentSection(model, styles: styles)])
    }

    // MARK: - The answer

    /// What the answer points to: each comparison's own table, then what its
    /// configuration shares (GPU table, figures), then the figures across
    /// configurations — each once.
    struct References {
        var tables: [ComparisonUnit: [String: String]] = [:]
        var unit: [ComparisonUnit: [String]] = [:]
        var across: [String] = []

        func labels(_ c: ArmComparison) -> [String] {
            (tables[c.unit]?[c.arm.name].map { [$0] } ?? []) + (unit[c.unit] ?? []) + across
        }
    }

    static func answerSection(_ model: ReportModel, styles: ArmStyles, refs: References) -> ReportDocument.Section {
        var blocks: [ReportDocument.Block] = []
        if model.comparisons.isEmpty {
            blocks.append(.paragraph("No arm has completed runs to compare with a baseline yet."))
        }
        let fairest = Dictionary(grouping: FairestBaseline.choices(model), by: \.comparison.unit)
        var seen = Set<ComparisonUnit>()
        for c in model.comparisons {
            // The memory answer against the fairest BP arm leads its configuration.
            if seen.insert(c.unit).inserted {
                for choice in fairest[c.unit] ?? [] {
                    let f = choice.comparison
                    blocks.append(.subheading("\(ReportText.datasetTitle(f.unit.dataset)), \(f.configuration): \(styles.label(f.arm)) against the fairest BP baseline"))
                    blocks.append(.bullets(FairestBaseline.sentences(choice, styles: styles)))
                }
            }
            blocks.append(.subheading("\(ReportText.datasetTitle(c.unit.dataset)), \(c.configuration): \(styles.label(c.arm)) against \(styles.label(c.baseline))"))
            blocks.append(.bullets(Answer.sentences(c, styles: styles)))
            var design = Answer.design(c)
            let r = refs.labels(c)
            if !r.isEmpty { design += (design.isEmpty ? "" : " ") + "Details: " + list(r) + "." }
            if !design.isEmpty { blocks.append(.paragraph(design)) }
        }
        for w in warnings(model, styles: styles) { blocks.append(.warning(w)) }
        return .init(id: "answer", title: "The answer", blocks: blocks)
    }

    static func warnings(_ model: ReportModel, styles: ArmStyles) -> [String] {
        var w = Answer.warnings(model.comparisons, styles: styles)
        if model.runs.isEmpty { w.append("The database holds no runs: nothing to report yet.") }
        for u in model.analysis.units { w += u.notes.map { "\(ReportText.datasetTitle(u.unit.dataset)), \(u.configuration): \($0)." } }
        let noEpochs = model.runs.filter { (model.epochs[$0.id] ?? []).isEmpty }.count
        if noEpochs > 0 { w.append("\(noEpochs) run(s) have no recorded epochs and contribute nothing.") }
        // A run that stopped and was redone (a resumed study) is replaced, not missing.
        struct Slot: Hashable { var unit: ComparisonUnit, arm: String, seed: Int64? }
        func key(_ r: RunRecord) -> Slot { Slot(unit: ComparisonUnit(r), arm: ArmInfo.of(r).name, seed: r.seed) }
        let done = Set(model.runs.filter { $0.status == .completed }.map(key))
        let unfinished = model.runs.filter { $0.status != .completed }
        let redone = unfinished.filter { done.contains(key($0)) }.count
        let missing = unfinished.filter { !done.contains(key($0)) }
        if !missing.isEmpty {
            let byStatus = Dictionary(grouping: missing, by: \.status).sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.value.count) \($0.key.rawValue)" }.joined(separator: ", ")
            w.append("\(missing.count) run(s) did not complete (\(byStatus)) and are left out.")
            // Why, where the store knows: a run read as interrupted because its heartbeat stopped says so.
            for r in missing.prefix(3) {
                guard let message = r.message, !message.isEmpty else { continue }
                w.append("Run \(r.id.prefix(8)) (\(ArmInfo.of(r).name), seed \(r.seed.map(String.init) ?? "none")), \(r.status.rawValue): \(message).")
            }
        }
        if redone > 0 {
            w.append("\(redone) run(s) stopped before completing and were run again with the same arm, seed and settings; the completed rerun is the one analysed.")
        }
        if model.analysis.runs.contains(where: { !$0.selectsOnValidation }) {
            w.append("Some runs have no validation split (--validation 0): their best epoch and time to target were selected on the test set.")
        }
        return w
    }

    // MARK: - Results

    static func resultsSection(_ model: ReportModel, styles: ArmStyles, numbering: inout Numbering,
                               refs: inout References) -> ReportDocument.Section {
        var blocks: [ReportDocument.Block] = []
        let units = Array(Set(Figures.groups(model).keys.map(\.unit))).sorted()
        for unit in units {
            blocks.append(.subheading(Figures.unitTitle(unit)))
            var unitBlocks: [ReportDocument.Block] = []
            var labels: [String] = []
            for c in model.comparisons where c.unit == unit {
                let t = numbering.table(ResultTables.caption(c, styles: styles), header: ResultTables.endpointHeader,
                                        rows: ResultTables.endpointRows(c), numeric: ResultTables.numeric)
                labels.append(t.label)
                refs.tables[unit, default: [:]][c.arm.name] = t.label
                unitBlocks.append(.table(t))
            }
            let tables = labels.count
            if let t = GPUTable.table(model, unit: unit, styles: styles, numbering: &numbering) {
                labels.append(t.label)
                unitBlocks.append(.table(t))
            }
            for f in [Figures.errorAgainstTime(model, unit: unit, styles: styles), Figures.errorPerEpoch(model, unit: unit, styles: styles)].compactMap({ $0 })
                + Figures.timelines(model, unit: unit, styles: styles) {
                let n = numbering.figure(f)
                labels.append(n.label)
                unitBlocks.append(.figure(n))
            }
            if !labels.isEmpty {
                blocks.append(.paragraph("\(list(labels)) \(labels.count == 1 ? "shows" : "show") \(Figures.unitTitle(unit)): "
                    + "the comparison of every metric, error against training time and per epoch, and memory while training."))
            }
            blocks += unitBlocks
            refs.unit[unit] = Array(labels.dropFirst(tables))
        }
        var across: [ReportDocument.Figure] = []
        for m in [Metrics.epochTime, Metrics.timeToTarget, Metrics.peakRSS] {
            if let f = Figures.ratios(model, metric: m, styles: styles) { across.append(numbering.figure(f)) }
        }
        if let f = Figures.memoryBreakdown(model, styles: styles) { across.append(numbering.figure(f)) }
        for f in Figures.boxes(model, styles: styles) + Figures.scaling(model, styles: styles) + Figures.frontiers(model, styles: styles) {
            across.append(numbering.figure(f))
        }
        if !across.isEmpty {
            blocks.append(.subheading("Across configurations"))
            blocks.append(.paragraph("\(list(across.map(\.label))) \(across.count == 1 ? "shows" : "show") every configuration together: ratios to the baseline, where the memory goes, every run's values"
                + (across.contains { $0.name.hasPrefix("scaling-") } ? ", how memory scales with the factors the study varies" : "")
                + (across.contains { $0.name.hasPrefix("frontier-") } ? ", and what each arm pays in time for its memory (the time–memory frontier)." : ".")))
            blocks += across.map { .figure($0) }
            refs.across = across.filter { !$0.name.hasPrefix("box-") }.map(\.label)
        }
        let crossovers = CrossoverTable.rows(model, styles: styles)
        if !crossovers.isEmpty {
            blocks.append(.subheading("Where FF uses less memory than the best BP variant"))
            let t = numbering.table("Per batch size, the depth from which FF’s memory is below every BP arm’s, where power laws fitted to each arm’s runs against depth cross (the interval turns each line through its exponent’s 95 % interval), the BP arm that FF passes last, and FF’s time per epoch against that arm at the first depth studied at or beyond the crossing. Peak activation memory is exact; peak RSS is measured.",
                                    header: CrossoverTable.header, rows: crossovers, numeric: [1])
            blocks.append(.table(t))
        }
        if blocks.isEmpty { blocks.append(.paragraph("No completed runs.")) }
        return .init(id: "results", title: "Results", blocks: blocks)
    }

    /// "Table 1, Figure 1 and Figure 2".
    static func list(_ labels: [String]) -> String {
        labels.count <= 1 ? labels.joined() : labels.dropLast().joined(separator: ", ") + " and " + labels.last!
    }

    // MARK: - Methods

    static func methodsSection(_ model: ReportModel, styles: ArmStyles) -> ReportDocument.Section {
        let completed = model.runs.filter { $0.status == .completed }
        let configs = Set(completed.map { "\(styles.label(ArmInfo.of($0))) \($0.layers ?? "?") on \(ReportText.datasetTitle($0.dataset)), batch \($0.batchSize.map(String.init) ?? "?"), \($0.epochs.map(String.init) ?? "?") epoch\($0.epochs == 1 ? "" : "s")" + ($0.parameterCount.map { ", \($0) parameters" } ?? "") }).sorted()
        let seeds = Set(completed.compactMap(\.seed)).sorted().map(String.init).joined(separator: ", ")
        let interval = completed.compactMap(\.sampleInterval).first.map { String(format: "%.0f ms", $0 * 1000) } ?? "—"
        let families = Set(model.comparisons.map(\.familySize)).sorted()
        let familyText = families.isEmpty ? "no comparison was tested"
            : "Holm's step-down adjustment within each arm-versus-baseline comparison over its primary endpoints that could be tested (\(families.map(String.init).joined(separator: " or ")) per comparison; \(model.comparisons.count) comparison\(model.comparisons.count == 1 ? "" : "s") in this report)"
        let plans = model.analysis.units.map(\.plan)
        let margins = Set(plans.map(\.equivalenceMargin)).sorted().map { "±\(Number.plain($0)) pp" }.joined(separator: ", ")
        let declared = Set(plans.flatMap(\.declared)).sorted()
        var m = [
            "Networks: " + (configs.isEmpty ? "none completed." : configs.joined(separator: "; ") + "."),
            "Seeds: \(seeds.isEmpty ? "none" : seeds). Arms were interleaved (seed 1 of every arm, then seed 2, …) and every run was its own process.",
            "FF follows Hinton (2022) and his ffnew.m: the label in the first 10 inputs, RMS-normalised layer inputs, goodness = sum of squared ReLU activities against a threshold, per-layer logistic loss, negative labels, and a softmax head on the normalised activities; the exact settings of each arm follow. BP trains the same hidden stack with a softmax output layer.",
            "Time: monotonic clock; training time excludes evaluation. Memory: the kernel's high-water mark (VmHWM, reset at every epoch start through /proc/self/clear_refs) for peaks, RSS sampled every \(interval), and a ledger of every tensor byte by category (weights, gradients, optimizer, activations, data set).",
            "Estimands, fixed in advance by the kind of metric: time and memory by the geometric-mean ratio arm/baseline, from a t procedure on the logarithms (paired t on per-seed log ratios when runs pair by seed, Welch's t otherwise), whose interval and test are the same computation; exact quantities (ledger bytes, parameter counts) stated, not tested; accuracy by the difference in percentage points with equivalence shown by two one-sided tests within \(margins.isEmpty ? "±0.5 pp" : margins); time to target by Kaplan–Meier per arm, keeping runs that never reach the target as censored, with the ratio of restricted mean times (RMST) as the estimand and the log-rank test beside it.",
            disturbanceMethods(),
            "Ratios are read against the smallest effect of interest, δ = \(deltas(plans)) (the study's smallest-effect; \(AnalysisPlan.defaultSmallestEffect) by default): a ratio whose interval lies inside [1/δ, δ] is called practically equal (equivalence by two one-sided t tests on the logarithms); one whose interval excludes 1 is given its direction, and said to differ by more than δ only when the whole interval lies beyond it. CPU time per epoch (the process tree's user and system time) is a secondary ratio; energy is compared only where a counter measured it.",
            "Primary endpoints: time per epoch, time to target, peak RSS and final test error; \(familyText). Each primary verdict is read off the interval at the level of its Holm step, which excludes the null value (a ratio of 1) exactly when the Holm-adjusted p is below 0.05. Other metrics are secondary: an interval, no p-value. A rank test on the same data (Wilcoxon signed-rank or Mann–Whitney on logs) is reported as a sensitivity analysis only.",
            "The analysis plan (" + (declared.isEmpty ? "every setting at its default" : "declared by the study: " + declared.joined(separator: ", ")) + ") is stored with the study before it runs. Best epochs and time to target are selected on a validation split held out of the training set; the test error reported is the final model's.",
        ]
        m += Settings.sentences(completed, algorithm: "ff") + Settings.sentences(completed, algorithm: "bp")
        m += Settings.commandSentences(completed, styles: styles, interval: interval)
        return .init(id: "methods", title: "Methods", blocks: m.map { .paragraph($0) })
    }

    static func deltas(_ plans: [AnalysisPlan]) -> String {
        let d = Set(plans.map(\.smallestEffect)).sorted()
        return d.isEmpty ? Number.plain(AnalysisPlan.defaultSmallestEffect) : d.map(Number.plain).joined(separator: ", ")
    }

    /// The disturbance rule in words, its thresholds read from the rule itself.
    static func disturbanceMethods() -> String {
        let r = DisturbanceRule.standard
        func pc(_ v: Double) -> String { Number.plain(100 * v) + " %" }
        return "Timing on a shared machine: every epoch stores the rest of the machine's CPU use (busy time from /proc/stat less the run's own processes, plus steal), the time of a canary (sgemm at the batch-100 training shape, 100×2000×2000, on every core, plus a fixed number of cache-line round trips between two pinned cores, which a host that moves the machine's cores apart slows) taken before and after it, and its CPU time. An epoch is disturbed when other CPU use exceeded \(pc(r.otherCPUShare)) of the machine, its canary ran more than \(pc(r.canarySlowdown)) slower than the machine's quiet reference (the fastest canary of the study on that host), it trained more than \(pc(r.epochSlowdown)) slower than its run's fastest epoch, or more than \(pc(r.armSlowdown)) slower than the fastest epoch of its arm on that host (every run of an arm does the same work, so a run the host slowed throughout stands out) (docs/analysis.md). Time per epoch is each run's median over its undisturbed epochs, with the mean over all epochs beside it as a sensitivity analysis; an arm with fewer than 2 runs that have an undisturbed epoch gets no time verdict (unreliable). Time to target counts a disturbed epoch at its run's undisturbed median."
    }

    // MARK: - The paper, the machines

    static func validationSection(_ model: ReportModel, numbering: inout Numbering) -> ReportDocument.Section {
        let completed = model.runs.filter { $0.status == .completed && ($0.algorithm == "ff" || $0.algorithm == "bp") }
        let groups = Dictionary(grouping: completed) { "\($0.dataset ?? "-")|\($0.layers ?? "-")|\($0.algorithm)|\(ArmInfo.of($0).framework)" }
        let rows = groups.keys.sorted().map { key -> [String] in
            let parts = key.split(separator: "|").map(String.init)
            let finals = groups[key]!.compactMap { model.metrics[$0.id]?.values["final_test_error"] }.map { 100 * $0 }
            let mean = finals.isEmpty ? "–" : Number.fixed(Stats.mean(finals), 2) + " %"
            return [ReportText.datasetTitle(parts[0]), parts[1], parts[2].uppercased(), parts[3], String(finals.count), mean,
                    ReportText.published[parts[0]]?[parts[2]] ?? "–"]
        }
        guard !rows.isEmpty else {
            return .init(id: "validation", title: "Validation against the paper", blocks: [.paragraph("No completed FF or BP runs.")])
        }
        let t = numbering.table("Final test error of this database's runs beside the published figures. The published networks and epoch budgets differ from short studies; the check is meant for the paper's settings (Runs/mnist-hinton.yaml, Runs/cifar10-paper.yaml).",
                                header: ["data set", "network", "algorithm", "framework", "runs", "final test error (mean)", "published"],
                                rows: rows, numeric: [4, 5])
        var blocks: [ReportDocument.Block] = [.table(t)]
        let paper = PaperTable.rows(model)
        if !paper.isEmpty {
            blocks.append(.table(numbering.table("CIFAR-10 on the paper's locally connected networks, row by row against Hinton (2022), Table 1: final test error of this database's runs (FF's by each prediction, from the same runs) and the paper's. " + PaperTable.source,
                                                 header: ["network", "method", "runs", "epochs", "final test error (mean)", "paper"],
                                                 rows: paper, numeric: [2, 4])))
        }
        return .init(id: "validation", title: "Validation against the paper", blocks: blocks)
    }

    static func environmentSection(_ model: ReportModel, styles: ArmStyles) -> ReportDocument.Section {
        var blocks: [ReportDocument.Block] = [model.hosts.isEmpty ? .paragraph("No host information stored.") : .bullets(model.hosts)]
        let placements = model.comparisons.map { c in
            "\(styles.label(c.arm)) ran on \(c.cpuModels[0].joined(separator: ", ")); \(styles.label(c.baseline)) on \(c.cpuModels[1].joined(separator: ", ")) (\(ReportText.datasetTitle(c.unit.dataset)), \(c.configuration))."
        }
        if !placements.isEmpty { blocks.append(.bullets(Array(Set(placements)).sorted())) }
        blocks.append(.bullets(model.quietChecks + ["Energy: " + model.energy + "."]))
        blocks.append(.paragraph("For timing studies on a cluster, give each task a whole node (ffbench study --executor slurm --exclusive): times measured beside other jobs are not comparable."))
        return .init(id: "environment", title: "Environment", blocks: blocks)
    }
}
