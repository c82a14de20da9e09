import Testing
import Training
@testable import Benchmarks

@Suite struct BenchGridTests {
    @Test func gridResolvesEveryConfigurationThroughTheRunOptions() throws {
        let specs = try BenchGrid(algorithms: ["ff", "ff-nohead", "bp"], layers: ["2x500", "4x2000"], batchSizes: [100, 1000],
                                  shared: [("threads", "1")]).specs()
        #expect(specs.count == 12)
        #expect(specs.map(\.config.variantName).prefix(3) == ["ff", "ff-nohead", "bp"])
        #expect(specs.allSatisfy { $0.config.threads == 1 && $0.config.validation == 0 }) // whole epochs of MNIST
        #expect(specs[1].config.ff.negatives == .random && specs[1].config.ff.softmaxHead == false)
        #expect(specs.last!.config.layers == "4x2000" && specs.last!.config.batchSize == 1000)
        #expect(throws: TrainingError.self) { try BenchGrid(algorithms: ["cnn"], layers: ["2x8"], batchSizes: [1], shared: []).specs() }
    }
}

/// A recorder overhead comes only from pairs the machine left undisturbed:
/// a pair slowed by a burst (one epoch far slower than the fastest of its
/// kind) or flagged while it ran is left out, and with no clean pair left no
/// overhead is reported at all.
@Test func recorderOverheadIsReadOnlyFromUndisturbedPairs() {
    let clean = RecorderOverhead(config: "bp", sampleInterval: 0.02, plainSeconds: [5.0, 7.19, 5.02], recordedSeconds: [5.05, 5.00, 5.06],
                                 samplesWritten: 10, recordedRunIDs: ["a", "b", "c"], recorderCPUSeconds: [0, 0, 0],
                                 recorderCPUShares: [0, 0, 0], plainDisturbed: [false, false, false], recordedDisturbed: [false, false, false])
    // The 7.19 s plain epoch is 44 % slower than the fastest: under the rule's limit, so it stays; a 2× epoch would not.
    #expect(clean.undisturbedPairs == 3)
    let burst = RecorderOverhead(config: "bp", sampleInterval: 0.02, plainSeconds: [5.0, 10.4, 5.02], recordedSeconds: [5.05, 5.00, 5.06],
                                 samplesWritten: 10, recordedRunIDs: ["a", "b", "c"], recorderCPUSeconds: [0, 0, 0],
                                 recorderCPUShares: [0, 0, 0], plainDisturbed: [false, false, false], recordedDisturbed: [false, false, true])
    #expect(burst.plainDisturbed == [false, true, false] && burst.undisturbedPairs == 1)
    #expect(abs(burst.overhead! - (5.05 / 5.0 - 1)) < 1e-12)
    let busy = RecorderOverhead(config: "bp", sampleInterval: 0.02, plainSeconds: [5.0], recordedSeconds: [3.5], samplesWritten: 1,
                                recordedRunIDs: ["a"], recorderCPUSeconds: [0], recorderCPUShares: [0], plainDisturbed: [true],
                                recordedDisturbed: [false])
    #expect(busy.overhead == nil && busy.undisturbedPairs == 0)
}
