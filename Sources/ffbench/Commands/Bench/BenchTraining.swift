import ArgumentParser
import Benchmarks
import Foundation
import Recorder
import RunStore
import Tensor
import Training

/// The configurations a training or memory benchmark sweeps.
struct BenchGrid: ParsableArguments {
    @Option(help: "Trainers, comma-separated: ff, bp, or ff-nohead (FF without the softmax head: random negatives, no neutral pass).")
    var algorithms: String = "ff,bp"
    @Option(help: "Hidden layers, comma-separated (COUNTxWIDTH each).") var layers: String = "2x500,4x2000"
    @Option(name: .customLong("batch-sizes"), help: "Mini-batch sizes, comma-separated.") var batchSizes: String = "100,1000"
    @Option(help: "BLAS threads (default: OpenBLAS's own choice).") var threads: Int?
    @Option(name: .customLong("stack-memory"), help: "FF: MiB allowed for stacked streams, as in 'ffbench train' (default 64; 0: one stream at a time).")
    var stackMemory: Int?
    @OptionGroup var data: DataDirectoryOption

    /// Every (algorithm, layers, batch size) configuration, with the
    /// defaults of `ffbench train` otherwise.
    func configs() throws -> [TrainingConfig] {
        let sizes = try batchSizes.split(separator: ",").map { s -> Int in
            guard let n = Int(s.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ValidationError("--batch-sizes '\(batchSizes)': expected positive whole numbers, comma-separated")
            }
            return n
        }
        var out: [TrainingConfig] = []
        for l in layers.split(separator: ",") {
            for b in sizes {
                for a in algorithms.split(separator: ",") {
                    guard let variant = Self.variants[a.trimmingCharacters(in: .whitespaces)] else {
                        throw ValidationError("--algorithms '\(algorithms)': expected ff, bp or ff-nohead, comma-separated")
                    }
                    let args = variant + ["--layers", String(l), "--batch-size", String(b)] + trainArguments
                    out.append(try TrainOptions.parse(args).config())
                }
            }
        }
        return out
    }

    /// `ffbench train` options of each trainer name (`TrainingConfig.variantName`).
    static let variants: [String: [String]] = [
        "ff": ["--algorithm", "ff"],
        "bp": ["--algorithm", "bp"],
        "ff-nohead": ["--algorithm", "ff", "--softmax-head", "no", "--negatives", "random"],
    ]

    /// The threads and stacking budget as `ffbench train` options.
    private var trainArguments: [String] {
        (threads.map { ["--threads", String($0)] } ?? []) + (stackMemory.map { ["--stack-memory", String($0)] } ?? [])
    }

    /// Arguments that give a child process the same data, threads and stacking budget.
    var childArguments: [String] {
        trainArguments + (data.dataDirectory.map { ["--data-dir", $0] } ?? [])
    }
}

