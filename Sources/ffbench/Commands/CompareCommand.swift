import Analysis
import ArgumentParser
import Exports
import Foundation
import Reports
import RunStore

/// `compare`'s output formats.
enum CompareFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, latex
}

func emit(_ comparisons: [ArmComparison], json: Encodable, format: CompareFormat) throws {
    switch format {
    case .table: print(TextTable(header: ResultTables.humanHeader, rows: ResultTables.human(comparisons)).render())
    case .json: print(try JSONOutput.string(json), terminator: "")
    case .csv: print(CSV.write(header: ResultTables.machineHeader, rows: ResultTables.machine(comparisons)), terminator: "")
    case .latex: print(LaTeXTable(header: ResultTables.humanHeader, rows: ResultTables.human(comparisons)).render(), terminator: "")
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Every arm against the baseline arm: ratios, equivalence and time to target with intervals and Holm-adjusted verdicts.",
        discussion: """
        Completed runs are grouped by study, data set, network, batch size and epoch \
        budget; within each, every arm is compared with the baseline arm (the study's \
        declared baseline, else its BP arm). Estimands are fixed by the kind of metric:
        time and memory by the geometric-mean ratio (t on logs, paired by seed when runs \
        pair), exact quantities stated, accuracy by the difference in percentage points \
        with equivalence (TOST), time to target by Kaplan–Meier and the RMST ratio. \
        Verdicts follow the intervals. docs/analysis.md documents every field.

        Example:
          ffbench compare --db Runs/quickstart.sqlite --format table
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: "Only runs of this study.") var study: String?
    @OptionGroup var plan: PlanOptions
    @Option(help: "Output format: table, json, csv or latex.") var format: CompareFormat = .table

    func run() throws {
        let overrides = try plan.overrides()
        let store = try database.readOnly().checkedForAnswer()
        let report = try StudyComparison.load(store: store, study: study, overrides: overrides)
        if report.comparisons.isEmpty && format == .table {
            let why = report.units.flatMap(\.notes).first ?? "no completed runs"
            print("nothing to compare in \(store.path)\(study.map { " for study \($0)" } ?? ""): \(why)")
            return
        }
        try emit(report.comparisons, json: report, format: format)
    }
}
