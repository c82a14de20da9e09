import Foundation
import RunStore
import Testing
@testable import Analysis

/// The disturbance rule on stored epochs, and what the comparison does
/// with disturbed timings: left out of time per epoch, counted per arm,
/// shown on all epochs beside it, and "unreliable" when too few remain.
@Suite struct DisturbanceTests {
    static func epoch(_ n: Int, _ seconds: Double, other: Double? = 0.01, canary: Double? = 0.020) -> EpochLine {
        var e = EpochLine(epoch: n, testError: 0.1, validationError: 0.1, trainSeconds: seconds, evalSeconds: 0.1)
        (e.otherCPUShare, e.canarySeconds, e.cpuSeconds) = (other, canary, seconds * 2)
        return e
    }

    @Test func eachPartOfTheRuleFlagsItsEpochAndNoOther() {
        let epochs = [Self.epoch(1, 2.00), Self.epoch(2, 2.05), Self.epoch(3, 2.01, other: 0.40),
                      Self.epoch(4, 2.02, canary: 0.036), Self.epoch(5, 3.10)]
        let d = RunDisturbance(epochs: epochs, reference: 0.020)
        #expect(d.disturbedEpochs == [3, 4, 5])
        #expect(d.reasons == ["other_cpu": 1, "canary": 1, "slow_epoch": 1])
        #expect(d.undisturbedSeconds == [2.00, 2.05])
        #expect(d.undisturbedEpochSeconds == 2.025)
        #expect(Set(d.measured) == ["other_cpu", "canary", "slow_epoch"])
        let againstArm = RunDisturbance(epochs: epochs, reference: 0.020, armFastest: 1.30)
        #expect(againstArm.disturbedEpochs == [1, 2, 3, 4, 5] && againstArm.reasons["slow_for_arm"] == 5)
    }

    @Test func thresholdsAreStrictAndComeFromTheRule() {
        let r = DisturbanceRule.standard
        // Just under each threshold: undisturbed.
        let under = RunDisturbance(epochs: [Self.epoch(1, 2.0), Self.epoch(2, 2.0 * (1 + r.epochSlowdown) * 0.999,
                                            other: r.otherCPUShare * 0.999, canary: 0.020 * (1 + r.canarySlowdown) * 0.999)],
                                   reference: 0.020)
        #expect(under.disturbedEpochs.isEmpty)
        let over = RunDisturbance(epochs: [Self.epoch(1, 2.0), Self.epoch(2, 2.0, other: r.otherCPUShare * 1.01)], reference: 0.020)
        #expect(over.disturbedEpochs == [2])
    }

    @Test func olderRunsWithoutMeasurementsAreReadByWhatTheyHave() {
        let old = [EpochLine(epoch: 1, trainSeconds: 2.0), EpochLine(epoch: 2, trainSeconds: 3.2)]
        let d = RunDisturbance(epochs: old, reference: nil)
        #expect(d.measured == ["slow_epoch"])
        #expect(d.disturbedEpochs == [2])
    }

    @Test func theQuietReferenceIsTheFastestCanaryOnTheHost() {
        var a = RunRecord(study: "s", arm: "ff", algorithm: "ff", status: .completed)
        a.hostname = "h1"
        var b = RunRecord(study: "s", arm: "bp", algorithm: "bp", status: .completed)
        b.hostname = "h1"
        var c = RunRecord(study: "s", arm: "bp", algorithm: "bp", status: .completed)
        c.hostname = "h2"
        let epochs = [a.id: [EpochRecord(runID: a.id, line: Self.epoch(1, 1, canary: 0.030))],
                      b.id: [EpochRecord(runID: b.id, line: Self.epoch(1, 1, canary: 0.025))],
                      c.id: [EpochRecord(runID: c.id, line: Self.epoch(1, 1, canary: 0.050))]]
        var study = StudyRecord(name: "s", plan: PlanDeclaration(), specJSON: "{}")
        study.canaryReferenceSeconds = 0.027
        let refs = RunDisturbance.references(runs: [a, b, c], epochs: epochs, studies: [study])
        #expect(refs[RunDisturbance.referenceKey(a)] == 0.025)
        // Another host keeps its own speed: the study's reference is faster still, so it is taken.
        #expect(refs[RunDisturbance.referenceKey(c)] == 0.027)
    }

    /// Five seeds per arm; `busy(arm, seed)` gives the epochs (1-based) the machine disturbed.
    static func study(ffSeconds: Double = 3.0, bpSeconds: Double = 1.0, busy: (String, Int) -> Set<Int>) -> ([RunRecord], [String: [EpochRecord]]) {
        var runs: [RunRecord] = [], epochs: [String: [EpochRecord]] = [:]
        for seed in 1...5 {
            for (arm, base) in [("ff", ffSeconds), ("bp", bpSeconds)] {
                var run = RunRecord(study: "s", arm: arm, algorithm: arm, dataset: "mnist", layers: "2x500", batchSize: 100,
                                    epochs: 3, seed: Int64(seed), status: .completed, parameterCount: 1000)
                run.framework = "ffbench"
                run.hostname = "h"
                runs.append(run)
                let jitter = 1 + 0.004 * Double(seed)
                epochs[run.id] = (1...3).map { e in
                    let disturbed = busy(arm, seed).contains(e)
                    var line = Self.epoch(e, base * jitter * (disturbed ? 2.0 : 1.0), other: disturbed ? 0.5 : 0.01)
                    line.validationError = 0.3 / Double(e)
                    line.testError = 0.3 / Double(e)
                    line.peakRSSBytes = 100_000_000
                    return EpochRecord(runID: run.id, line: line)
                }
            }
        }
        return (runs, epochs)
    }

