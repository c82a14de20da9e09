import Analysis
import Benchmarks
import ArgumentParser
import Datasets
import Foundation
import Recorder
import RunStore
import Tensor
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures measured side by side in one run.",
        discussion: """
        training: FF and BP steps and epochs against sgemm at the same shapes
        (efficiency), time outside sgemm, recorder overhead, memory.
        memory: peak RSS and ledger peaks against the analytic minimum, one
        fresh process per configuration.
        recorder: epoch time of the same model trained without and with recording
        (--pairs pairs, in alternating order), and the relative overhead of recording.
        analysis: time to compute every comparison of a large run database.

        Example:
          ffbench bench recorder --layers 2x500 --pairs 3
        """,
        subcommands: [BenchTraining.self, BenchMemory.self, BenchRecorder.self, BenchAnalysis.self]
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
        print("  recorder threads' CPU (s):  " + result.recorderCPUSeconds.map { String(format: "%.3f", $0) }.joined(separator: "  "))
        print(String(format: "  recorder threads' CPU over the time they ran (median): %.2f%%", 100 * result.recorderCPUShare))
    }
}

struct BenchAnalysis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis",
        abstract: "Time every comparison (ffbench compare) on a run database of a given size.",
        discussion: "Example:\n  ffbench bench analysis --runs 200 --epochs 60 --samples 100000")

    @Option(help: "Runs in the generated database.") var runs: Int = 200
    @Option(help: "Epochs per run.") var epochs: Int = 60
    @Option(help: "Samples per run.") var samples: Int = 100_000
    @Option(help: "Use this database instead of generating one.") var db: String?
    @Flag(name: .customLong("report"), help: "Also time writing the full report (ffbench report).") var withReport = false
    @OptionGroup var reportOptions: ReportOptions

    func run() throws {
        guard runs >= 2, epochs >= 1, samples >= 0 else { throw ValidationError("--runs >= 2, --epochs >= 1, --samples >= 0") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-bench-analysis-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path: String
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let db { path = db } else {
            path = dir.appendingPathComponent("synthetic.sqlite").path
            let start = Date()
            try RunStore.open(path).fillSynthetic(runs: runs, epochs: epochs, samplesPerRun: samples)
            Console.status(String(format: "generated %d runs x %d epochs x %d samples in %.1f s", runs, epochs, samples, Date().timeIntervalSince(start)))
        }
        let store = try RunStore.openExisting(path)
        let start = Date()
        let report = try StudyComparison.load(store: store, study: nil)
        let seconds = Date().timeIntervalSince(start)
        print(String(format: "compare: %d arm-vs-baseline comparisons (%d endpoints) over %d runs in %.3f s",
                     report.comparisons.count, report.comparisons.reduce(0) { $0 + $1.endpoints.count }, report.runs.count, seconds))
        if withReport {
            let out = dir.appendingPathComponent("report").path
            let reportStart = Date()
            let files = try reportOptions.write(store: store, study: nil, to: out)
            print(String(format: "report: %d files (HTML, PDF, figures, tables) in %.3f s", files.count, Date().timeIntervalSince(reportStart)))
        }
    }
}
