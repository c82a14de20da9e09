import Analysis
import ArgumentParser
import Foundation
import Recorder
import RunStore

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
    @OptionGroup var report: ReportOptions

    func run() throws {
        let study = try StudySpec.load(path: spec)
        // Validate every run's options exactly as the child will parse them.
        for planned in study.plan {
            let args = planned.trainArguments(dataset: study.dataset, epochs: study.epochs)
            do {
                let command = try TrainCommand.parse(args)
                _ = try command.options.config()
            } catch {
                let message = TrainCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                throw StudyError.spec(path: spec, key: "arms.\(planned.arm)", message: message)
            }
        }
        guard RecordingOptions.parseInterval(study.sampleInterval) != nil else {
            throw StudyError.spec(path: spec, key: "sample-interval", message: "'\(study.sampleInterval)': expected a duration such as 20ms")
        }
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
