import Foundation

/// `ffbench stats`: the comparison estimands on any two groups of values
/// (a CSV column split by a label column), paired by a key when asked.
public struct TwoGroups: Encodable, Sendable {
    public enum Estimand: String, CaseIterable, Sendable { case ratio, difference }

    public var groups: [String]
    public var n: [Int]
    public var paired: Bool
    /// Paired by a key: each group's rows whose key the other group lacks, left out of the comparison.
    public var unpairedLeftOut: [Int]?
    public var describe: [Descriptive]
    public var ratio: LogRatio?
    public var equivalence: Equivalence?
    public var sensitivity: TestResult?

    enum CodingKeys: String, CodingKey {
        case groups, n, paired, describe, ratio, equivalence, sensitivity
        case unpairedLeftOut = "unpaired_left_out"
    }

    /// Rows as (label, value, pairing key); the first label seen is compared with the second.
    public init(labels: [String], values: [Double], keys: [String]?, estimand: Estimand, margin: Double,
                source: String) throws(AnalysisError) {
        var order: [String] = [], seen = Set<String>()
        for l in labels where seen.insert(l).inserted { order.append(l) }
        guard order.count == 2 else {
            throw .undefined(what: source, reason: "\(order.count) groups (\(order.prefix(5).joined(separator: ", "))); exactly 2 are compared")
        }
        var first: [Double] = [], second: [Double] = []
        if let keys {
            var a: [String: Double] = [:], b: [String: Double] = [:]
            for (k, (l, v)) in zip(keys, zip(labels, values)) {
                let isFirst = l == order[0]
                if (isFirst ? a : b)[k] != nil { throw .undefined(what: source, reason: "pairing key '\(k)' appears twice in group \(l)") }
                if isFirst { a[k] = v } else { b[k] = v }
            }
            let common = a.keys.filter { b[$0] != nil }.sorted()
            guard common.count >= 2 else { throw .undefined(what: source, reason: "fewer than 2 pairs share a key") }
            first = common.map { a[$0]! }
            second = common.map { b[$0]! }
            unpairedLeftOut = [a.count - common.count, b.count - common.count]
        } else {
            for (l, v) in zip(labels, values) { if l == order[0] { first.append(v) } else { second.append(v) } }
        }
        groups = order
        n = [first.count, second.count]
        if keys == nil { unpairedLeftOut = nil }
        paired = keys != nil
        describe = [try Descriptive(first), try Descriptive(second)]
        switch estimand {
        case .ratio:
            ratio = try LogRatio(arm: first, baseline: second, paired: paired)
            sensitivity = try? (paired ? Wilcoxon.test(first.map(log), second.map(log)) : MannWhitney.test(first.map(log), second.map(log)))
        case .difference:
            guard margin > 0, margin.isFinite else { throw .undefined(what: "equivalence", reason: "the margin must be positive") }
            equivalence = try Equivalence(arm: first, baseline: second, paired: paired, margin: margin)
            sensitivity = try? (paired ? Wilcoxon.test(first, second) : MannWhitney.test(first, second))
        }
    }

    /// The result as table rows: estimand, groups, n, estimate with interval, p, method.
    public var rows: [[String]] {
        var out: [[String]] = []
        let n = "\(self.n[0])/\(self.n[1])"
        if let r = ratio {
            out.append(["geometric-mean ratio", "\(groups[0]) / \(groups[1])", n, Number.interval(r.ratio, unit: "×"),
                        Number.p(r.pValue), r.inference.method + " on logs"])
        }
        if let q = equivalence {
            out.append(["difference", "\(groups[0]) − \(groups[1])", n, Number.interval(q.difference, unit: "", signed: true),
                        Number.p(q.pDifference), q.inference.method])
            out.append(["equivalence ±\(Number.plain(q.margin))", "TOST", "", "90 % CI " + Number.range(q.equivalenceInterval(alpha: 0.05), unit: "", signed: true),
                        Number.p(q.pValue), q.isEquivalent(alpha: 0.05) ? "equivalent" : "not shown equivalent"])
        }
        return out
    }

    public static let header = ["estimand", "groups", "n", "estimate (95 % CI)", "p", "method"]
}

/// `ffbench stats describe`: per group, in the order groups first appear.
public struct GroupSummary: Encodable, Sendable {
    public let group: String
    public let describe: Descriptive
    public let tInterval: Interval?
    enum CodingKeys: String, CodingKey { case group, describe; case tInterval = "t_interval" }

    public static func make(labels: [String], values: [Double]) throws(AnalysisError) -> [GroupSummary] {
        var order: [String] = [], byGroup: [String: [Double]] = [:]
        for (l, v) in zip(labels, values) {
            if byGroup[l] == nil { order.append(l) }
            byGroup[l, default: []].append(v)
        }
        var out: [GroupSummary] = []
        for g in order {
            let x = byGroup[g]!
            out.append(GroupSummary(group: g, describe: try Descriptive(x), tInterval: try? ConfidenceInterval.tMean(x)))
        }
        return out
    }

    public static let header = ["group", "n", "mean", "sd", "median", "iqr", "min", "max", "cv", "95% CI (t)"]

    public var row: [String] {
        let d = describe
        func f(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "-" }
        return [group, String(d.n), f(d.mean), f(d.sd), f(d.median), f(d.iqr), f(d.min), f(d.max), f(d.cv),
                tInterval.map { "\(f($0.low)) – \(f($0.high))" } ?? "-"]
    }
}

extension Power {
    /// `ffbench stats power`'s answer in one line.
    public static func summary(cv: Double, ratio: Double?, seeds: Int?, paired: Bool, alpha: Double, power: Double) throws(AnalysisError) -> String {
        let design = paired ? "paired by seed" : "unpaired"
        if let seeds {
            guard (2...10_000).contains(seeds) else { throw .undefined(what: "--seeds \(seeds)", reason: "expected 2 to 10000") }
            guard let r = detectableRatio(seeds: seeds, cv: cv, paired: paired, alpha: alpha, power: power) else {
                throw .undefined(what: "power", reason: "no ratio is detectable with these settings")
            }
            return String(format: "%d seeds per arm (%@, CV %.3g, alpha %.3g): the smallest ratio detected with %.0f %% power is %.3f× (or %.3f× below 1)",
                          seeds, design, cv, alpha, power * 100, r, 1 / r)
        }
        guard let ratio, ratio > 0, ratio != 1, ratio.isFinite else {
            throw .undefined(what: "--ratio", reason: "expected a positive ratio other than 1 (or give --seeds)")
        }
        guard let n = seedsNeeded(ratio: ratio, cv: cv, paired: paired, alpha: alpha, power: power) else {
            throw .undefined(what: "power", reason: "more than 10000 seeds per arm would be needed")
        }
        let achieved = ratioTest(ratio: ratio, cv: cv, seeds: n, paired: paired, alpha: alpha) ?? .nan
        return String(format: "%d seeds per arm (%@, CV %.3g, ratio %.3g, alpha %.3g): power %.3f", n, design, cv, ratio, alpha, achieved)
    }
}
