import Analysis
import ArgumentParser
import Foundation
import Recorder
import RunStore
import Training

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a study spec (Runs/*.yaml): every arm x seed as its own process, interleaved, resumable.",
        discussion: """
        The spec is checked completely before anything starts. Completed runs in the
        database are skipped, so running the same study again resumes it; failed and
        interrupted runs are redone.

        Example:
          ffbench study Runs/quickstart.yaml
        """
    )

    @Argument(help: "The study specification (YAML).") var spec: String
    @Option(help: "The run database (default Runs/<study>.sqlite).") var db: String?
    @Option(help: "Where the report goes (default Output/<study>).") var out: String?
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "A run option for every run, over the spec's (repeatable), e.g. --set threads=1.") var set: [String] = []
    @OptionGroup var report: ReportOptions

    func run() throws {
        var study = try StudySpec.load(path: spec)
        study.overrides = try set.map { s throws -> (name: String, value: String) in
            guard let eq = s.firstIndex(of: "="), RunOptions.named(String(s[..<eq])) != nil else {
                throw ValidationError("--set '\(s)': expected NAME=VALUE with a run option's name, e.g. threads=1")
            }
            return (String(s[..<eq]), String(s[s.index(after: eq)...]))
        }
        try study.validate()
        _ = try report.formats()
        let path = db ?? "Runs/\(study.name).sqlite"
        let store = try RunStore.open(path)
        try store.declare(study.declaration)
        let plan = AnalysisPlan(baseline: study.baseline, targetError: study.targetError, equivalenceMargin: study.equivalenceMargin,
                                pilotCV: study.pilotCV, smallestEffect: study.smallestEffect)
        for w in DesignCheck.warnings(seeds: study.seeds.count, plan: plan) { Console.error("warning: \(study.name): \(w)") }
        let stop = StopSignals()
        stop.install()
        let extra = data.dataDirectory.map { ["--data-dir", $0] } ?? []
        Console.status("\(study.name): \(study.plan.count) runs (\(study.arms.count) arms x \(study.seeds.count) seeds, \(study.epochs) epochs) into \(path)")
        let summary = try StudyRunner(spec: study, store: store, extraArguments: extra) { Console.status($0) }.run(stop: stop)
        print("\(study.name): \(summary.completed) completed, \(summary.skipped) already done, \(summary.diverged) diverged, \(summary.failed) failed, \(summary.interrupted) interrupted; database \(path)")
        if stop.requested { throw ExitCode(stop.exitStatus) }
        let folder = out ?? "Output/\(study.name)"
        let files = try report.write(store: store, study: study.name, to: folder)
        let main = ["report.html", "report.pdf"].filter(files.contains).map { "\(folder)/\($0)" }
        print("report: " + (main.isEmpty ? folder : main.joined(separator: " and ")) + " (\(files.count) files)")
        if summary.failed > 0 { throw ExitCode(1) }
    }
}
