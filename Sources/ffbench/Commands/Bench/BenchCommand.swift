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
        training: FF and BP steps and epochs against sgemm at the same shapes \
        (efficiency), time outside sgemm, recorder overhead, memory.
        memory: peak RSS and ledger peaks against the analytic minimum, one \
        fresh process per configuration.
        recorder: epoch time of the same model trained without and with recording \
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

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Plain/recorded epoch pairs.") var pairs: Int = 3
    @Option(name: .customLong("sample-interval"), help: "Sampling interval while recording.") var sampleInterval: String = "20ms"
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Argument(parsing: .allUnrecognized, help: "Run options of 'ffbench train' (default --layers 2x500, no validation split).")
    var runOptions: [String] = []

    func run() throws {
        let given = try RunOptions.parse(arguments: runOptions)
        let spec = try RunSpec.resolve([("layers", "2x500"), ("validation", "0")] + given)
        let config = spec.config
        let dataset = spec.dataset
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
        print(result.text(dataset: dataset.rawValue, interval: interval))
    }
}

struct BenchAnalysis: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis",
        abstract: "Time every comparison (ffbench compare) on a run database of a given size.",
        discussion: "Times a generated database of --runs runs, or the one given with --db.\n\nExample:\n  ffbench bench analysis --runs 200 --epochs 60 --samples 100000")

    @Option(help: "Runs in the generated database.") var runs: Int = 200
    @Option(help: "Epochs per run.") var epochs: Int = 60
    @Option(help: "Samples per run.") var samples: Int = 100_000
    /// Timed instead of a generated database when given.
    @OptionGroup var database: DatabaseOption
    @Flag(name: .customLong("report"), help: "Also time writing the full report (ffbench report).") var withReport = false
    @OptionGroup var reportOptions: ReportOptions

    func run() throws {
        guard runs >= 2, epochs >= 1, samples >= 0 else { throw ValidationError("--runs >= 2, --epochs >= 1, --samples >= 0") }
        let report: ((RunStore, String) throws -> [String])? = withReport ? { try reportOptions.write(store: $0, study: nil, to: $1) } : nil
        for line in try AnalysisBench.run(runs: runs, epochs: epochs, samples: samples, database: database.db, report: report,
                                          progress: { Console.status($0) }) { print(line) }
    }
}
