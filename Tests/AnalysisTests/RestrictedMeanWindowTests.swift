import Testing
@testable import Analysis

/// The window τ of the restricted mean time to target: as far as both
/// Kaplan–Meier curves are known, so a slow arm's time is not capped at
/// the fast arm's training time (the frameworks study: FF reached the
/// target after ~50 s, BP trained for 19 s, and the old rule read FF's
/// RMST as 19 s and reported that cap as "4.2× later").
@Suite struct RestrictedMeanWindowTests {
    static func reached(_ times: [Double], followUp: Double) -> [TimeToEvent] {
        times.map { TimeToEvent(time: $0, reached: true, followUp: followUp) }
    }

    @Test func whenEveryRunReachesTheTargetTheRatioIsOfMeanTimes() throws {
        let ff = Self.reached([48, 50, 51.5, 53, 55], followUp: 69)
        let bp = Self.reached([4, 4.5, 4.5, 5, 5.5], followUp: 19)
        let s = try SurvivalComparison(arm: ff, baseline: bp)
        #expect(s.tau == 69)
        #expect(abs(s.arm.restrictedMean.estimate - 51.5) < 1e-12)
        #expect(abs(s.baseline.restrictedMean.estimate - 4.7) < 1e-12)
        #expect(abs(s.ratio.estimate - 51.5 / 4.7) < 1e-9)
        #expect(!s.armNeverReachedByTau && !s.baselineNeverReachedByTau)
        // The old window (the shorter follow-up, 19 s) would have said 19 / 4.7 = 4.04×.
        #expect(s.ratio.low > 19 / 4.7)
    }

    @Test func anArmStillAtRiskBoundsTheWindow() throws {
        // Two FF runs never reach the target: its curve stays above 0 and is known up to 120 s.
        let ff = Self.reached([90, 100, 115.6], followUp: 120) + [TimeToEvent(time: 118, reached: false), TimeToEvent(time: 120, reached: false)]
        let bp = Self.reached([4, 4.5, 4.5, 5, 5.5], followUp: 19)
        let s = try SurvivalComparison(arm: ff, baseline: bp)
        #expect(s.tau == 120)
        // ∫₀^120 S: 1 to 90, 0.8 to 100, 0.6 to 115.6, 0.4 to 120.
        let rmst = 90 + 0.8 * 10 + 0.6 * 15.6 + 0.4 * 4.4
        #expect(abs(s.arm.restrictedMean.estimate - rmst) < 1e-9)
        #expect(!s.armNeverReachedByTau)
    }

    @Test func bothCurvesOpenTakeTheShorterFollowUp() throws {
        let a = Self.reached([10, 20], followUp: 60) + [TimeToEvent(time: 60, reached: false)]
        let b = Self.reached([5], followUp: 30) + [TimeToEvent(time: 30, reached: false)]
        #expect(try SurvivalComparison(arm: a, baseline: b).tau == 30)
    }

    @Test func anArmThatNeverReachesTheTargetWithinTheWindowGivesABound() throws {
        let ff = (0..<5).map { _ in TimeToEvent(time: 30, reached: false) }
        let bp = Self.reached([4, 4.5, 4.5, 5, 5.5], followUp: 19)
        let s = try SurvivalComparison(arm: ff, baseline: bp)
        #expect(s.tau == 30)
        #expect(s.armNeverReachedByTau && !s.baselineNeverReachedByTau)
        #expect(abs(s.ratio.estimate - 30 / 4.7) < 1e-9)
    }
}
