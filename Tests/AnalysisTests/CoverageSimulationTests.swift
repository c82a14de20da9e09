import SplitMix
import Foundation
import RunStore
import Testing
@testable import Analysis

/// Seeded simulations: the 95 % interval of the time ratio covers the true
/// ratio at its nominal rate with 5 seeds, and no verdict ever disagrees
/// with the interval it is read from.
@Suite struct CoverageSimulationTests {
    struct Normal {
        var rng: SplitMix64
        mutating func next() -> Double {
            let u1 = max(Double(rng.next() >> 11) * 0x1.0p-53, 1e-300), u2 = Double(rng.next() >> 11) * 0x1.0p-53
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    @Test(arguments: [true, false])
    func ratioIntervalCoversAtNominalRate(paired: Bool) throws {
        var z = Normal(rng: SplitMix64(seed: paired ? 11 : 12))
        let sd = Power.logSD(cv: 0.12), trueRatio = 1.3
        let trials = 4000
        var covered = 0
        for _ in 0..<trials {
            // Paired: a per-seed effect shared by both arms (the machine's state that day).
            let shared = (0..<5).map { _ in sd * z.next() }
            let base = (0..<5).map { i in 10 * exp((paired ? shared[i] : 0) + sd * z.next()) }
            let arm = (0..<5).map { i in 10 * trueRatio * exp((paired ? shared[i] : 0) + sd * z.next()) }
            let r = try LogRatio(arm: arm, baseline: base, paired: paired)
            if r.ratio.contains(trueRatio) { covered += 1 }
        }
        let coverage = Double(covered) / Double(trials)
        #expect((0.93...0.97).contains(coverage), "coverage \(coverage) at n = 5, paired = \(paired)")
    }

    /// Whole comparisons of simulated stores: every verdict agrees with
    /// its governing interval (the Holm-step interval for primary
    /// endpoints, the 95 % one for secondary ones), and directional
    /// verdicts never sit beside an interval that includes no difference.
    @Test func verdictsFollowTheirIntervalsInEverySimulatedStudy() {
        var z = Normal(rng: SplitMix64(seed: 99))
        var seen: [Verdict: Int] = [:]
        for trial in 0..<300 {
            let ratio = [0.8, 0.95, 1.0, 1.05, 1.4][trial % 5]
            let errorShift = [0.0, 0.002, 0.004, 0.02][trial % 4]
            var runs: [RunRecord] = [], epochs: [String: [EpochRecord]] = [:]
            for seed in 1...5 {
                let day = 0.1 * z.next()
                for (arm, scale, shift) in [("ff", ratio, errorShift), ("bp", 1.0, 0.0)] {
                    var run = RunRecord(study: "sim", arm: arm, algorithm: arm, dataset: "mnist", layers: "2x500", batchSize: 100,
                                        epochs: 3, seed: Int64(seed), status: .completed, parameterCount: 1000)
                    run.framework = "ffbench"
                    runs.append(run)
                    epochs[run.id] = (1...3).map { e in
                        let error = 0.05 / Double(e) + shift + 0.003 * abs(z.next())
                        return EpochRecord(runID: run.id, epoch: e, testError: error, trainSeconds: 2 * scale * exp(day + 0.1 * z.next()),
                                           evalSeconds: 0.1, peakRSSBytes: Int64(1e8 * scale * exp(0.01 * z.next())),
                                           peakActivationBytes: arm == "ff" ? 1000 : 2000, validationError: error + 0.001)
                    }
                }
            }
            let result = StudyComparison.make(runs: runs, epochs: epochs, studies: [])
            #expect(result.comparisons.count == 1)
            for c in result.comparisons {
                #expect(c.familySize <= 4)
                for e in c.endpoints {
                    seen[e.verdict, default: 0] += 1
                    let governing = e.primary ? e.adjusted : e.estimate
                    switch e.kind {
                    case .ratio, .timeToTarget:
                        guard let i = governing else { continue }
                        let direction: Verdict = i.high < 1 ? .lower : i.low > 1 ? .higher : .inconclusive
                        // Ratios are read against δ too: inside [1/δ, δ] is practically equal.
                        let delta = c.plan.smallestEffect
                        let within = e.kind == .ratio && i.low > 1 / delta && i.high < delta
                        #expect(e.verdict == (within ? .practicallyEqual : direction), "\(e.metric): \(e.verdict) with interval \(i)")
                        if e.primary, let p = e.pAdjusted { #expect((p < 0.05) == !i.contains(1), "\(e.metric): p_adj \(p) vs \(i)") }
                        if e.kind == .ratio, let q = e.practical {
                            let gamma = 1 - i.confidence
                            #expect((q.pValue < gamma / 2) == within, "\(e.metric): TOST p \(q.pValue) at γ \(gamma) vs \(i) within δ \(delta)")
                            let beyond = i.high < 1 / delta || i.low > delta
                            if direction != .inconclusive && !within { #expect(e.reading == (beyond ? .beyond : .unresolved)) }
                        }
                    case .accuracy:
                        guard let q = e.equivalence else { continue }
                        let eq = e.primary ? e.adjusted! : q.equivalenceInterval(alpha: 0.05)
                        let inside = eq.low > -q.margin && eq.high < q.margin
                        #expect((e.verdict == .equivalent) == inside, "\(e.metric): \(e.verdict) with \(eq)")
                        if e.verdict == .higher { #expect(q.difference.low > 0) }
                        if e.verdict == .lower { #expect(q.difference.high < 0) }
                        if e.verdict == .notShownEquivalent { #expect(q.difference.contains(0)) }
                    case .exact:
                        #expect(e.verdict == (e.n.contains(0) ? .notComparable : .stated) && e.pValue == nil && e.pAdjusted == nil)
                    }
                }
            }
        }
        // The simulation reaches every kind of verdict, so the checks above bite.
        for v in [Verdict.lower, .higher, .inconclusive, .equivalent, .stated, .practicallyEqual] { #expect(seen[v, default: 0] > 0, "never saw \(v)") }
    }
}
