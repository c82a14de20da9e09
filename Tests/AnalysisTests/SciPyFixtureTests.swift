import Foundation
import Testing
@testable import Analysis

/// Every test, interval and effect size against SciPy on the committed cases.
@Suite struct SciPyFixtureTests {
    typealias Case = JSON

    /// Runs `compute` and compares with the fixture entry `key`: an
    /// {"error": true} entry means Analysis must refuse with an error.
    func check(_ c: Case, _ key: String, _ fields: [String], _ compute: () throws -> [String: Double]) {
        guard let expected = c[key]?.object else { return }
        let name = c["name"]!.string!
        // Constant data is degenerate: SciPy warns and returns a number, or
        // returns NaN; Analysis may instead give a defined result or refuse
        // with a clear reason. Both are allowed there, never NaN.
        let constant = [c["x"]!.numbers, c["y"]!.numbers].contains { g in g.allSatisfy { $0 == g[0] } }
            || zip(c["x"]!.numbers, c["y"]!.numbers).allSatisfy { $0 - $1 == c["x"]!.numbers[0] - c["y"]!.numbers[0] }
        if expected["error"]?.bool == true {
            do {
                let got = try compute()
                if constant { #expect(got.values.allSatisfy { !$0.isNaN }, "\(name) \(key): NaN in \(got)") }
                else { Issue.record("\(name) \(key) should be refused, got \(got)") }
            } catch {
                #expect(error is AnalysisError)
            }
            return
        }
        do {
            let got = try compute()
            for field in fields {
                guard let want = expected[field]?.number else { continue }
                let value = got[field] ?? .nan
                if constant && !value.isFinite && !want.isFinite { continue }
                #expect(Fixture.close(value, want) || (constant && field == "df"),
                        "\(name) \(key).\(field): \(value) vs SciPy \(want)")
            }
        } catch let error as AnalysisError {
            if !constant { Issue.record("\(name) \(key): threw \(error), SciPy gave \(expected)") }
        } catch {
            Issue.record("\(name) \(key): threw \(error)")
        }
    }

    func test(_ r: TestResult) -> [String: Double] {
        var out = ["statistic": r.statistic, "p": r.pValue]
        if let df = r.df { out["df"] = df }
        return out
    }

    @Test func atLeastTwoHundredCasesAreCommitted() {
        #expect(Fixture.cases.count >= 200)
    }

    @Test func testsAgreeWithSciPy() {
        for c in Fixture.cases where c["expect_error"] == nil {
            let x = c["x"]!.numbers, y = c["y"]!.numbers
            check(c, "welch", ["statistic", "p", "df"]) { test(try TTest.welch(x, y)) }
            check(c, "student", ["statistic", "p", "df"]) { test(try TTest.student(x, y)) }
            check(c, "paired", ["statistic", "p", "df"]) { test(try TTest.paired(x, y)) }
            check(c, "mannwhitney", ["statistic", "p"]) { test(try MannWhitney.test(x, y)) }
            check(c, "wilcoxon", ["statistic", "p"]) { test(try Wilcoxon.test(x, y)) }
        }
    }

    @Test func descriptiveIntervalsAndEffectSizesAgree() {
        for c in Fixture.cases where c["expect_error"] == nil {
            let x = c["x"]!.numbers, y = c["y"]!.numbers
            check(c, "describe_x", ["mean", "sd", "median", "q1", "q3", "min", "max"]) {
                let d = try Descriptive(x)
                return ["mean": d.mean, "sd": d.sd ?? .nan, "median": d.median, "q1": d.q1, "q3": d.q3, "min": d.min, "max": d.max]
            }
            check(c, "t_interval_x", ["low", "high"]) {
                let i = try ConfidenceInterval.tMean(x)
                return ["low": i.low, "high": i.high]
            }
            check(c, "hedges", ["d", "g", "low", "high"]) {
                let h = try EffectSize.hedgesG(x, y)
                return ["d": try EffectSize.cohensD(x, y), "g": h.g, "low": h.low, "high": h.high]
            }
            if let want = c["cliff"]?.number {
                #expect(Fixture.close((try? EffectSize.cliffsDelta(x, y).delta) ?? .nan, want), "\(c["name"]!.string!) cliff")
            }
        }
    }

