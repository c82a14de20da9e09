import ArgumentParser
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
        var run = RunRecord(study: study, arm: arm, label: label, algorithm: "external",
                            hostJSON: String(decoding: try encoder.encode(host), as: UTF8.self),
                            hostname: host.hostname, pid: Int(getpid()),
                            command: command.joined(separator: " "), sampleInterval: interval)
        run.label = label
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
