import Foundation

/// One comparison of two groups (FF against BP) on one metric, with
/// everything a methods section quotes. Field names are stable (docs/analysis.md).
public struct GroupComparison: Codable, Sendable {
    public var dataset: String?
    public var configuration: String?
    public var metric: String
    public var groups: [String]
    public var n: [Int]
    /// Runs without a value (e.g. never reached the target): censored, not dropped silently.
    public var censored: [Int]
    public var describe: [Descriptive]
    /// Per group: the mean with its 95 % t-interval.
    public var meanCI: [Interval?]
    public var difference: Interval?
    public var ratio: Interval?
    public var normality: [TestResult?]
    public var equalVariance: TestResult?
    public var paired: Bool
    public var test: TestResult?
    public var testReason: String
    public var pAdjusted: Double?
    public var hedgesG: EffectSize.Hedges?
    public var cliffsDelta: EffectSize.Cliff?
    public var seedsFor80PercentPower: Int?
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case dataset, configuration, metric, groups, n, censored, describe, difference, ratio, normality, paired, test, notes
        case equalVariance = "equal_variance"
        case meanCI = "mean_ci"
        case testReason = "test_reason"
        case pAdjusted = "p_adjusted"
        case hedgesG = "hedges_g"
        case cliffsDelta = "cliffs_delta"
        case seedsFor80PercentPower = "seeds_for_80_percent_power"
    }
}

public struct ComparisonOptions: Sendable {
    public var confidence = 0.95
    public var resamples = 9_999
    public var seed: UInt64 = 1
    public var alpha = 0.05
    public init() {}
}

public enum Compare {
    /// Compares `first` with `second`. `pairs` (same length, matched by
    /// seed) switches to paired tests.
    public static func groups(_ names: [String], first: [Double], second: [Double], paired: Bool = false,
                              censored: [Int] = [0, 0], metric: String, options: ComparisonOptions = .init()) -> GroupComparison {
        var result = GroupComparison(metric: metric, groups: names, n: [first.count, second.count], censored: censored,
                                      describe: [], meanCI: [], normality: [], paired: paired && first.count == second.count,
                                      testReason: "", notes: [])
        result.describe = [first, second].compactMap { try? Descriptive($0) }
        result.meanCI = [first, second].map { try? ConfidenceInterval.tMean($0, confidence: options.confidence) }
        guard first.count >= 2 && second.count >= 2 else {
            result.testReason = "no test: each group needs at least 2 values (have \(first.count) and \(second.count))"
            result.notes.append(result.testReason)
            return result
        }
        let boot = Bootstrap(resamples: options.resamples, seed: options.seed, confidence: options.confidence)
        do {
            result.difference = try boot.interval([first, second], method: .bca) { Stats.mean($0[0]) - Stats.mean($0[1]) }
        } catch { result.notes.append("difference CI: \(error)") }
        if first.allSatisfy({ $0 > 0 }) && second.allSatisfy({ $0 > 0 }) {
            do {
                result.ratio = try boot.interval([first, second], method: .bca) { Stats.mean($0[0]) / Stats.mean($0[1]) }
            } catch { result.notes.append("ratio CI: \(error)") }
        }
        result.normality = [first, second].map { try? ShapiroWilk.test($0) }
        result.equalVariance = try? Levene.test([first, second])
        let normal = result.normality.allSatisfy { ($0?.pValue ?? 0) >= options.alpha }
        let checked = result.normality.map { $0.map { String(format: "Shapiro-Wilk p = %.3g", $0.pValue) } ?? "Shapiro-Wilk not computable" }
        do {
            if result.paired {
                if normal {
                    result.test = try TTest.paired(first, second)
                    result.testReason = "paired t: runs pair by seed and both groups look normal (\(checked.joined(separator: ", ")))"
                } else {
                    result.test = try Wilcoxon.test(first, second)
                    result.testReason = "Wilcoxon signed-rank: runs pair by seed and normality is doubtful (\(checked.joined(separator: ", ")))"
                }
            } else if normal {
                result.test = try TTest.welch(first, second)
                result.testReason = "Welch's t: both groups look normal (\(checked.joined(separator: ", "))); Welch does not assume equal variances"
            } else {
                result.test = try MannWhitney.test(first, second)
                result.testReason = "Mann-Whitney U: normality is doubtful (\(checked.joined(separator: ", ")))"
            }
        } catch {
            result.testReason = "no test: \(error)"
            result.notes.append(result.testReason)
        }
        result.hedgesG = try? EffectSize.hedgesG(first, second, confidence: options.confidence)
        result.cliffsDelta = try? EffectSize.cliffsDelta(first, second)
        result.seedsFor80PercentPower = result.hedgesG.flatMap { Power.seedsPerArm(effect: $0.g, alpha: options.alpha) }
        if min(first.count, second.count) < 5 { result.notes.append("fewer than 5 runs in a group: treat the test with caution") }
        return result
    }

    /// Fills `pAdjusted` across every comparison that has a test.
    public static func adjust(_ results: inout [GroupComparison], method: MultipleComparisons.Method) {
        let indices = results.indices.filter { results[$0].test != nil }
        let adjusted = MultipleComparisons.adjust(indices.map { results[$0].test!.pValue }, method: method)
        for (i, p) in zip(indices, adjusted) { results[i].pAdjusted = p }
    }
}
