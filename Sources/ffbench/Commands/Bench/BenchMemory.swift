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
        Each configuration is measured in a fresh ffbench process that loads
        MNIST, builds the model and trains one mini-batch (every buffer is
        allocated and touched by then); the kernel's high-water mark is reset
        after loading, so it covers building and training.

        Example:
          ffbench bench memory --layers 2x2000,4x2000,8x2000 --batch-sizes 100,1000,10000
        """)

    @OptionGroup var grid: BenchGrid
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Flag(name: .customLong("in-process"), help: .hidden) var inProcess = false

    func run() throws {
        let configs = try grid.configs()
        if inProcess {
            guard configs.count == 1 else { throw ValidationError("--in-process measures exactly one configuration") }
            if let t = grid.threads { BLAS.setThreads(t) }
            let loaded = try grid.data.loader.load(.mnist)
            try Console.printJSON(try MemoryUse.measure(config: configs[0], data: loaded))
            return
        }
        var results: [MemoryUse] = []
        for config in configs {
            Console.status("memory: \(config.variantName) \(config.layers) batch \(config.batchSize) …")
            let m = try BenchMemory.child(config, grid: grid)
            if format == .text { BenchMemory.printText(m, indent: "") }
            results.append(m)
        }
        if format == .json { try Console.printJSON(results) } else { printTable(results) }
    }

    /// Measures one configuration in a fresh ffbench process.
    static func child(_ config: TrainingConfig, grid: BenchGrid) throws -> MemoryUse {
        let args = [Subprocess.currentExecutable, "bench", "memory", "--in-process", "--format", "json",
                    "--algorithms", config.variantName, "--layers", config.layers,
                    "--batch-sizes", String(config.batchSize)] + grid.childArguments
        let child = try Subprocess(args, captureOutput: true)
        let data = child.output!.readDataToEndOfFile()
        let status = child.wait()
        guard status == 0, let use = try? JSONDecoder().decode(MemoryUse.self, from: data) else {
            throw BenchFailure("memory measurement of \(config.variantName) \(config.layers) batch \(config.batchSize) failed (exit \(status))")
        }
        return use
    }

    static func printText(_ m: MemoryUse, indent: String) {
        let mib = { (b: Int) in String(format: "%.1f MiB", Double(b) / 1_048_576) }
        let categories = TensorCategory.allCases.map(\.rawValue)
        print("\(indent)memory of \(m.algorithm) \(m.layers) batch \(m.batchSize): peak RSS \(mib(m.peakRSSBytes)), "
              + "analytic minimum \(mib(m.planTotal)) (RSS \(m.rssOverPlan >= 0 ? "+" : "")\(mib(m.rssOverPlan)))")
        let planned: [String: Int] = ["weights": m.plan.weights, "gradients": m.plan.gradients, "optimizer": m.plan.optimizer,
                                      "activations": m.plan.activations, "dataset": m.plan.dataset, "other": m.plan.other]
        print(indent + "  ledger peak / analytic: " + categories.map {
            "\($0) \(mib(m.ledgerPeak[$0] ?? 0)) / \(mib(planned[$0] ?? 0))"
        }.joined(separator: ", "))
    }

    private func printTable(_ results: [MemoryUse]) {
        let mib = { (b: Int) in String(format: "%9.1f", Double(b) / 1_048_576) }
        print("")
        print("config                       peak RSS MiB  analytic MiB  RSS-analytic  activations MiB (ledger / analytic)")
        for m in results {
            let name = "\(m.algorithm) \(m.layers) b\(m.batchSize)".padding(toLength: 27, withPad: " ", startingAt: 0)
            print("\(name)  \(mib(m.peakRSSBytes))     \(mib(m.planTotal))     \(mib(m.rssOverPlan))  "
                  + "\(mib(m.ledgerPeak["activations"] ?? 0)) / \(mib(m.plan.activations))")
        }
    }
}

/// A benchmark that could not complete (a child process failed).
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
