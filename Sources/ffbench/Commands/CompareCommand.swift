import Analysis
import ArgumentParser
import Exports
import Foundation
import RunStore

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, latex
}

/// Options that override a study's declared analysis plan.
struct PlanOptions: ParsableArguments {
    @Option(help: "The arm every other arm is compared with (default: the study's baseline, else its BP arm).")
    var baseline: String?

    @Option(name: .customLong("target-error"), help: "Error (a fraction, e.g. 0.02) that defines time to target (default: the study's target-error, else the least accurate arm's median best validation error).")
    var targetError: Double?

    @Option(name: .customLong("equivalence-margin"), help: "Accuracy equivalence margin in percentage points (default: the study's, else 0.5).")
    var equivalenceMargin: Double?

    func overrides() throws -> StudyComparison.Overrides {
        if let t = targetError, !(t > 0 && t < 1) { throw ValidationError("--target-error \(t): expected a fraction between 0 and 1") }
        if let m = equivalenceMargin, !(m > 0 && m < 100) { throw ValidationError("--equivalence-margin \(m): expected percentage points between 0 and 100") }
        return .init(baseline: baseline, targetError: targetError, equivalenceMargin: equivalenceMargin)
    }
}

func emit(_ comparisons: [ArmComparison], json: Encodable, format: ReportFormat) throws {
    switch format {
    case .table: print(TextTable(header: ComparisonRows.humanHeader, rows: ComparisonRows.human(comparisons)).render())
    case .json: print(try JSONOutput.string(json), terminator: "")
    case .csv: print(CSV.write(header: ComparisonRows.machineHeader, rows: ComparisonRows.machine(comparisons)), terminator: "")
    case .latex: print(LaTeXTable(header: ComparisonRows.humanHeader, rows: ComparisonRows.human(comparisons)).render(), terminator: "")
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Every arm against the baseline arm: ratios, equivalence and time to target with intervals and Holm-adjusted verdicts.",
        discussion: """
        Completed runs are grouped by study, data set, network, batch size and epoch
        budget; within each, every arm is compared with the baseline arm (the study's
        declared baseline, else its BP arm). Estimands are fixed by the kind of metric:
        time and memory by the geometric-mean ratio (t on logs, paired by seed when runs
        pair), exact quantities stated, accuracy by the difference in percentage points
        with equivalence (TOST), time to target by Kaplan–Meier and the RMST ratio.
        Verdicts follow the intervals. docs/analysis.md documents every field.

        Example:
          ffbench compare --db Runs/quickstart.sqlite --format table
        """
    )

    @Option(help: "The run database.") var db: String
    @Option(help: "Only runs of this study.") var study: String?
    @OptionGroup var plan: PlanOptions
    @Option(help: "Output format: table, json, csv or latex.") var format: ReportFormat = .table

    func run() throws {
        let overrides = try plan.overrides()
        let store = try RunStore.openExisting(db).checkedForAnswer()
        let report = try StudyComparison.load(store: store, study: study, overrides: overrides)
        if report.comparisons.isEmpty && format == .table {
            let why = report.units.flatMap(\.notes).first ?? "no completed runs"
            print("nothing to compare in \(db)\(study.map { " for study \($0)" } ?? ""): \(why)")
            return
        }
        try emit(report.comparisons, json: report, format: format)
    }
}
