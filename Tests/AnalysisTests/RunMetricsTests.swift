import RunStore
import Testing
@testable import Analysis

/// Per-run figures: time to target interpolated between evaluated epochs,
/// censored at the run's whole training time when never reached.
@Suite struct RunMetricsTests {
    static func metrics(_ epochs: [(seconds: Double, validation: Double?, test: Double?)]) -> RunMetrics {
        let run = RunRecord(algorithm: "ff", status: .completed)
        return RunMetrics(run: run, epochs: epochs.enumerated().map { i, e in
            EpochRecord(runID: run.id, epoch: i + 1, testError: e.test, trainSeconds: e.seconds, validationError: e.validation)
        })
    }

    @Test func timeToTargetInterpolatesBetweenEvaluatedEpochs() {
        let m = Self.metrics([(10, 0.30, 0.31), (10, 0.10, 0.11), (10, 0.05, 0.06)])
        // 0.30 at 10 s, 0.10 at 20 s: 0.20 is reached half way, at 15 s.
        #expect(m.timeToTarget(0.20) == TimeToEvent(time: 15, reached: true, followUp: 30))
        #expect(m.timeToTarget(0.35) == TimeToEvent(time: 10, reached: true, followUp: 30)) // already after epoch 1
        #expect(m.timeToTarget(0.01) == TimeToEvent(time: 30, reached: false, followUp: 30)) // censored
        #expect(m.selectsOnValidation && m.values["best_validation_error"] == 0.05 && m.values["best_epoch"] == 3)
        #expect(m.values["final_test_error"] == 0.06 && m.values["mean_epoch_seconds"] == 10)
    }

    @Test func epochsWithoutEvaluationAddTimeOnly() {
        let m = Self.metrics([(10, 0.30, 0.3), (10, nil, nil), (10, 0.10, 0.1)])
        // Interpolated between epochs 1 (10 s) and 3 (30 s).
        #expect(m.timeToTarget(0.20) == TimeToEvent(time: 20, reached: true, followUp: 30))
    }

    @Test func withoutAValidationSplitSelectionReadsTheTestSet() {
        let m = Self.metrics([(5, nil, 0.4), (5, nil, 0.2)])
        #expect(!m.selectsOnValidation && m.values["best_validation_error"] == 0.2)
        #expect(m.timeToTarget(0.3) == TimeToEvent(time: 7.5, reached: true, followUp: 10))
    }
}
