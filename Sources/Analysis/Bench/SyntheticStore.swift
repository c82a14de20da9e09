import Foundation
import GRDB
import RunStore

/// Fills a run database of a given size (runs x epochs x samples per run)
/// for benchmarking analysis and reports at scale. The numbers are drawn
/// from a seeded generator around realistic values; they are load, not results.
public enum SyntheticStore {
    public static func fill(_ store: RunStore, runs: Int, epochs: Int, samplesPerRun: Int, seed: UInt64 = 1) throws(RunStoreError) {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1.0p-53 }
        try store.write { db in
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
                    try EpochRecord(runID: run.id, epoch: e, trainLoss: 1 / Double(e), trainError: 0.1 / Double(e),
                                    testError: 0.02 + 0.2 / Double(e) + uniform() * 0.002,
                                    trainSeconds: 10 * speed * (1 + 0.05 * uniform()), evalSeconds: 1 + uniform(),
                                    peakRSSBytes: Int64(4e8 * (1 + 0.02 * uniform())), peakTensorBytes: Int64(3e8),
                                    peakActivationBytes: Int64(algorithm == "ff" ? 2e6 : 8e6)).insert(db)
                }
                let metrics = ["rss_bytes", "cpu_user_seconds", "tensor_bytes", "tensor_bytes.activations"]
                for k in 0..<samplesPerRun {
                    try sample.execute(arguments: [run.id, Double(k) * 0.02, metrics[k % metrics.count], 4e8 + uniform() * 1e7])
                }
            }
        }
    }
}
