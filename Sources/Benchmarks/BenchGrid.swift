import Foundation
import Recorder
import Training

/// The configurations a training or memory benchmark sweeps: trainers ×
/// networks × batch sizes, each resolved through the run options like
/// any `ffbench train` run (on all of MNIST: no validation split, so an
/// epoch is the whole training set).
public struct BenchGrid: Sendable {
    /// Run options of each trainer name (`TrainingConfig.variantName`).
    public static let variants: [String: [(name: String, value: String)]] = [
        "ff": [("algorithm", "ff")],
        "bp": [("algorithm", "bp")],
        "ff-nohead": [("algorithm", "ff"), ("softmax-head", "no"), ("negatives", "random")],
    ]

    /// A trainer name's run options: the fixed ones, and BP's memory-saving
    /// variants `bp-micro100` (micro-batches of 100) and `bp-checkpoint-sqrt` (or `-K`).
    static func variant(_ name: String) -> [(name: String, value: String)]? {
        if let v = variants[name] { return v }
        if name.hasPrefix("bp-micro"), let m = Int(name.dropFirst("bp-micro".count)), m > 0 {
            return [("algorithm", "bp"), ("micro-batch", String(m))]
        }
        if name.hasPrefix("bp-checkpoint-") { return [("algorithm", "bp"), ("checkpoint", String(name.dropFirst("bp-checkpoint-".count)))] }
        return nil
    }

    public var algorithms: [String]
    public var layers: [String]
    public var batchSizes: [Int]
    /// Options every configuration shares (threads, stack-memory).
    public var shared: [(name: String, value: String)]

    public init(algorithms: [String], layers: [String], batchSizes: [Int], shared: [(name: String, value: String)]) {
        self.algorithms = algorithms
        self.layers = layers
        self.batchSizes = batchSizes
        self.shared = shared
    }

    public func specs() throws(TrainingError) -> [RunSpec] {
        var out: [RunSpec] = []
        for l in layers {
            for b in batchSizes {
                for a in algorithms {
                    guard let variant = Self.variant(a) else {
                        throw .badValue(option: "algorithms", value: a, expected: "ff, bp, ff-nohead, bp-micro<M> or bp-checkpoint-<K|sqrt>")
                    }
                    out.append(try RunSpec.resolve(variant + [("layers", l), ("batch-size", String(b)), ("validation", "0")] + shared))
                }
            }
        }
        return out
    }
}

extension MemoryUse {
    /// Measures one configuration in a fresh ffbench process (`ffbench
    /// bench memory --in-process`), whose high-water mark is its own.
    public static func inChild(_ spec: RunSpec, dataDirectory: String?) throws -> MemoryUse {
        let args = [Subprocess.currentExecutable, "bench", "memory", "--in-process", "--format", "json", "--spec-json", spec.json]
            + (dataDirectory.map { ["--data-dir", $0] } ?? [])
        let child = try Subprocess(args, captureOutput: true)
        let data = child.output!.readDataToEndOfFile()
        let status = child.wait()
        guard status == 0, let use = try? JSONDecoder().decode(MemoryUse.self, from: data) else {
            throw BenchFailure("memory measurement of \(spec.config.variantName) \(spec.config.layers) batch \(spec.config.batchSize) failed (exit \(status))")
        }
        return use
    }
}

/// A benchmark that could not complete (a child process failed).
public struct BenchFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ text: String) { description = text }
}
