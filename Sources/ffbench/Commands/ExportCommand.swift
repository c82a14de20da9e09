import Analysis
import Exports
import ArgumentParser
import Foundation
import Reports
import RunStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export runs, epochs, samples or comparisons as CSV or JSON for R or pandas.",
        discussion: """
        Columns are those of the database tables (docs/schema.md); comparisons are \
        those of ffbench compare (docs/analysis.md).

        Example:
          ffbench export --db Runs/quickstart.sqlite --what epochs --format csv \\
            -o epochs.csv
        """
    )

    enum What: String, ExpressibleByArgument, CaseIterable { case runs, epochs, samples, events, studies, comparisons }
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @OptionGroup var database: DatabaseOption
    @Option(help: "What to export: runs, epochs, samples or comparisons.") var what: What
    @Option(help: "csv or json.") var format: Format = .csv
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var plan: PlanOptions

    func run() throws {
        let store = try database.readOnly()
        let text: String
        if what == .comparisons {
            let report = try StudyComparison.load(store: store, study: nil, overrides: try plan.overrides())
            text = format == .csv ? CSV.write(header: ResultTables.machineHeader, rows: ResultTables.machine(report.comparisons))
                : try JSONOutput.string(report.comparisons)
        } else {
            let table = try store.export(ExportTable(rawValue: what.rawValue)!)
            text = format == .csv ? CSV.write(header: table.columns, rows: table.rows.map { $0.map(\.csvText) })
                : try JSONOutput.string(table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.columns, $0)) })
        }
        if let output {
            do { try AtomicFile.write(text, to: output) } catch { throw RunFailure(error.description) }
        } else {
            print(text, terminator: "")
        }
    }
}
