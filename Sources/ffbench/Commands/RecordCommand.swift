import ArgumentParser
import Datasets
import Foundation
import Recorder
import RunStore

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run any command and record its whole process tree's memory and CPU, and its epochs.",
        discussion: """
        Stdout lines that are JSON objects with an "epoch" key (and optionally test_error,
        train_loss, train_error, train_seconds, eval_seconds) become epoch rows; every other
        line passes through. The command's exit status becomes the run's status and
        ffbench's exit status. GPU memory and utilisation are sampled when nvidia-smi exists.

        Example:
          ffbench record --db Runs/torch.sqlite --study mnist --arm torch-ff -- python3 ff.py --epochs 10
        """
    )

    @Option(help: "The run database (SQLite).") var db: String
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
    @Option(name: .customLong("sample-interval"), help: "How often to sample the process tree: 20ms, 0.5s, …")
    var sampleInterval: String = "20ms"
    @Argument(parsing: .postTerminator, help: "The command to run, after --.") var command: [String] = []

    func run() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to record after --") }
        guard let interval = RecordingOptions.parseInterval(sampleInterval) else {
            throw ValidationError("--sample-interval '\(sampleInterval)': expected a duration such as 20ms or 0.5s")
        }
        let stop = StopSignals()
        stop.install()
        let store = try RunStore.open(db)
        let host = HostInfo.current()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let algorithm, !["ff", "bp", "external"].contains(algorithm) {
            throw ValidationError("--algorithm '\(algorithm)': expected ff or bp")
        }
        if let dataset { _ = try DatasetID(parsing: dataset) }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size \(batchSize): expected a positive number") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs \(epochs): expected a positive number") }
        let run = RunRecord(study: study, arm: arm, label: label, algorithm: algorithm ?? "external",
                            dataset: try dataset.map { try DatasetID(parsing: $0).rawValue }, layers: layers,
                            batchSize: batchSize, epochs: epochs, seed: seed,
                            hostJSON: String(decoding: try encoder.encode(host), as: UTF8.self),
                            hostname: host.hostname, pid: Int(getpid()),
                            command: command.joined(separator: " "), sampleInterval: interval,
                            framework: framework ?? "external")
        let recording = try ExternalRecording(store: store, run: run, sampleInterval: interval)
        let status: Int32
        do {
            status = try recording.run(command, stop: stop) { Console.line($0) }
        } catch let e as Subprocess.Failure {
            throw RunFailure(e.description)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
