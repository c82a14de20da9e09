import Foundation
import RunStore
import Testing
@testable import Reports

/// The CIFAR-10 reproduction table: each stored run of the paper's networks
/// on the row of Table 1 that matches its network, algorithm, goodness and
/// prediction, with the paper's figure beside it.
@Suite struct PaperTableTests {
    @Test func runsLandOnTheirRowsOfTableOne() throws {
        let store = try RunStore.open(ReportFixture.temporaryDirectory() + "/paper.sqlite")
        func add(_ arm: String, _ algorithm: String, config: String?, last: EpochLine) throws {
            var run = RunRecord(study: "cifar10-paper", arm: arm, algorithm: algorithm, dataset: "cifar10", layers: "lc2", batchSize: 100,
                                epochs: 2, seed: 1, status: .completed, configJSON: config, framework: "ffbench")
            run.finishedAt = "2026-12-06T00:00:01.000Z"
            try store.insert(run)
            var first = EpochLine(epoch: 1, testError: 0.9, trainSeconds: 1)
            first.testErrorGoodness = 0.9
            try store.insert(epochs: [EpochRecord(runID: run.id, line: first), EpochRecord(runID: run.id, line: last)])
        }
        try add("bp", "bp", config: #"{"algorithm":"bp","layers":"lc2"}"#, last: EpochLine(epoch: 2, testError: 0.3645, trainSeconds: 1))
        var ff = EpochLine(epoch: 2, testError: 0.45, trainSeconds: 1)
        (ff.testErrorGoodness, ff.testErrorSoftmax) = (0.45, 0.48)
        try add("ff-min", "ff", config: #"{"algorithm":"ff","layers":"lc2","ff":{"goodness":"min-ssq"}}"#, last: ff)
        let rows = PaperTable.rows(try ReportModel.load(store: store, study: nil))
        #expect(rows == [
            ["lc2", "BP, softmax output, end to end", "1", "2", "36.45 %", "37 %"],
            ["lc2", "FF min-ssq, goodness for every label", "1", "2", "45.00 %", "≈ 41 %"],
            ["lc2", "FF min-ssq, one-pass softmax", "1", "2", "48.00 %", "44–46 %"],
        ])
    }
}
