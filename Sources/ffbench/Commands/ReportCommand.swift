import ArgumentParser
import Foundation
import Recorder
import Reports
import RunStore

extension ReportWriter.Paper: ExpressibleByArgument {}

struct ReportOptions: ParsableArguments {
    @Option(help: "Formats besides the figures: a comma-separated list of html, pdf, latex, csv.")
    var format: String = "html,pdf,latex,csv"

    @OptionGroup var plan: PlanOptions

    @Option(help: "Paper size of report.pdf: a4 or letter.")
    var paper: ReportWriter.Paper = .a4

    @Option(help: "Folder of the report templates (default: Templates/ here or beside the ffbench checkout).")
    var templates: String?

    func formats() throws -> Set<ReportWriter.Format> {
        var out = Set<ReportWriter.Format>()
        for part in format.split(separator: ",") {
            guard let f = ReportWriter.Format(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--format '\(format)': expected a comma-separated list of html, pdf, latex, csv")
            }
            out.insert(f)
        }
        return out
    }

    func templateDirectory() throws -> String {
        try ReportTemplates.locate(given: templates, executable: Subprocess.currentExecutable)
    }

    func write(store: RunStore, study: String?, to out: String) throws -> [String] {
        let model = try ReportModel.load(store: try store.checkedForAnswer(), study: study, overrides: try plan.overrides())
        return try ReportWriter(model: model, templates: try templateDirectory(), paper: paper).write(to: out, formats: try formats())
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML and PDF report, figures and tables for stored runs.",
        discussion: """
        The report answers the research question in sentences built from the \
        statistics, explains the method, shows tables and figures, compares with the \
        published errors and lists the machines. It is a pure function of the \
        database: the same database gives byte-identical files.

        Example:
          ffbench report --db Runs/quickstart.sqlite --out Output/quickstart
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: "Only runs of this study.") var study: String?
    @Option(help: "Output folder.") var out: String
    @OptionGroup var options: ReportOptions

    func run() throws {
        let store = try database.readOnly()
        let files = try options.write(store: store, study: study, to: out)
        print("wrote \(files.count) files to \(out)" + (files.contains("report.html") ? "; open \(out)/report.html" : ""))
    }
}
