import Foundation
import RunStore
@testable import Reports

/// A real run database with several arms, epochs and sampled memory, and
/// a report written from it into a fresh folder.
enum ReportFixture {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func temporaryDirectory(_ label: String = #function) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ffbench-reports-\(label.filter(\.isLetter))-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Arms ff, ff-nohead and bp, 3 seeds, 4 epochs, on two networks; memory sampled.
    static func store(layers: [String] = ["2x500", "4x500"]) throws -> RunStore {
        let store = try RunStore.open(temporaryDirectory() + "/fixture.sqlite")
        for l in layers {
            let depth = Double(l.prefix(1)) ?? 2
            for seed in 1...3 {
                for (arm, algorithm, speed, error) in [("ff", "ff", 3.0, 0.05), ("ff-nohead", "ff", 2.5, 0.06), ("bp", "bp", 1.0, 0.03)] {
                    var run = RunRecord(study: "fixture", arm: arm, algorithm: algorithm, dataset: "mnist", layers: l, batchSize: 100, epochs: 4,
                                        seed: Int64(seed), status: .completed, parameterCount: 400_000 * Int(depth),
                                        hostJSON: #"{"hostname":"h","cpu_model":"Test CPU","cores":2,"blas_config":"OpenBLAS"}"#,
                                        hostname: "h", sampleInterval: 0.02, framework: "ffbench")
                    run.finishedAt = "2026-12-01T00:00:0\(seed).000Z"
                    run.startedAt = "2026-12-01T00:00:00.000Z"
                    try store.insert(run)
                    var epochs: [EpochRecord] = [], samples: [SampleRecord] = []
                    do {
                        var t = 0.0
                        for e in 1...4 {
                            let jitter = Double(seed) * 0.013
                            let seconds = speed * depth * (1 + jitter)
                            t += seconds
                            let err = error / Double(e) + jitter / 100
                            epochs.append(EpochRecord(runID: run.id, epoch: e, trainLoss: 1 / Double(e), trainError: err, testError: err + 0.002,
                                            trainSeconds: seconds, evalSeconds: 0.3, peakRSSBytes: Int64((200 + 10 * depth + (algorithm == "ff" ? 5 : 0)) * 1_048_576 + Double(seed) * 1e5),
                                            peakTensorBytes: Int64(150 * 1_048_576), peakActivationBytes: Int64(algorithm == "ff" ? 2_000_000 : Int(depth) * 1_000_000),
                                            learningRate: 0.01, validationError: err + 0.001))
                        }
                        for k in 0..<200 {
                            let time = Double(k) * t / 200
                            for (metric, value) in [(SampleMetric.rss, 2.0e8 + Double(k) * 1e5), (.tensorBytes, 1.5e8 + Double(k % 7) * 1e5),
                                                    (.tensorBytes("weights"), 5e6 * depth), (.tensorBytes("optimizer"), 5e6 * depth),
                                                    (.tensorBytes("activations"), Double(k % 7) * 1e5), (.tensorBytes("dataset"), 1.4e8)] {
                                samples.append(SampleRecord(runID: run.id, t: time, metric: metric, value: value))
                            }
                        }
                    }
                    try store.insert(epochs: epochs, samples: samples)
                }
            }
        }
        return store
    }

    /// Writes the report of `store` into a new folder; returns the folder.
    static func report(_ store: RunStore, paper: ReportWriter.Paper = .a4, formats: Set<ReportWriter.Format> = Set(ReportWriter.Format.allCases)) throws -> String {
        let out = temporaryDirectory() + "/report"
        let model = try ReportModel.load(store: store, study: nil)
        try ReportWriter(model: model, templates: packageRoot.appendingPathComponent("Templates").path, paper: paper).write(to: out, formats: formats)
        return out
    }

    static func run(_ executable: String, _ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func available(_ tool: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }
}
