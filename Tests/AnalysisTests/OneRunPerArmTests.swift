import RunStore
import Testing
@testable import Analysis

/// One completed run an arm (the paper's CIFAR-10 reproduction is one seed):
/// no estimand that needs run-to-run spread gets an interval or a verdict,
/// time to target included, whose Kaplan–Meier interval would have no width.
@Suite struct OneRunPerArmTests {
    @Test func nothingIsComparedWithOneRunAnArm() throws {
        var runs: [RunRecord] = [], epochs: [String: [EpochRecord]] = [:]
        for (arm, seconds, error) in [("ff", 30.0, 0.43), ("bp", 15.0, 0.36)] {
            var run = RunRecord(study: "one", arm: arm, algorithm: arm, dataset: "cifar10", layers: "lc2", batchSize: 100, epochs: 3,
                                seed: 1, status: .completed, hostname: "h")
            run.framework = "ffbench"
            runs.append(run)
            epochs[run.id] = (1...3).map { e in
                EpochRecord(runID: run.id, epoch: e, testError: error + 0.1 / Double(e), trainSeconds: seconds, validationError: error + 0.1 / Double(e))
            }
        }
        let c = try #require(StudyComparison.make(runs: runs, epochs: epochs, studies: []).comparisons.first)
        let target = try #require(c.endpoint(Metrics.timeToTarget))
        #expect(target.estimate == nil && target.survival == nil && target.pValue == nil)
        #expect(target.verdict == .notComparable, "\(target.verdict)")
        #expect(target.notes.contains { $0.contains("1 run, need at least 2 per arm") }, "\(target.notes)")
        for m in [Metrics.epochTime, Metrics.finalTestError] {
            #expect(c.endpoint(m)?.adjusted == nil, "\(m.name)")
            // Too few runs is not the machine's doing: not "unreliable (machine busy)".
            #expect(c.endpoint(m)?.verdict == .notComparable, "\(m.name): \(String(describing: c.endpoint(m)?.verdict))")
        }
    }
}