    @Test func degenerateInputsAreRefusedNeverTrapped() {
        let bad = Fixture.cases.filter { $0["expect_error"]?.bool == true }
        #expect(!bad.isEmpty)
        for c in bad {
            let x = c["x"]!.numbers, y = c["y"]!.numbers
            #expect(throws: AnalysisError.self) { try TTest.welch(x, y) }
            #expect(throws: AnalysisError.self) { try MannWhitney.test(x, y) }
            #expect(throws: AnalysisError.self) { try Descriptive(x) }
        }
        #expect(throws: AnalysisError.self) { try TTest.welch([1], [2, 3]) }
        #expect(throws: AnalysisError.self) { try Wilcoxon.test([1, 2], [1, 2]) }
        #expect(throws: AnalysisError.self) { try TTest.paired([1, 2, 3], [1, 2]) }
    }

    /// Percentile and BCa intervals within Monte-Carlo tolerance of SciPy's.
    /// Compared in probability, not in value: SciPy's endpoint must sit, in
    /// our own 9,999 replicates, at the level our endpoint was read at
    /// (α/2, 1 - α/2, or BCa's adjusted levels) within 0.012. At the 2.5 %
    /// level one run's Monte-Carlo SD is sqrt(.025 × .975 / 9999) = 0.0016,
    /// the difference of two independent runs 0.0022: 0.012 is about 5 SDs
    /// plus BCa's own noise in z0. With 3 or 4 values a sample has so few
    /// distinct resamples that BCa's levels move in steps: 0.03 there.
    /// Values would not do: for lumpy bootstrap distributions (medians,
    /// ties, n = 3) an endpoint jumps between atoms.
    @Test func bootstrapIntervalsAgreeWithinMonteCarloTolerance() throws {
        var checked = 0
        for c in Fixture.cases {
            guard let boot = c["bootstrap"]?.object else { continue }
            let x = c["x"]!.numbers, y = c["y"]!.numbers
            let b = Bootstrap(resamples: 9_999, seed: 7)
            let computations: [String: () throws -> Bootstrap.Detail] = [
                "mean_percentile": { try b.detail([x], method: .percentile) { Stats.mean($0[0]) } },
                "mean_bca": { try b.detail([x], method: .bca) { Stats.mean($0[0]) } },
                "median_percentile": { try b.detail([x], method: .percentile) { Stats.median($0[0]) } },
                "diff_bca": { try b.detail([x, y], method: .bca) { Stats.mean($0[0]) - Stats.mean($0[1]) } },
                "ratio_bca": { try b.detail([x, y], method: .bca) { Stats.mean($0[0]) / Stats.mean($0[1]) } },
            ]
            for (key, want) in boot {
                guard let low = want["low"]?.number, let high = want["high"]?.number, let compute = computations[key],
                      let got = try? compute() else { continue }
                let r = got.replicates, count = Double(r.count)
                let tolerance = min(x.count, y.count) <= 4 ? 0.03 : 0.012
                func covers(_ value: Double, _ level: Double) -> Bool {
                    // An atom computed two ways may differ in its last bits.
                    let slack = abs(value) * 1e-12
                    let below = Double(r.filter { $0 < value - slack }.count) / count
                    let atOrBelow = Double(r.filter { $0 <= value + slack }.count) / count
                    return level >= below - tolerance && level <= atOrBelow + tolerance
                }
                #expect(covers(low, got.levels.low) && covers(high, got.levels.high),
                        "\(c["name"]!.string!) \(key): ours [\(got.interval.low), \(got.interval.high)] vs SciPy [\(low), \(high)]")
                checked += 1
            }
        }
        #expect(checked >= 200)
    }

    @Test func correctionsAndScalingAgree() {
        for c in Fixture.document["corrections"]!.array {
            let p = c["p"]!.numbers
            for (got, want) in zip(MultipleComparisons.holm(p), c["holm"]!.numbers) { #expect(Fixture.close(got, want)) }
            for (got, want) in zip(MultipleComparisons.benjaminiHochberg(p), c["bh"]!.numbers) { #expect(Fixture.close(got, want)) }
        }
        for c in Fixture.document["scaling"]!.array {
            let fit = try? ScalingFit(x: c["x"]!.numbers, y: c["y"]!.numbers)
            for (got, key) in [(fit?.exponent, "exponent"), (fit?.intercept, "intercept"), (fit?.standardError, "se"),
                               (fit?.exponentLow, "low"), (fit?.exponentHigh, "high")] {
                #expect(Fixture.close(got ?? .nan, c[key]!.number!), "scaling \(key)")
            }
        }
    }
}
