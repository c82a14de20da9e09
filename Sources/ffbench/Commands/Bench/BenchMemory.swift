import ArgumentParser
import Benchmarks
import Foundation
import Recorder
import Tensor
import Training

struct BenchMemory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Peak RSS and the ledger's peaks by category next to the analytic minimum, per configuration.",
        discussion: """
        Each configuration is measured in a fresh ffbench process that loads \
        MNIST, builds the model and trains one mini-batch (every buffer is \
        allocated and touched by then); the kernel's high-water mark is reset \
        after loading, so it covers building and training.

        Example:
          ffbench bench memory --layers 2x2000,4x2000,8x2000 \\
            --batch-sizes 100,1000,10000
        """)

    @OptionGroup var grid: BenchGridOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Flag(name: .customLong("in-process"), help: .hidden) var inProcess = false
    @Option(name: .customLong("spec-json"), help: .hidden) var specJSON: String?

    func run() throws {
        if inProcess {
            guard let specJSON else { throw ValidationError("--in-process measures the one configuration of --spec-json") }
            let spec = try RunSpec.decode(json: specJSON)
            if let t = spec.config.threads { BLAS.setThreads(t) }
            let loaded = try grid.data.loader.load(spec.dataset)
            try Console.printJSON(try MemoryUse.measure(config: spec.config, data: loaded))
            return
        }
        var results: [MemoryUse] = []
        for spec in try grid.specs() {
            Console.status("memory: \(spec.config.variantName) \(spec.config.layers) batch \(spec.config.batchSize) …")
            let m = try MemoryUse.inChild(spec, dataDirectory: grid.data.dataDirectory)
            if format == .text { print(m.text(indent: "")) }
            results.append(m)
        }
        if format == .json { try Console.printJSON(results) } else { print(MemoryUse.table(results)) }
    }
}
