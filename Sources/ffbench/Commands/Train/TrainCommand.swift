import ArgumentParser
import Foundation
import Recorder
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one FF or BP network and report every epoch.",
        discussion: """
        Prints a progress bar while an epoch runs (on a terminal) and one line per \
        epoch: train loss, train error, validation and test error, seconds. With \
        --format json, one JSON object per epoch instead (the keys of the epochs \
        table, docs/schema.md). Defaults follow the paper (4x2000, 60 epochs, batch \
        100) with the settings of Hinton's official code. With --db the run is \
        recorded in that database (created if missing), with its samples of \
        memory and CPU every --sample-interval.

        Run options (the same names are a study spec's keys):
        \(RunOptions.help)

        Example:
          ffbench train --algorithm ff --dataset mnist --layers 2x500 --epochs 10 \\
            --seed 1
        """
    )

    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var recording: RecordingFlags

    @Option(help: "Output format: text or json (one object per epoch).")
    var format: OutputFormat = .text

    @Option(name: .customLong("spec-json"), help: "The whole run specification as JSON (what a study gives its runs); no run options then.")
    var specJSON: String?

    @Argument(parsing: .allUnrecognized, help: "Run options, listed above.")
    var runOptions: [String] = []

    func run() throws {
        let spec = try RunSpecArguments.spec(json: specJSON, options: runOptions)
        let stop = StopSignals()
        stop.install()
        let printer = EpochPrinter(format: format, epochs: spec.config.epochs)
        let session = TrainingSession(spec: spec, loader: data.loader, recording: try recording.options())
        let outcome = try session.run(stop: stop, observer: printer) { h in
            if format == .text { Console.line("\(h.trainer) \(h.shape) on \(h.dataset) (\(h.location)): \(h.parameters) parameters, seed \(h.seed)") }
        }
        switch outcome {
        case .completed: return
        case .diverged(let message): throw RunFailure(message)
        case .interrupted(let message, let status):
            Console.error(message)
            throw ExitCode(status)
        }
    }
}
