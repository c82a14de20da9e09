import Analysis
import RunStore
import Testing
@testable import Reports

/// The sentence on time to target when one arm never gets there: the ratio
/// is the most the window allows, and the answer must say it is a bound.
@Suite struct TimeToTargetAnswerTests {
    /// FF (3 s an epoch) never gets below 5 % validation error; BP (1 s an epoch) is at 1 % from epoch 2.
    static func comparison(target: Double) throws -> (ArmComparison, ArmStyles) {
        var runs: [RunRecord] = [], epochs: [String: [EpochRecord]] = [:]
        for seed in 1...4 {
            for (arm, seconds) in [("ff", 3.0), ("bp", 1.0)] {
                var run = RunRecord(study: "t", arm: arm, algorithm: arm, dataset: "mnist", layers: "2x8", batchSize: 10, epochs: 4,
                                    seed: Int64(seed), status: .completed, hostJSON: #"{"cpu_model":"CPU"}"#, hostname: "h")
                run.framework = "ffbench"
                runs.append(run)
                epochs[run.id] = (1...4).map { e in
                    let error = arm == "ff" ? 0.05 + 0.01 / Double(e) : (e == 1 ? 0.04 : 0.01)
                    return EpochRecord(runID: run.id, epoch: e, testError: error, trainSeconds: seconds * (1 + 0.01 * Double(seed)),
                                       validationError: error)
                }
            }
        }
        let study = StudyComparison.make(runs: runs, epochs: epochs, studies: [], overrides: .init(targetError: target))
        let c = try #require(study.comparisons.first { $0.arm.name == "ff" })
        return (c, ArmStyles(runs.map(ArmInfo.of)))
    }

    @Test func anArmThatNeverReachesTheTargetGetsABoundNotAnEstimate() throws {
        let (c, styles) = try Self.comparison(target: 0.02)
        let e = try #require(c.endpoint(Metrics.timeToTarget))
        let s = try #require(e.survival)
        #expect(s.armNeverReachedByTau && !s.baselineNeverReachedByTau)
        #expect(ResultTables.effect(e).hasPrefix("≥ "), "\(ResultTables.effect(e))")
        let sentence = try #require(Answer.sentences(c, styles: styles).first { $0.hasPrefix("Time to a") })
        #expect(sentence.contains("is ≥ "), "\(sentence)")
        #expect(sentence.contains("(given with --target-error)"), "\(sentence)")
        #expect(sentence.contains("No FF run reached the target within those"), "\(sentence)")
        #expect(sentence.contains("the ratio is a bound, not an estimate of how much later FF gets there"), "\(sentence)")
    }

    @Test func whenBothArmsGetThereTheRatioIsAnEstimateWithoutABound() throws {
        let (c, styles) = try Self.comparison(target: 0.06)
        let e = try #require(c.endpoint(Metrics.timeToTarget))
        #expect(!ResultTables.effect(e).hasPrefix("≥"))
        let sentence = try #require(Answer.sentences(c, styles: styles).first { $0.hasPrefix("Time to a") })
        #expect(!sentence.contains("bound"), "\(sentence)")
    }
}
