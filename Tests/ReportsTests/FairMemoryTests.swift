import Analysis
import Foundation
import RunStore
import Testing
@testable import Reports

/// FF against plain BP and BP's memory-saving variants over depth: the
/// fairest BP baseline the answer names, the crossover table and the
/// time–memory frontier. Memory follows power laws in depth chosen so that
/// FF's activations cross plain BP's near 3.9 layers, √L checkpointing's
/// near 5.7 and micro-batching's near 7.5 (FF 30·d^0.2 MB; BP 10·d,
/// √L 15·d^0.6, micro-batches 6·d), inside the depths studied (2, 4, 8).
@Suite struct FairMemoryTests {
    /// Activation bytes scale · depth^exponent.
    static let arms: [(name: String, algorithm: String, seconds: Double, scale: Double, exponent: Double)] = [
        ("ff", "ff", 2.0, 30e6, 0.2), ("bp", "bp", 1.0, 10e6, 1), ("bp-sqrt", "bp", 1.3, 15e6, 0.6), ("bp-micro100", "bp", 1.1, 6e6, 1)]

    static func model() throws -> ReportModel {
        let store = try RunStore.open(ReportFixture.temporaryDirectory() + "/fair.sqlite")
        for depth in [2, 4, 8] {
            for seed in 1...3 {
                for arm in arms {
                    var run = RunRecord(study: "memory-fair", arm: arm.name, algorithm: arm.algorithm, dataset: "mnist", layers: "\(depth)x2000",
                                        batchSize: 1000, epochs: 1, seed: Int64(seed), status: .completed,
                                        hostJSON: #"{"hostname":"h","cpu_model":"Test CPU","cores":2}"#, hostname: "h", framework: "ffbench")
                    run.finishedAt = "2026-12-01T00:00:0\(seed).000Z"
                    try store.insert(run)
                    let wobble = 1 + 0.01 * Double(seed - 2)
                    let activations = arm.scale * pow(Double(depth), arm.exponent) * wobble
                    let rss = 100e6 + 16e6 * Double(depth) + activations
                    try store.insert(epochs: [EpochRecord(runID: run.id, epoch: 1, testError: 0.1, trainSeconds: arm.seconds * Double(depth) * wobble,
                                                          evalSeconds: 0.5, peakRSSBytes: Int64(rss), peakTensorBytes: Int64(rss - 50e6),
                                                          peakActivationBytes: Int64(activations))])
                }
            }
        }
        return try ReportModel.load(store: store, study: nil)
    }

    @Test func theAnswerNamesTheBPArmWithTheLowestPeakMemoryAsTheFairestBaseline() throws {
        let model = try Self.model()
        let styles = ArmStyles(model.runs.map(ArmInfo.of))
        let choices = FairestBaseline.choices(model)
        #expect(choices.count == 3, "one per depth")
        for choice in choices {
            // Micro-batches of 100 hold the fewest activations at every depth here, so the least RSS.
            #expect(choice.comparison.baseline.name == "bp-micro100")
            #expect(choice.peaks.count == 3 && choice.peaks.map(\.bytes) == choice.peaks.map(\.bytes).sorted())
            let text = FairestBaseline.sentences(choice, styles: styles).joined(separator: " ")
            #expect(text.contains("the fairest BP baseline"), "\(text)")
            #expect(text.contains(styles.label(choice.comparison.baseline)), "\(text)")
        }
        let deep = try #require(choices.first { $0.comparison.unit.layers == "8x2000" })
        let words = FairestBaseline.sentences(deep, styles: styles).joined(separator: " ")
        #expect(words.contains("peak RSS"), "\(words)")
    }

    @Test func theCrossoverTableFindsTheDepthWhereFFPassesTheLastBPVariant() throws {
        let model = try Self.model()
        let styles = ArmStyles(model.runs.map(ArmInfo.of))
        let rows = CrossoverTable.rows(model, styles: styles)
        let exact = try #require(rows.first { $0[2].contains("activations") })
        // Exact power laws with a common 1 % wobble: FF passes micro-batches (the last) at 5^(1/0.8) = 7.48 layers.
        #expect(exact[3].hasPrefix("7.4") || exact[3].hasPrefix("7.5"), "\(exact)")
        #expect(exact[4] == styles.label(ArmInfo.of(model.runs.first { $0.arm == "bp-micro100" }!)))
        #expect(exact[5].contains("×") && exact[5].contains("8x2000"), "FF's time there, against that arm: \(exact)")
    }

    @Test func theReportShowsTheFrontierAndTheTable() throws {
        let model = try Self.model()
        let out = ReportFixture.temporaryDirectory() + "/report"
        try ReportWriter(model: model, templates: ReportFixture.packageRoot.appendingPathComponent("Templates").path, paper: .a4)
            .write(to: out, formats: [.html])
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("Where FF uses less memory than the best BP variant"))
        #expect(html.contains("the fairest BP baseline"))
        #expect(html.contains("Time–memory frontier"))
        let figures = try FileManager.default.contentsOfDirectory(atPath: out + "/figures")
        #expect(figures.contains { $0.hasPrefix("frontier-peak-rss") } && figures.contains { $0.hasPrefix("frontier-peak-activation") }, "\(figures)")
    }
}
