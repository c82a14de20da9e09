import ArgumentParser
import Benchmarks
import Foundation
import Recorder
import Tensor
import Training

/// The configurations a training or memory benchmark sweeps.
struct BenchGridOptions: ParsableArguments {
    @Option(help: "Trainers, comma-separated: ff, bp, ff-nohead (FF without the softmax head: random negatives, no neutral pass), bp-micro<M> (BP in micro-batches of M), bp-checkpoint-<K|sqrt> (BP keeping every K-th layer's activations).")
    var algorithms: String = "ff,bp"
    @Option(help: "Hidden layers, comma-separated (COUNTxWIDTH each).") var layers: String = "2x500,4x2000"
    @Option(name: .customLong("batch-sizes"), help: "Mini-batch sizes, comma-separated.") var batchSizes: String = "100,1000"
    @Option(help: "Compute threads products are split over (default: OPENBLAS_NUM_THREADS, or one per core).") var threads: Int?
    @Option(name: .customLong("stack-memory"), help: "FF: MiB allowed for stacked streams, as in 'ffbench train' (default 64; 0: one stream at a time).")
    var stackMemory: Int?
    @OptionGroup var data: DataDirectoryOption

    func specs() throws -> [RunSpec] {
        let sizes = try batchSizes.split(separator: ",").map { s -> Int in
            guard let n = Int(s.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ValidationError("--batch-sizes '\(batchSizes)': expected positive whole numbers, comma-separated")
            }
            return n
        }
        let shared = (threads.map { [("threads", String($0))] } ?? []) + (stackMemory.map { [("stack-memory", String($0))] } ?? [])
        let grid = BenchGrid(algorithms: algorithms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                             layers: layers.split(separator: ",").map(String.init), batchSizes: sizes, shared: shared)
        do { return try grid.specs() } catch {
            if case .badValue(let option, _, _, _) = error, option == "algorithms" {
                throw ValidationError("--algorithms '\(algorithms)': expected ff, bp or ff-nohead, comma-separated")
            }
            throw error
        }
    }
}

struct BenchTraining: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "FF and BP training speed against sgemm at the same shapes, recorder overhead and memory.",
        discussion: """
        For each configuration, in one run: one training step's GEMM calls are \
        recorded; in three alternating rounds, each shape is timed alone (the \
        limit) and training steps are timed with the time inside sgemm \
        measured, and each side keeps its best round's median; then a whole \
        epoch is timed without and with recording. Memory is measured in a \
        fresh process per configuration (ffbench bench memory). With --db the \
        recorded epochs and the results (an event 'bench') are stored there.

        Example:
          ffbench bench training --layers 4x2000 --batch-sizes 100 --threads 2
        """)

    @OptionGroup var grid: BenchGridOptions
    @Option(help: "Timed training steps per configuration (after one warm-up step): at least this many.") var steps: Int = 20
    @Option(name: .customLong("min-step-seconds"), help: "…and for at least this long (default 2).") var minStepSeconds: Double = 2
    @Option(name: .customLong("epoch-batches"), help: "Batches per timed epoch (default: the whole training set).")
    var epochBatches: Int?
    @Option(name: .customLong("sample-interval"), help: "Sampling interval of the recorded epochs.") var sampleInterval: String = "20ms"
    @Option(help: "Plain/recorded epoch pairs per configuration (medians are reported; single epochs are noisy).")
    var pairs: Int = 1
    @Flag(name: .customLong("no-memory"), help: "Skip the memory measurement.") var noMemory = false
    /// Where the recorded epochs and the results (event 'bench') are stored, when given.
    @OptionGroup var database: DatabaseOption
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        guard pairs >= 1 else { throw ValidationError("--pairs \(pairs): expected a positive number") }
        guard minStepSeconds >= 0 else { throw ValidationError("--min-step-seconds \(minStepSeconds): expected 0 or more") }
        guard steps >= 1 else { throw ValidationError("--steps \(steps): expected a positive number") }
        if let e = epochBatches, e < 1 { throw ValidationError("--epoch-batches \(e): expected a positive number") }
        guard let interval = RecordingOptions.parseInterval(sampleInterval) else {
            throw ValidationError("--sample-interval '\(sampleInterval)': expected a duration such as 20ms")
        }
        let specs = try grid.specs()
        let local = try LocalKernelBench.sweep(specs, loader: grid.data.loader, progress: { Console.status($0) },
                                               each: { if format == .text { print($0.text) } })
        let results = try TrainingBench.sweep(
            specs, loader: grid.data.loader, dataDirectory: grid.data.dataDirectory, steps: steps,
            minStepSeconds: minStepSeconds, epochBatches: epochBatches, pairs: pairs, sampleInterval: interval, memory: !noMemory,
            database: database.db, progress: { Console.status($0) }, each: { if format == .text { print($0.text) } })
        if format == .json {
            // An array of dense configurations, as before; with locally connected ones, both in one object.
            if local.isEmpty { try Console.printJSON(results) } else { try Console.printJSON(Output(configurations: results, locallyConnected: local)) }
        } else if !results.isEmpty {
            print(TrainingBench.summary(results))
        }
    }
}

extension BenchTraining {
    struct Output: Encodable {
        let configurations: [TrainingBench]
        let locallyConnected: [LocalKernelBench]
        enum CodingKeys: String, CodingKey {
            case configurations
            case locallyConnected = "locally_connected"
        }
    }
}
