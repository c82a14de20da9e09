import Foundation
import GRDB
import SplitMix

/// Fills a run database of a given size (runs x epochs x samples per run)
/// for benchmarking analysis and reports at scale. The numbers are drawn
/// from a seeded generator around realistic values; they are load, not results.
extension RunStore {
    public func fillSynthetic( runs: Int, epochs: Int, samplesPerRun: Int, seed: UInt64 = 1) throws(RunStoreError) {
        var random = SplitMix64(seed: seed)
        func uniform() -> Double { random.uniform() }
        try write { db in
            let sample = try db.makeStatement(sql: "INSERT INTO samples (run_id, t, metric, value) VALUES (?, ?, ?, ?)")
            for i in 0..<runs {
                let algorithm = i % 2 == 0 ? "ff" : "bp"
                let dataset = ["mnist", "fashion-mnist", "cifar10", "mnist"][(i / 2) % 4]
                var run = RunRecord(study: "synthetic", arm: algorithm, algorithm: algorithm, dataset: dataset,
                                    layers: (i / 8) % 2 == 0 ? "2x500" : "4x2000", batchSize: 100, epochs: epochs,
                                    seed: Int64(i / 2), status: .completed)
                run.finishedAt = run.startedAt
                try run.insert(db)
                let speed = algorithm == "ff" ? 1.4 : 1.0
                for e in 1...epochs {
                    let decay = 0.2 / Double(e)
                    let test: Double = 0.02 + decay + uniform() * 0.002
                    let validation: Double = 0.021 + decay + uniform() * 0.002
                    let seconds: Double = 10 * speed * (1 + 0.05 * uniform())
                    let rss = Int64(4e8 * (1 + 0.02 * uniform()))
                    let activations: Int64 = algorithm == "ff" ? 2_000_000 : 8_000_000
                    try EpochRecord(runID: run.id, epoch: e, trainLoss: 1 / Double(e), trainError: 0.1 / Double(e),
                                    testError: test, trainSeconds: seconds, evalSeconds: 1 + uniform(),
                                    peakRSSBytes: rss, peakTensorBytes: 300_000_000,
                                    peakActivationBytes: activations, validationError: validation).insert(db)
                }
                let metrics = ["rss_bytes", "cpu_user_seconds", "tensor_bytes", "tensor_bytes.activations"]
                for k in 0..<samplesPerRun {
                    try sample.execute(arguments: [run.id, Double(k) * 0.02, metrics[k % metrics.count], 4e8 + uniform() * 1e7])
                }
            }
        }
    }
}
