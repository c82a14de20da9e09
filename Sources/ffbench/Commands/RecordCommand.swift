import ArgumentParser
import Foundation
import Recorder

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run any command and record its whole process tree's memory and CPU, and its epochs.",
        discussion: """
        Stdout lines that are JSON objects with an "epoch" key (the keys of the epochs \
        table: test_error, validation_error, train_loss, train_seconds, …) become epoch \
        rows; every other line passes through. Describe the run (--algorithm, --dataset, \
        --layers, --batch-size, --seed, --epochs) and it is compared like a native one. \
        The command's exit status becomes the run's status and ffbench's exit status. \
        GPU memory and utilisation are sampled when nvidia-smi exists.

        With --substitute, {seed}, {epochs}, {layers}, {batch-size}, {dataset}, {data-dir} \
        and {threads} in the command take the described values ({spec-dir}, the study \
        spec's folder, is filled in by the study), and ${NAME} or \
        ${NAME:-default} the environment's (what a study's command arm runs).

        Example:
          ffbench record --db Runs/torch.sqlite --study mnist --arm torch-ff \\
            --algorithm ff --framework pytorch -- python3 ff.py --epochs 10
        """
    )

    @OptionGroup var database: DatabaseOption
    @Option(help: "Study name stored with the run.") var study: String?
    @Option(help: "Arm name stored with the run.") var arm: String?
    @Option(help: "A free-form label stored with the run.") var label: String?
    @Option(help: "What the command trains, so it is compared like a native run: ff or bp (default: external, compared by arm only).")
    var algorithm: String?
    @Option(help: "What implements it, e.g. pytorch (default: external).") var framework: String?
    @Option(help: "Data set it trains on: mnist, fashion-mnist or cifar10.") var dataset: String?
    @Option(help: "Its hidden layers, e.g. 2x500.") var layers: String?
    @Option(name: .customLong("batch-size"), help: "Its mini-batch size.") var batchSize: Int?
    @Option(help: "Its seed.") var seed: Int64?
    @Option(help: "Its epoch budget.") var epochs: Int?
    @Option(help: "Its threads, for {threads} (default OPENBLAS_NUM_THREADS, else this machine's cores).") var threads: Int?
    @OptionGroup var data: DataDirectoryOption
    @Flag(help: "Expand {placeholders} and ${VARIABLES} in the command.") var substitute = false
    @Option(help: "Output: text (the command's own lines) or json (also one object per recorded epoch).")
    var format: OutputFormat = .text
    @Option(name: .customLong("sample-interval"), help: "How often to sample the process tree: 20ms, 0.5s, … (1 ms to 1 h)")
    var sampleInterval: String = "20ms"
    @Argument(parsing: .postTerminator, help: "The command to run, after --.") var command: [String] = []

    func run() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to record after --") }
        guard let interval = RecordingOptions.parseInterval(sampleInterval) else {
            throw ValidationError("--sample-interval '\(sampleInterval)': expected a duration such as 20ms or 0.5s")
        }
        var run = ExternalRun(command: command, sampleInterval: interval)
        (run.study, run.arm, run.label, run.algorithm, run.framework) = (study, arm, label, algorithm, framework)
        (run.dataset, run.layers, run.batchSize, run.seed, run.epochs) = (dataset, layers, batchSize, seed, epochs)
        (run.substitute, run.dataDirectory) = (substitute, data.dataDirectory)
        if let threads {
            guard (1...4096).contains(threads) else { throw ValidationError("--threads \(threads): expected 1 to 4096") }
            run.threads = threads
        }
        let stop = StopSignals()
        stop.install()
        let status: Int32
        do {
            status = try run.run(into: try database.path(), stop: stop, passThrough: { Console.line($0) }, warn: { Console.error("warning: \($0)") },
                                 onEpoch: { if format == .json { Console.line($0.json) } })
        } catch let e as Subprocess.Failure {
            throw RunFailure(e.description)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