    @Test func disturbedEpochsAreLeftOutOfTimePerEpochAndCountedPerArm() throws {
        // Every BP run from seed 3 on was slowed 2× (the run 2).
        let (runs, epochs) = Self.study { arm, seed in arm == "bp" && seed >= 3 ? [2, 3] : [] }
        let c = try #require(StudyComparison.make(runs: runs, epochs: epochs, studies: []).comparisons.first)
        let time = try #require(c.endpoint(Metrics.epochTime))
        let all = try #require(c.endpoint(Metrics.epochTimeAllEpochs))
        // Undisturbed: FF is 3.0× BP; on all epochs the busy BP runs pull it well below.
        #expect(abs(time.ratio!.ratio.estimate - 3.0) < 0.01)
        #expect(all.ratio!.ratio.estimate < 2.5)
        #expect(c.disturbance[0].disturbedEpochs == 0 && c.disturbance[1].disturbedEpochs == 6)
        #expect(c.disturbance[1].disturbedRuns == 3 && c.disturbance[1].unusableRuns == 0)
        #expect(c.epochs == 30 && c.disturbedEpochs == 6)
        #expect(time.verdict == .higher && time.reading == .beyond)
    }

    /// The idle study: whole runs 2× slower, nothing else in the
    /// guest and the canary steady. A run's own epochs cannot show it; the
    /// arm's other runs, doing the same work, do.
    @Test func aRunTheHostSlowedThroughoutIsFlaggedAgainstItsArm() throws {
        var (runs, epochs) = Self.study { _, _ in [] }
        for (seed, factor) in [(2, 1.8), (4, 1.3)] {
            let id = runs.first { $0.arm == "bp" && $0.seed == Int64(seed) }!.id
            epochs[id] = epochs[id]!.map { var e = $0; e.trainSeconds! *= factor; return e }
        }
        // Another host's runs are judged against that host's fastest, not this one's.
        var elsewhere = RunRecord(study: "s", arm: "bp", algorithm: "bp", dataset: "mnist", layers: "2x500", batchSize: 100,
                                  epochs: 3, seed: 9, status: .completed, parameterCount: 1000)
        (elsewhere.framework, elsewhere.hostname) = ("ffbench", "slower-host")
        runs.append(elsewhere)
        epochs[elsewhere.id] = (1...3).map { EpochRecord(runID: elsewhere.id, line: Self.epoch($0, 1.9)) }

        let c = try #require(StudyComparison.make(runs: runs, epochs: epochs, studies: []).comparisons.first)
        let time = try #require(c.endpoint(Metrics.epochTime))
        #expect(c.disturbance[1].reasons == ["slow_for_arm": 3], "\(c.disturbance[1].reasons)")
        #expect(c.disturbance[1].unusableRuns == 1 && c.disturbance[0].disturbedEpochs == 0)
        // The 1.3× run is within the rule's 50 % and stays, as does the other host's; the 1.8× one is left out.
        let ff = (1...5).map { 3.0 * (1 + 0.004 * Double($0)) }
        let slowed: [Int: Double] = [4: 1.3]
        let bp: [Double] = [1, 3, 4, 5].map { (seed: Int) -> Double in (1 + 0.004 * Double(seed)) * (slowed[seed] ?? 1) } + [1.9]
        func logMean(_ x: [Double]) -> Double { x.map(log).reduce(0, +) / Double(x.count) }
        #expect(time.n == [5, 5])
        #expect(abs(time.ratio!.ratio.estimate - exp(logMean(ff) - logMean(bp))) < 1e-9, "\(time.ratio!.ratio.estimate)")
    }

    @Test func tooFewUndisturbedRunsMakeTheTimeVerdictUnreliable() throws {
        let (runs, epochs) = Self.study { arm, seed in arm == "ff" && seed >= 2 ? [1, 2, 3] : [] }
        let c = try #require(StudyComparison.make(runs: runs, epochs: epochs, studies: []).comparisons.first)
        let time = try #require(c.endpoint(Metrics.epochTime))
        #expect(time.verdict == .unreliable && time.ratio == nil && time.pValue == nil)
        #expect(time.notes.contains { $0.contains("busy during 4 of 5 FF runs") })
        // It leaves Holm's family; the other primary endpoints are still compared.
        #expect(time.pAdjusted == nil && c.familySize == c.endpoints.filter { $0.primary && $0.pValue != nil }.count)
    }

    @Test func timeToTargetCountsADisturbedEpochAtItsRunsQuietPace() {
        let (runs, epochs) = Self.study { arm, seed in arm == "bp" && seed == 1 ? [2] : [] }
        let run = runs.first { $0.arm == "bp" && $0.seed == 1 }!
        let m = RunMetrics(run: run, epochs: epochs[run.id]!, reference: 0.020)
        let quiet = m.disturbance.undisturbedEpochSeconds!
        for (got, want) in zip(m.progress.map(\.seconds), [1.004, 1.004 + quiet, 1.004 + 2 * quiet]) { #expect(abs(got - want) < 1e-12) }
        #expect(m.values["mean_epoch_seconds"]! > m.values["epoch_seconds"]!)
    }

    @Test func supersededRunsStayStoredButAreNotCompared() throws {
        let (stored, epochs) = Self.study { _, _ in [] }
        var runs = stored
        let slow = runs.firstIndex { $0.arm == "bp" && $0.seed == 1 }!
        runs[slow].supersededBy = "rerun"
        let c = try #require(StudyComparison.make(runs: runs, epochs: epochs, studies: []).comparisons.first)
        #expect(c.runs == [5, 4])
    }
}
