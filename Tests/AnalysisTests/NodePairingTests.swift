import RunStore
import Testing
@testable import Analysis

/// Times from several nodes: pairs form within a node where they can, and
/// a comparison says which CPU models each arm ran on.
@Suite struct NodePairingTests {
    /// Arm ff is exactly 1.5× bp on every node; node "slow" is 2× "fast".
    static func runs(crossing: Bool) -> ([RunRecord], [String: [EpochRecord]]) {
        var runs: [RunRecord] = [], epochs: [String: [EpochRecord]] = [:]
        for seed in 1...4 {
            for (arm, factor) in [("ff", 1.5), ("bp", 1.0)] {
                // Seeds 1-2 of ff and 3-4 of bp on the slow node: every seed pair crosses nodes.
                let slow = crossing ? ((arm == "ff") == (seed <= 2)) : seed <= 2
                let host = slow ? "slow" : "fast"
                let model = slow ? "Old CPU" : "New CPU"
                var run = RunRecord(study: "n", arm: arm, algorithm: arm, dataset: "mnist", layers: "2x8", batchSize: 10, epochs: 1,
                                    seed: Int64(seed), status: .completed, hostJSON: #"{"cpu_model":"\#(model)"}"#, hostname: host)
                run.framework = "ffbench"
                runs.append(run)
                epochs[run.id] = [EpochRecord(runID: run.id, epoch: 1, testError: 0.1, trainSeconds: factor * (slow ? 2 : 1) * (1 + 0.001 * Double(seed)),
                                              validationError: 0.1)]
            }
        }
        return (runs, epochs)
    }

    @Test func crossingSeedPairsArePairedWithinNodes() throws {
        let (runs, epochs) = Self.runs(crossing: true)
        let c = try #require(StudyComparison.make(runs: runs, epochs: epochs, studies: []).comparisons.first)
        let time = try #require(c.endpoint(Metrics.epochTime))
        #expect(time.paired && time.notes.contains { $0.contains("paired within nodes") })
        // Within nodes the ratio is 1.5 (up to the seeds' 0.1 % jitter); seed pairs would mix the nodes.
        #expect(abs(try #require(time.ratio).ratio.estimate - 1.5) < 0.01)
        #expect(c.cpuModels == [["New CPU", "Old CPU"], ["New CPU", "Old CPU"]])
        // Memory and accuracy keep their seed pairs.
        #expect(c.endpoint(Metrics.finalTestError)?.notes.isEmpty == true)
    }

    @Test func seedPairsOnOneNodeStayAsTheyAre() throws {
        let (runs, epochs) = Self.runs(crossing: false)
        let time = try #require(StudyComparison.make(runs: runs, epochs: epochs, studies: []).comparisons.first?.endpoint(Metrics.epochTime))
        #expect(time.paired && time.notes.isEmpty)
        #expect(abs(try #require(time.ratio).ratio.estimate - 1.5) < 0.01)
    }
}