struct BenchTraining: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "FF and BP training speed against sgemm at the same shapes, recorder overhead and memory.",
        discussion: """
        For each configuration, in one run: one training step's GEMM calls are
        recorded; in three alternating rounds, each shape is timed alone (the
        limit) and training steps are timed with the time inside sgemm
        measured, and each side keeps its best round's median; then a whole
        epoch is timed without and with recording. Memory is measured in a
        fresh process per configuration (ffbench bench memory).

        Example:
          ffbench bench training --layers 4x2000 --batch-sizes 100 --threads 2
        """)

    @OptionGroup var grid: BenchGrid
    @Option(help: "Timed training steps per configuration (after one warm-up step): at least this many.") var steps: Int = 20
    @Option(name: .customLong("min-step-seconds"), help: "…and for at least this long (default 2).") var minStepSeconds: Double = 2
    @Option(name: .customLong("epoch-batches"), help: "Batches per timed epoch (default: the whole training set).")
    var epochBatches: Int?
    @Option(name: .customLong("sample-interval"), help: "Sampling interval of the recorded epochs.") var sampleInterval: String = "20ms"
    @Option(help: "Plain/recorded epoch pairs per configuration (medians are reported; single epochs are noisy).")
    var pairs: Int = 1
    @Flag(name: .customLong("no-memory"), help: "Skip the memory measurement.") var noMemory = false
    @Option(help: "Store the recorded epochs and the results (event 'bench') in this run database.") var db: String?
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        guard pairs >= 1 else { throw ValidationError("--pairs \(pairs): expected a positive number") }
        guard minStepSeconds >= 0 else { throw ValidationError("--min-step-seconds \(minStepSeconds): expected 0 or more") }
        guard steps >= 1 else { throw ValidationError("--steps \(steps): expected a positive number") }
        if let e = epochBatches, e < 1 { throw ValidationError("--epoch-batches \(e): expected a positive number") }
        guard let interval = RecordingOptions.parseInterval(sampleInterval) else {
            throw ValidationError("--sample-interval '\(sampleInterval)': expected a duration such as 20ms")
        }
        let configs = try grid.configs()
        if let t = grid.threads { BLAS.setThreads(t) }
        let loaded = try grid.data.loader.load(.mnist)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = db ?? scratch.appendingPathComponent("bench.sqlite").path

        var results: [TrainingBench] = []
        for config in configs {
            Console.status("bench: \(config.variantName) \(config.layers) batch \(config.batchSize) …")
            var r = try TrainingBench.measure(config: config, data: loaded, steps: steps, minStepSeconds: minStepSeconds,
                                              epochBatches: epochBatches,
                                              pairs: pairs, sampleInterval: interval, databasePath: path)
            if !noMemory { r.memory = try BenchMemory.child(config, grid: grid) }
            if format == .text { printText(r) }
            results.append(r)
        }
        if db != nil { try store(results, at: path) }
        if format == .json { try Console.printJSON(results) }
        else { printSummary(results) }
    }

    private func store(_ results: [TrainingBench], at path: String) throws {
        let store = try RunStore.open(path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for r in results {
            let json = String(decoding: try encoder.encode(r), as: UTF8.self)
            try store.insert(events: [EventRecord(runID: r.recordedRunID, t: r.recordedEpochSeconds, kind: "bench", message: json)])
        }
    }

    private func printText(_ r: TrainingBench) {
        let pct = { (x: Double) in String(format: "%.1f %%", 100 * x) }
        print("\(r.algorithm) \(r.layers), batch \(r.batchSize), \(r.threads) BLAS thread(s), MNIST")
        print(String(format: "  step %.4f s (mean of all %d steps %.4f s), %.2f GFLOP: %.1f GFLOP/s; sgemm alone at these %d shapes %.1f GFLOP/s; efficiency %@",
                     r.step.stepSeconds, r.step.steps, r.step.meanStepSeconds, r.step.flops / 1e9, r.achievedGflops,
                     r.limit.shapes.count, r.limit.gflops, pct(r.efficiency)))
        print("  time outside sgemm: \(pct(r.step.outsideGemmShare)) of the step; "
              + "ledger allocations after the first step: \(r.step.allocationsAfterFirstStep)")
        print(String(format: "  epoch (%d batches, median of %d) %.2f s; recorded every %.0f ms %.2f s: recorder overhead %+.2f %%; recorder threads' CPU %.2f %% of the time they ran",
                     r.epochBatches, r.pairs, r.epochSeconds, r.sampleInterval * 1000, r.recordedEpochSeconds, 100 * r.recorderOverhead,
                     100 * r.recorderCPUShare))
        if let m = r.memory { BenchMemory.printText(m, indent: "  ") }
    }

    private func printSummary(_ results: [TrainingBench]) {
        print("")
        print("config                     step s   GFLOP/s  sgemm GFLOP/s  efficiency  outside sgemm  epoch s  recorder  recorder CPU")
        for r in results {
            let name = "\(r.algorithm) \(r.layers) b\(r.batchSize)".padding(toLength: 25, withPad: " ", startingAt: 0)
            print(String(format: "%@  %7.4f  %8.1f  %13.1f  %9.1f%%  %12.1f%%  %7.2f  %+7.2f%%  %11.2f%%", name, r.step.stepSeconds,
                         r.achievedGflops, r.limit.gflops, 100 * r.efficiency, 100 * r.step.outsideGemmShare,
                         r.epochSeconds, 100 * r.recorderOverhead, 100 * r.recorderCPUShare))
        }
    }
}
