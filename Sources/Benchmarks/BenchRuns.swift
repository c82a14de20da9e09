import Exports
import Analysis
import Datasets
import Foundation
import Recorder
import Reports
import RunStore
import Tensor
import Training

extension TrainingBench {
    /// Every configuration of a grid, measured one after another (memory
    /// each in its own child process), optionally kept in a run database.
    public static func sweep(_ specs: [RunSpec], loader: DatasetLoader, dataDirectory: String?, steps: Int, minStepSeconds: Double,
                             epochBatches: Int?, pairs: Int, sampleInterval: Double, memory: Bool, database: String?,
                             progress: (String) -> Void, each: (TrainingBench) -> Void) throws -> [TrainingBench] {
        if let t = specs.first?.config.threads { BLAS.setThreads(t) }
        let loaded = try loader.load(.mnist)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-bench-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = database ?? scratch.appendingPathComponent("bench.sqlite").path
        var results: [TrainingBench] = []
        for spec in specs where (try? LayerSpec(parsing: spec.config.layers))?.local == nil {
            let config = spec.config
            progress("bench: \(config.variantName) \(config.layers) batch \(config.batchSize) …")
            var r = try measure(config: config, data: loaded, steps: steps, minStepSeconds: minStepSeconds, epochBatches: epochBatches,
                                pairs: pairs, sampleInterval: sampleInterval, databasePath: path)
            if memory { r.memory = try MemoryUse.inChild(spec, dataDirectory: dataDirectory) }
            each(r)
            results.append(r)
        }
        if database != nil {
            let store = try RunStore.open(path)
            try store.insert(events: results.map { r in
                EventRecord(runID: r.recordedRunID, t: r.recordedEpochSeconds, kind: "bench", message: JSONOutput.line(r))
            })
        }
        return results
    }
}

extension LocalKernelBench {
    /// Every locally connected configuration of a grid, on CIFAR-10's image shape (steps on its
    /// data when the loader finds it).
    public static func sweep(_ specs: [RunSpec], loader: DatasetLoader, progress: (String) -> Void,
                             each: (LocalKernelBench) -> Void) throws -> [LocalKernelBench] {
        var out: [LocalKernelBench] = []
        // Each locally connected network once (both algorithms are stepped inside); CIFAR-10 loaded once.
        let local = specs.filter { $0.config.algorithm == .ff && (try? LayerSpec(parsing: $0.config.layers))?.local != nil }
        let data = local.isEmpty ? nil : try? loader.load(.cifar10)
        for spec in local {
            guard let stack = (try? LayerSpec(parsing: spec.config.layers))?.local else { continue }
            if let t = spec.config.threads { BLAS.setThreads(t) }
            progress("bench: \(spec.config.layers) batch \(spec.config.batchSize) …")
            var config = spec.config
            config.validation = 0
            let r = try measure(stack: stack, layers: spec.config.layers, image: DatasetID.cifar10.info.imageShape,
                                batchSize: spec.config.batchSize, config: config, data: data)
            each(r)
            out.append(r)
        }
        return out
    }
}

/// How long comparisons and reports of a large run database take.
public enum AnalysisBench {
    public static func run(runs: Int, epochs: Int, samples: Int, database: String?,
                           report: ((RunStore, String) throws -> [String])?, progress: (String) -> Void) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-bench-analysis-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var path = dir.appendingPathComponent("synthetic.sqlite").path
        if let database { path = database } else {
            let start = Date()
            try RunStore.open(path).fillSynthetic(runs: runs, epochs: epochs, samplesPerRun: samples)
            progress(String(format: "generated %d runs x %d epochs x %d samples in %.1f s", runs, epochs, samples, Date().timeIntervalSince(start)))
        }
        let store = try RunStore.openExisting(path)
        var start = Date()
        let comparison = try StudyComparison.load(store: store, study: nil)
        var lines = [String(format: "compare: %d arm-vs-baseline comparisons (%d endpoints) over %d runs in %.3f s",
                            comparison.comparisons.count, comparison.comparisons.reduce(0) { $0 + $1.endpoints.count },
                            comparison.runs.count, Date().timeIntervalSince(start))]
        if let report {
            start = Date()
            let files = try report(store, dir.appendingPathComponent("report").path)
            lines.append(String(format: "report: %d files (HTML, PDF, figures, tables) in %.3f s", files.count, Date().timeIntervalSince(start)))
        }
        return lines
    }
}
