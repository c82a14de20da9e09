import ArgumentParser
import Datasets
import Foundation
import Recorder
import Tensor
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures measured side by side in one run.",
        discussion: """
        recorder: epoch time of the same model trained without and with recording
        (alternating, --pairs times), and the relative overhead of recording.

        Example:
          ffbench bench recorder --layers 2x500 --pairs 3
        """,
        subcommands: [BenchRecorder.self]
    )
}

struct BenchRecorder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recorder",
        abstract: "Recording overhead: epoch time with recording at the sample interval vs without.")

    @OptionGroup var options: TrainOptions
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Data set: mnist, fashion-mnist or cifar10.") var dataset: DatasetID = .mnist
    @Option(help: "Plain/recorded epoch pairs.") var pairs: Int = 3
    @Option(name: .customLong("sample-interval"), help: "Sampling interval while recording.") var sampleInterval: String = "20ms"
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        var config = try options.config()
        if options.layers == nil { config.layers = "2x500" }
        guard let interval = RecordingOptions.parseInterval(sampleInterval) else {
            throw ValidationError("--sample-interval '\(sampleInterval)': expected a duration such as 20ms")
        }
        guard pairs >= 1 else { throw ValidationError("--pairs \(pairs): expected a positive number") }
        if let t = config.threads { BLAS.setThreads(t) }
        let loaded = try data.loader.load(dataset)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try RecorderOverhead.measure(config: config, data: loaded, pairs: pairs, interval: interval,
                                                  databasePath: dir.appendingPathComponent("bench.sqlite").path)
        if format == .json { try Console.printJSON(result); return }
        print("recorder overhead, \(result.config) on \(dataset.rawValue), sampling every \(Int(interval * 1000)) ms")
        print("  plain epochs (s):    " + result.plainSeconds.map { String(format: "%.3f", $0) }.joined(separator: "  "))
        print("  recorded epochs (s): " + result.recordedSeconds.map { String(format: "%.3f", $0) }.joined(separator: "  "))
        print(String(format: "  overhead (median recorded / median plain - 1): %+.2f%%  (%d samples written)",
                     100 * result.overhead, result.samplesWritten))
    }
}
